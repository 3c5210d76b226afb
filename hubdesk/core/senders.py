"""Sender IDs: the account's list (cached in the store for an offline start), refresh,
and requests for new ones (checked with ``domain.senderids`` before any request)."""

from __future__ import annotations

import builtins
import logging
from datetime import datetime

from hubdesk.api import HubClient
from hubdesk.core.errors import InvalidInput
from hubdesk.domain import SenderId, SenderIdStatus
from hubdesk.domain.senderids import SenderIdError, validate_sender_id
from hubdesk.store.database import Database
from hubdesk.store.settings import JsonValue
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import Channel

__all__ = ["CACHE_KEY", "SenderIds"]

CACHE_KEY = "senders.cache"
log = logging.getLogger(__name__)


def _encode(s: SenderId) -> dict[str, JsonValue]:
    def when(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {
        "id": s.id,
        "customer_user_id": s.customer_user_id,
        "sender_id": s.sender_id,
        "status": s.status.value,
        "created_at": when(s.created_at),
        "created_by": s.created_by,
        "updated_at": when(s.updated_at),
        "updated_by": s.updated_by,
    }


def _decode(value: JsonValue) -> SenderId | None:
    if not isinstance(value, dict):
        return None
    try:

        def when(key: str) -> datetime | None:
            raw = value.get(key)
            return None if not isinstance(raw, str) else datetime.fromisoformat(raw)

        def text(key: str) -> str | None:
            raw = value.get(key)
            return raw if isinstance(raw, str) else None

        return SenderId(
            id=int(value["id"]),  # type: ignore[arg-type]
            customer_user_id=int(value["customer_user_id"]),  # type: ignore[arg-type]
            sender_id=str(value["sender_id"]),
            status=SenderIdStatus(str(value["status"])),
            created_at=when("created_at"),
            created_by=text("created_by"),
            updated_at=when("updated_at"),
            updated_by=text("updated_by"),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _read_cache(db: Database) -> list[SenderId]:
    raw = db.settings.get_raw(CACHE_KEY)
    if not isinstance(raw, list):
        return []
    return [s for s in (_decode(v) for v in raw) if s is not None]


class SenderIds:
    """The account's sender IDs. ``changed`` fires with the new list after a change."""

    def __init__(self, client: HubClient | None, worker: DbWorker) -> None:
        self._client = client
        self._worker = worker
        self._items: list[SenderId] = []
        self.changed: Channel[builtins.list[SenderId]] = Channel("sender_ids_changed")

    def use_client(self, client: HubClient | None) -> None:
        self._client = client

    @property
    def items(self) -> builtins.list[SenderId]:
        """The list as last loaded or refreshed."""
        return list(self._items)

    def approved(self) -> builtins.list[str]:
        """Approved sender IDs, in the server's order."""
        return [s.sender_id for s in self._items if s.approved]

    def is_approved(self, sender_id: str) -> bool:
        return sender_id in self.approved()

    async def load_cached(self) -> builtins.list[SenderId]:
        """The list saved at the last refresh (for starting offline)."""
        self._items = await self._worker.run(_read_cache)
        return self.items

    async def refresh(self) -> builtins.list[SenderId]:
        """Fetch every page from the server and cache it (raises ``ApiError``)."""
        client = self._require_client()
        items = await client.all_sender_ids()
        cached: JsonValue = [_encode(s) for s in items]
        await self._worker.run(lambda db: db.settings.set(CACHE_KEY, cached))
        self._items = list(items)
        await self.changed.emit(self.items)
        return self.items

    async def request(self, sender_id: str) -> str:
        """Ask for a new sender ID; returns the server's message. ``InvalidInput`` when
        the ID breaks the client-side rules (nothing is sent then)."""
        try:
            clean = validate_sender_id(sender_id)
        except SenderIdError as exc:
            raise InvalidInput(str(exc)) from None
        if any(s.sender_id == clean for s in self._items):
            raise InvalidInput(f"the sender ID {clean} is already on the account")
        message = await self._require_client().add_sender_id(clean)
        try:
            await self.refresh()
        except Exception as exc:  # the request itself succeeded; the list catches up later
            log.info("sender ID list not refreshed after a request: %r", exc)
        return message or f"Sender ID {clean} was requested; it will be reviewed for approval."

    def _require_client(self) -> HubClient:
        if self._client is None:
            from hubdesk.api import NotSignedIn

            raise NotSignedIn("Not signed in.", operation="list_sender_ids")
        return self._client
