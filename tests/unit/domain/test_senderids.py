"""Client-side sender id rules."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.senderids import SenderIdError, validate_sender_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SMTEST", "SMTEST"),
        ("  HubWork  ", "HubWork"),
        ("A", "A"),
        ("ABCDEFGHIJK", "ABCDEFGHIJK"),  # 11 characters with letters
        ("Shop24", "Shop24"),
        ("447520602707", "447520602707"),
        ("123456789012345", "123456789012345"),  # 15 digits
        ("7", "7"),
    ],
)
def test_accepted(text: str, expected: str) -> None:
    assert validate_sender_id(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "sender ID is empty"),
        ("   ", "sender ID is empty"),
        ("Hub Work", "sender ID may contain only letters and digits"),
        ("Hub-Work", "sender ID may contain only letters and digits"),
        ("+447520602707", "sender ID may contain only letters and digits"),
        ("Café", "sender ID may contain only letters and digits"),
        ("١٢٣", "sender ID may contain only letters and digits"),  # non-ASCII digits
        ("ABCDEFGHIJKL", "an alphanumeric sender ID can be at most 11 characters"),
        ("1234567890A", None),
        ("1234567890AB", "an alphanumeric sender ID can be at most 11 characters"),
        ("1234567890123456", "a numeric sender ID can be at most 15 digits"),
        (
            "07400555123",
            "a numeric sender ID is a number in international form, without 0, "
            "00 or + in front (e.g. 447400555123)",
        ),
        (
            "00447400555123",
            "a numeric sender ID is a number in international form, without "
            "0, 00 or + in front (e.g. 447400555123)",
        ),
        ("0SHOP", None),  # letters: a name, not a number
    ],
)
def test_refused_with_reason(text: str, reason: str | None) -> None:
    if reason is None:
        assert validate_sender_id(text) == text
        return
    with pytest.raises(SenderIdError) as caught:
        validate_sender_id(text)
    assert str(caught.value) == reason
    assert isinstance(caught.value, ValueError)


@given(st.text(max_size=20))
def test_matches_the_rules(text: str) -> None:
    stripped = text.strip()
    ascii_alnum = set(string.ascii_letters + string.digits)
    ok = (
        bool(stripped)
        and all(ch in ascii_alnum for ch in stripped)
        and len(stripped) <= (15 if all(ch in string.digits for ch in stripped) else 11)
        and not (all(ch in string.digits for ch in stripped) and stripped.startswith("0"))
    )
    try:
        result = validate_sender_id(text)
    except SenderIdError:
        assert not ok
    else:
        assert ok
        assert result == stripped
