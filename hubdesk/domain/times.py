"""The server's clock: ``YYYY-MM-DD HH:MM:SS`` strings in UTC, as the HubWork API writes
them (the vendor's collection: ``tests/data/sms-extension.postman_collection.json``)."""

from __future__ import annotations

from datetime import UTC, datetime

SERVER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_server_time(text: str) -> datetime:
    """Parse a server time string into an aware UTC datetime.

    Raises ``ValueError`` with the offending text when it does not match the format.
    """
    try:
        naive = datetime.strptime(text.strip(), SERVER_TIME_FORMAT)
    except ValueError:
        raise ValueError(f"not a server time (YYYY-MM-DD HH:MM:SS): {text!r}") from None
    return naive.replace(tzinfo=UTC)


def format_server_time(moment: datetime) -> str:
    """Format an aware datetime as the server expects it (converted to UTC)."""
    if moment.tzinfo is None:
        raise ValueError("server times must be timezone-aware")
    return moment.astimezone(UTC).strftime(SERVER_TIME_FORMAT)
