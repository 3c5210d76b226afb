"""The display text of a partner's number, cheaply where that is certain.

``domain.numbers.format_number`` asks phonenumbers, whose first call compiles its
patterns (~6–8 ms, during the first paint when the cached list shows numbers without a
contact name). UK mobile numbers are by far the most common partners and their national
form is fixed ("447400123456" -> "07400 123456"), so :func:`number_text` writes those
itself and asks phonenumbers for everything else.

The fast path covers only the mobile ranges phonenumbers holds valid as a whole:
``447[1-5]…`` and ``447[7-9]…`` except ``44770…`` and ``44791…`` (some of their
sub-ranges are not allocated, and phonenumbers shows those digits unchanged). Its text is
identical to ``format_number``'s (``tests/unit/ui/messages/test_numbertext.py`` compares them over
every four-digit prefix of those ranges).
"""

from __future__ import annotations

_FAST_THIRD = frozenset("12345789")  # the digit after "447" ("0" and "6": not mobiles)
_NOT_FAST = ("44770", "44791")


def fast_uk_mobile(digits: str) -> str | None:
    """``07xxx xxxxxx`` for the E.164 digits of a UK mobile in the covered ranges, else
    None (the caller asks phonenumbers)."""
    if (
        len(digits) != 12
        or not digits.startswith("447")
        or digits[3] not in _FAST_THIRD
        or digits.startswith(_NOT_FAST)
        or not (digits.isascii() and digits.isdigit())
    ):
        return None
    return f"0{digits[2:6]} {digits[6:]}"


def number_text(partner: str) -> str:
    """The partner's number as shown: ``domain.numbers.format_number``'s text."""
    fast = fast_uk_mobile(partner)
    if fast is not None:
        return fast
    from hubdesk.domain.numbers import format_number

    return format_number(partner)
