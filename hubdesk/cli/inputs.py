"""Local checks of everything a command was given, done before any network request.

Each function returns the value the API wants (E.164 digits, a stripped sender id, an
aware UTC datetime) or raises :class:`UsageError` with one sentence naming the option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from hubdesk.cli.errors import UsageError
from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number, parse_uk_number
from hubdesk.domain.schedule import ScheduleError, parse_send_time
from hubdesk.domain.senderids import SenderIdError, validate_sender_id
from hubdesk.domain.times import parse_server_time

__all__ = [
    "Destination",
    "destination",
    "destinations",
    "filter_party",
    "message_text",
    "numbers_from_file",
    "positive_int",
    "send_time",
    "sender_id",
    "server_time",
    "uk_number",
    "unique",
]

_LARGEST = 2**63 - 1  # the largest integer the local database (SQLite) holds


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked SMS destination and where it came from (for notes)."""

    number: PhoneNumber
    origin: str  # "--to" or "FILE line N"


def sender_id(text: str, option: str = "--from") -> str:
    try:
        return validate_sender_id(text)
    except SenderIdError as exc:
        raise UsageError(f"{option}: {exc}: {text!r}") from None


def destination(text: str, origin: str = "--to") -> Destination:
    """Any valid number (an SMS may go abroad)."""
    try:
        return Destination(parse_number(text), origin)
    except NumberError as exc:
        raise UsageError(f"{origin}: {exc}: {text!r}") from None


def uk_number(text: str, what: str) -> PhoneNumber:
    """A valid UK number (the dial endpoints take nothing else)."""
    try:
        return parse_uk_number(text)
    except NumberError as exc:
        raise UsageError(f"{what}: {exc}: {text!r}") from None


def numbers_from_file(path: str, stdin: TextIO) -> list[Destination]:
    """One number per line; blank lines and ``#`` comments ignored; ``-`` is stdin.

    Every invalid line is reported (with its line number) in one error.
    """
    from hubdesk.core.contacts_io import decode_text

    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            lines = stdin.read().splitlines()
        else:  # UTF-8, UTF-16 with a BOM ("Unicode text"), else Windows-1252
            lines = decode_text(Path(path).read_bytes()).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"--to-file: cannot read {name}: {reason}") from None
    found: list[Destination] = []
    problems: list[str] = []
    for index, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            found.append(Destination(parse_number(line), f"{name} line {index}"))
        except NumberError as exc:
            problems.append(f"line {index}: {exc}: {line!r}")
    if problems:
        shown = "; ".join(problems[:10])
        more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise UsageError(f"--to-file {name}: {len(problems)} invalid line(s): {shown}{more}")
    return found


def destinations(
    to: Iterable[str],
    to_file: str | None,
    stdin: TextIO,
    *,
    required: bool = True,
    unique_only: bool = True,
) -> list[Destination]:
    """``--to`` values then the file's numbers, duplicates dropped (first kept).

    ``required=False``: none at all is fine (bulk-send's ``--group`` gives others);
    ``unique_only=False`` keeps duplicates (for a report that lists them)."""
    checked = [destination(text) for text in to]
    if to_file is not None:
        checked.extend(numbers_from_file(to_file, stdin))
    if not checked and required:
        raise UsageError("give at least one destination with --to or --to-file")
    return unique(checked) if unique_only else checked


def unique(found: Iterable[Destination]) -> list[Destination]:
    """Each number once, where it first came."""
    first: dict[str, Destination] = {}
    for item in found:
        first.setdefault(item.number.digits, item)
    return list(first.values())


def message_text(text: str, stdin: TextIO, what: str = "the message text") -> str:
    """The SMS (or template) text; ``-`` reads it from stdin (one trailing newline
    dropped). ``what`` names it in the errors."""
    if text == "-":
        try:
            text = stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {what} from stdin: {exc}") from None
        if text.endswith("\n"):
            text = text[:-1]
            if text.endswith("\r"):
                text = text[:-1]
    if not text.strip():
        raise UsageError(f"{what} is empty")
    if "\x00" in text:
        raise UsageError(f"{what} contains a NUL character; is it a UTF-16 file? Save it as UTF-8")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape).
        raise UsageError(f"{what} is not valid UTF-8; save or type it as UTF-8")
    return text


def send_time(text: str, now: datetime, option: str = "--at") -> datetime:
    """When a scheduled message should go (aware UTC): ``YYYY-MM-DD HH:MM`` in local
    time or ISO 8601 with an offset, not in the past (``domain.schedule``)."""
    try:
        return parse_send_time(text, now)
    except ScheduleError as exc:
        raise UsageError(f"{option}: {exc}") from None


def server_time(text: str, option: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` in the server's clock (UTC)."""
    try:
        return parse_server_time(text)
    except ValueError:
        raise UsageError(f'{option}: expected "YYYY-MM-DD HH:MM:SS" (UTC), got {text!r}') from None


def filter_party(text: str, option: str) -> str:
    """A ``--sender``/``--receiver`` filter: a number (as E.164 digits) or a sender id."""
    try:
        return parse_number(text).digits
    except NumberError:
        pass
    try:
        return validate_sender_id(text)
    except SenderIdError:
        raise UsageError(
            f"{option}: not a valid phone number or sender ID (letters and digits only): {text!r}"
        ) from None


def positive_int(text: str, what: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise UsageError(f"{what}: expected a whole number, got {text!r}") from None
    if value < 1:
        raise UsageError(f"{what}: must be 1 or more, got {value}")
    if value > _LARGEST:
        raise UsageError(f"{what}: too large, got {text.strip()!r}")
    return value
