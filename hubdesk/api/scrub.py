"""Secrets out of text that leaves the client (error sentences built from server text)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["scrub"]

_REDACTED = "[redacted]"
#: Secrets at least this long are removed wherever they appear; shorter ones (a short
#: password) only as a whole word, so "Invalid number" survives a secret "b".
_SCRUB_ANYWHERE = 8


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by "[redacted]" (see ``_SCRUB_ANYWHERE``)."""
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        if len(secret) >= _SCRUB_ANYWHERE:
            text = text.replace(secret, _REDACTED)
        else:  # a word boundary on each end that is a letter or digit
            before = r"(?<![0-9A-Za-z])" if secret[0].isalnum() else ""
            after = r"(?![0-9A-Za-z])" if secret[-1].isalnum() else ""
            text = re.sub(before + re.escape(secret) + after, _REDACTED, text)
    return text
