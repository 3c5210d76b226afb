"""Numbers and dates from response headers, parsed strictly; nothing here raises.

A header is text from outside like any other. ``X-RateLimit-Limit: nan`` used to raise
on every response (``int(float("nan"))``), login and token refresh included, and
``Retry-After: 1e400`` became an infinite wait that broke a rounding in the error
sentence. The rules here:

* ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining``: ASCII digits only. Anything else
  (``nan``, ``inf``, ``-1``, ``1.5``, ``1e3``, two values) is absent; more than
  :data:`MAX_COUNT` is clamped to it.
* ``Retry-After``: delta-seconds (ASCII digits, a decimal fraction tolerated) or an
  HTTP date (RFC 9110 §10.2.3). A date is measured from the response's own ``Date``
  when it has a valid one (the server's clock), else from this machine's clock; a date
  in the past is 0 s.
* ``X-RateLimit-Reset``: epoch seconds, the same digits rule.
* ``Date``: an HTTP date that parses to a real moment, else absent.

Every duration a header asks for is clamped to :data:`MAX_WAIT` (one day): it then fits
any timer (Qt's int milliseconds hold 24.8 days) and ``round()`` of it is an int. Those
who schedule clamp further: ``HubClient`` does not wait longer than its
``RetryPolicy.max_retry_after`` and clamps :class:`RateLimitInfo` (what pacing reads) to
the same bound; the GUI poller waits at most an hour.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "MAX_COUNT",
    "MAX_WAIT",
    "RateLimitInfo",
    "header_count",
    "header_seconds",
    "http_date",
    "rate_limit_from_headers",
    "rate_limited_wait",
    "retry_after",
]

MAX_WAIT = 86_400.0  # seconds: the longest wait any header can ask for
MAX_COUNT = 1_000_000_000  # the largest rate-limit count taken from a header
DEFAULT_RETRY_AFTER = 5.0  # seconds, when a 429 carries neither Retry-After nor a reset time

_DIGITS = re.compile(r"[0-9]{1,32}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]{1,32}(?:\.[0-9]{1,32})?", re.ASCII)
_MAX_DATE_TEXT = 64  # an IMF-fixdate is 29 characters


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    """The last ``X-RateLimit-*`` / ``Retry-After`` headers seen, parsed and clamped.

    ``reset_at`` is the server's epoch time (``X-RateLimit-Reset``); ``retry_after`` is in
    seconds; ``observed_at`` is ``time.monotonic()`` when the response arrived. Counts
    are non-negative ints; times are finite.
    """

    limit: int | None
    remaining: int | None
    reset_at: float | None
    retry_after: float | None
    observed_at: float


def _value(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return None if value is None else value.strip()


def header_count(value: str | None) -> int | None:
    """A non-negative integer header (ASCII digits only), clamped to :data:`MAX_COUNT`."""
    if value is None:
        return None
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        return None
    return min(int(text), MAX_COUNT)


def header_seconds(value: str | None) -> float | None:
    """A non-negative decimal number of seconds (no sign, exponent, nan or inf)."""
    if value is None:
        return None
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def http_date(value: str | None) -> datetime | None:
    """An HTTP date as an aware UTC datetime, or None when it is not one."""
    from email.utils import parsedate_to_datetime  # not at import: errors.py imports this

    if value is None or len(value) > _MAX_DATE_TEXT:
        return None
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment.timestamp()  # out-of-range moments fail here, not later
        return moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _server_now(headers: Mapping[str, str]) -> float:
    """Now on the server's clock: the response's ``Date``, else this machine's clock."""
    date = http_date(headers.get("date"))
    return date.timestamp() if date is not None else time.time()


def _clamp(seconds: float, bound: float) -> float:
    return min(max(0.0, seconds), bound)


def retry_after(headers: Mapping[str, str], bound: float = MAX_WAIT) -> float | None:
    """``Retry-After`` in seconds within [0, ``bound``], or None when absent or invalid."""
    value = _value(headers, "retry-after")
    if value is None:
        return None
    seconds = header_seconds(value)
    if seconds is None:
        when = http_date(value)
        if when is None:
            return None
        seconds = when.timestamp() - _server_now(headers)
    return _clamp(seconds, min(bound, MAX_WAIT))


def _reset_at(headers: Mapping[str, str], bound: float) -> float | None:
    reset = header_seconds(_value(headers, "x-ratelimit-reset"))
    if reset is None:
        return None
    return min(reset, _server_now(headers) + min(bound, MAX_WAIT))


def rate_limited_wait(headers: Mapping[str, str]) -> float:
    """How long a 429 asks to wait: Retry-After, else until X-RateLimit-Reset, else
    :data:`DEFAULT_RETRY_AFTER`; always within [0, :data:`MAX_WAIT`]."""
    seconds = retry_after(headers)
    if seconds is not None:
        return seconds
    reset = _reset_at(headers, MAX_WAIT)
    if reset is not None:
        return _clamp(reset - _server_now(headers), MAX_WAIT)
    return DEFAULT_RETRY_AFTER


def rate_limit_from_headers(
    headers: Mapping[str, str], *, bound: float = MAX_WAIT
) -> RateLimitInfo | None:
    """The rate-limit headers of one response, or None when it carries none that parse.

    ``bound`` (seconds) clamps ``retry_after`` and how far ahead ``reset_at`` may lie.
    """
    limit = header_count(headers.get("x-ratelimit-limit"))
    remaining = header_count(headers.get("x-ratelimit-remaining"))
    reset = _reset_at(headers, bound)
    wait = retry_after(headers, bound)
    if limit is None and remaining is None and reset is None and wait is None:
        return None
    return RateLimitInfo(
        limit=limit,
        remaining=remaining,
        reset_at=reset,
        retry_after=wait,
        observed_at=time.monotonic(),
    )
