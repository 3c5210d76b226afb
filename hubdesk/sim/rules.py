"""The server's validation rules, with Laravel's messages (422 ``errors`` per field)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from hubdesk.domain.numbers import NumberError, parse_number, parse_uk_number
from hubdesk.domain.times import parse_server_time
from hubdesk.sim.laravel import Errors, attribute

Inputs = Mapping[str, Sequence[str]]

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_NUMERIC = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def value(inputs: Inputs, name: str) -> str | None:
    """A scalar input as Laravel sees it: the last value, trimmed; empty -> None."""
    values = inputs.get(name)
    if not values:
        return None
    text = values[-1].strip()
    return text or None


def array(inputs: Inputs, name: str) -> list[str] | None:
    """``name[]`` / ``name[0]`` … values in order, or None when no such key was sent."""
    found: list[str] = []
    seen = False
    for key, values in inputs.items():
        if key == f"{name}[]" or re.fullmatch(rf"{re.escape(name)}\[\d+\]", key):
            seen = True
            found.extend(values)
    return found if seen else None


def check_alnum(errors: Errors, field: str, text: str) -> bool:
    if not _ALNUM.fullmatch(text):
        errors.add(field, f"The {attribute(field)} field must only contain letters and numbers.")
        return False
    return True


def check_numeric(errors: Errors, field: str, text: str) -> bool:
    if not _NUMERIC.fullmatch(text):
        errors.add(field, f"The {attribute(field)} field must be a number.")
        return False
    return True


def check_uk_number(errors: Errors, field: str, text: str) -> str | None:
    """E.164 digits of a valid UK number, or None after adding the error."""
    try:
        return parse_uk_number(text).digits
    except NumberError:
        errors.add(field, f"The {attribute(field)} field must be a valid UK number.")
        return None


def check_server_time(errors: Errors, field: str, text: str) -> bool:
    ok = bool(_TIME.fullmatch(text))
    if ok:
        try:
            parse_server_time(text)
        except ValueError:
            ok = False
    if not ok:
        errors.add(field, f"The {attribute(field)} field must match the format Y-m-d H:i:s.")
    return ok


def check_pattern(errors: Errors, field: str, text: str) -> bool:
    """``regex:/^[a-zA-Z0-9]+$/`` as on ``/sms/list``'s sender and receiver."""
    if not _ALNUM.fullmatch(text):
        errors.add(field, f"The {attribute(field)} field format is invalid.")
        return False
    return True


def within_bounds(time: str, since: str | None, until: str | None, *, exclusive: bool) -> bool:
    """``/sms/list``'s time filter (server-format strings compare in time order):
    ``since <= time <= until``, or with ``exclusive`` ``since < time < until``."""
    if exclusive:
        return (since is None or time > since) and (until is None or time < until)
    return (since is None or time >= since) and (until is None or time <= until)


def deliverable(destination: str) -> bool:
    """Whether a destination can receive an SMS (valid anywhere)."""
    try:
        parse_number(destination if destination.startswith("+") else "+" + destination)
    except NumberError:
        return False
    return True


def strip_plus(number: str) -> str:
    return number[1:] if number.startswith("+") else number


def check_inbound(source: str, text: str, destination: str, time: str | None) -> None:
    """The control API's inbound message: raise the 422 ``SimError`` when malformed."""
    errors = Errors()
    if not source.strip():
        errors.required("source")
    elif not _ALNUM.fullmatch(strip_plus(source.strip())):
        errors.add("source", "The source field must only contain letters and numbers.")
    if not text:
        errors.required("text")
    if not destination.strip():
        errors.required("destination")
    if time is not None:
        check_server_time(errors, "time", time)
    errors.raise_if_any()
