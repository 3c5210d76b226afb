"""sms_reachability: numbers that usually cannot receive texts are flagged, mobiles quiet."""

from __future__ import annotations

import pytest

from hubdesk.domain.numbers import SmsReach, parse_number, sms_reachability


@pytest.mark.parametrize(
    ("number", "sentence"),
    [
        ("020 7946 0000", "landline — usually cannot receive SMS"),
        ("0121 234 5678", "landline — usually cannot receive SMS"),
        ("0800 123 4567", "freephone number — usually cannot receive SMS"),
        ("0901 234 5678", "premium-rate number — cannot receive SMS"),
        ("0845 464 7000", "premium-rate number — cannot receive SMS"),  # as phonenumbers has it
        ("0300 123 4567", "non-geographic (UAN) number — usually cannot receive SMS"),
        ("055 1234 5678", "non-geographic (UAN) number — usually cannot receive SMS"),
        ("070 1234 5678", "personal number — may not receive SMS"),
        ("056 1234 5678", "internet (VoIP) number — may not receive SMS"),
        ("076 4012 3456", "pager — cannot receive SMS"),
        ("+33 1 23 45 67 89", "landline — usually cannot receive SMS"),
        ("+33 8 84 01 23 45", "shared-cost number — usually cannot receive SMS"),
        ("+49 177 991234567", "voicemail access number — cannot receive SMS"),
    ],
)
def test_numbers_that_cannot_take_texts_are_flagged(number: str, sentence: str) -> None:
    reach = sms_reachability(parse_number(number))
    assert reach is not None
    assert str(reach) == sentence
    assert reach.kind == sentence.split(" — ")[0]


@pytest.mark.parametrize(
    "number",
    [
        "07400 123456",  # UK mobile
        "+44 7624 123456",  # Isle of Man mobile
        "+1 516 725 9623",  # North America: fixed line or mobile, cannot tell
        "+33 6 12 34 56 78",  # French mobile
    ],
)
def test_mobiles_and_unknowable_numbers_are_quiet(number: str) -> None:
    assert sms_reachability(parse_number(number)) is None


def test_the_flag_is_a_value() -> None:
    assert SmsReach("landline", "usually cannot receive SMS") == SmsReach(
        "landline", "usually cannot receive SMS"
    )
