"""The conversation list's cheap number text equals ``domain.numbers.format_number``."""

from __future__ import annotations

import random

import pytest

from hubdesk.domain.numbers import format_number
from hubdesk.ui.messages.conversations.numbertext import fast_uk_mobile, number_text


@pytest.mark.parametrize(
    "step",
    [
        97,  # every 97th "447dddd" prefix: the normal run
        pytest.param(1, marks=pytest.mark.slow),  # every one of the 10,000
    ],
)
def test_fast_text_equals_format_number_over_every_prefix(step: int) -> None:
    rng = random.Random(20240501)
    covered = 0
    for prefix in range(0, 10_000, step):  # "447dddd"
        head = f"447{prefix:04d}"
        for _ in range(3):
            digits = head + f"{rng.randrange(100_000):05d}"
            fast = fast_uk_mobile(digits)
            if fast is not None:
                covered += 1
                assert fast == format_number(digits), digits
            assert number_text(digits) == format_number(digits), digits
    assert covered >= 20_000 // step  # the common ranges really take the fast path


@pytest.mark.parametrize(
    "value",
    [
        "447400123456",
        "447700900123",
        "447911123456",
        "447624123456",
        "447012345678",
        "4474001234567",
        "44740012345",
        "442073771555",
        "15167259623",
        "SMTEST",
        "４４7400123456",
        "+447400123456",
        "",
        "447400 12345",
    ],
)
def test_other_values_read_as_format_number_does(value: str) -> None:
    assert number_text(value) == format_number(value)


def test_the_fast_path_is_the_national_form() -> None:
    assert fast_uk_mobile("447400123456") == "07400 123456"
    assert fast_uk_mobile("447700900123") is None  # 44770: partly unallocated
    assert fast_uk_mobile("447400１23456") is None  # not ASCII digits
