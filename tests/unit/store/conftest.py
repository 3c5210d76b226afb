"""Shared fixtures for the store tests: a fresh profile database and an SMS factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
OWN = "HubWork"  # the account's sender id
OWN_NUMBER = "447700900000"  # the account's number people text


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


MakeSms = Callable[..., Sms]


def sms(
    sms_id: int,
    partner: str = "447400123456",
    *,
    sent: bool = False,
    text: str | None = None,
    at: int = 0,
    status: DeliveryStatus = DeliveryStatus.SENT,
    read: ReadStatus = ReadStatus.UNREAD,
    segments: int | None = None,
    own: str = OWN,
) -> Sms:
    """An SMS with ``partner``; ``at`` is seconds after T0."""
    return Sms(
        sms_id=sms_id,
        source=own if sent else partner,
        destination=partner if sent else OWN_NUMBER,
        text=text if text is not None else f"message {sms_id}",
        type=SmsType.SENT if sent else SmsType.RECEIVED,
        delivery_status=status,
        read_status=read,
        time=T0 + timedelta(seconds=at),
        sms_count=segments,
    )


@pytest.fixture
def make_sms() -> MakeSms:
    return sms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "hubdesk.sqlite3"


@pytest.fixture
def db(db_path: Path, clock: FakeClock) -> Iterator[Database]:
    database = Database.open(db_path, clock=clock)
    yield database
    database.close()
