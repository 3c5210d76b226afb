"""What the window's controllers need from the signed-in side of the app.

``hubdesk.app.runtime.Runtime`` provides it; the controllers only see this protocol.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hubdesk.core.batches import BulkSends
from hubdesk.core.bulk import BulkSender
from hubdesk.core.dialer import Dialer
from hubdesk.core.inbox import Inbox
from hubdesk.core.messenger import Messenger
from hubdesk.core.scheduling import Scheduler
from hubdesk.core.senders import SenderIds
from hubdesk.core.settings import SettingsStore
from hubdesk.ui.signin.controller import SignInService

__all__ = ["PollLoop", "Services"]


class PollLoop(Protocol):
    """The running poller: its interval (seconds) is read before every wait."""

    interval: float

    def poke(self) -> None: ...


class Services(SignInService, Protocol):
    inbox: Inbox
    settings: SettingsStore
    sender_ids: SenderIds
    messenger: Messenger | None
    dialer: Dialer | None
    bulk: BulkSender | None
    bulk_sends: BulkSends | None
    scheduler: Scheduler | None

    @property
    def poller(self) -> PollLoop | None: ...

    @property
    def signed_in(self) -> bool: ...

    async def fetch_older(self, partner: str, before: datetime | None) -> int: ...

    def poke(self) -> None: ...
