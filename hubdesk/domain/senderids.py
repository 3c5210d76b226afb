"""Client-side sender id rules (the server stays the judge).

Letters and digits only; at most 11 characters when the id contains a letter, at most
15 digits when it is all digits.
"""

from __future__ import annotations

import string

_ALLOWED = frozenset(string.ascii_letters + string.digits)
_ALPHANUMERIC_MAX = 11
_NUMERIC_MAX = 15


class SenderIdError(ValueError):
    """A sender id the client refuses; ``str(e)`` is the reason."""


def validate_sender_id(text: str) -> str:
    """Return the stripped sender id, or raise ``SenderIdError`` saying why it is refused."""
    sender_id = text.strip()
    if not sender_id:
        raise SenderIdError("sender ID is empty")
    if not set(sender_id) <= _ALLOWED:
        raise SenderIdError("sender ID may contain only letters and digits")
    if sender_id.isdigit():
        if len(sender_id) > _NUMERIC_MAX:
            raise SenderIdError(f"a numeric sender ID can be at most {_NUMERIC_MAX} digits")
        if sender_id.startswith("0"):  # national or 00-prefixed: not routable as a sender
            example = "44" + sender_id[1:] if not sender_id.startswith("00") else sender_id[2:]
            raise SenderIdError(
                "a numeric sender ID is a number in international form, without 0, 00 or "
                f"+ in front (e.g. {example})"
            )
    elif len(sender_id) > _ALPHANUMERIC_MAX:
        raise SenderIdError(
            f"an alphanumeric sender ID can be at most {_ALPHANUMERIC_MAX} characters"
        )
    return sender_id
