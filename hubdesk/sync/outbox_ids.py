"""The server ids of sent outbox rows: found after the send, looked for again while missing.

A bulk send's answer holds no ids, and a look-up can fail (a time-out, a 429) or not
show the messages yet. Such a row is ``sent`` (it is never sent again) but its
destinations have no ``sms_id``: ``Outbox.awaiting_ids`` lists it, every flush looks
again (``look_again``) before it reconciles anything, and until the ids are attached
its messages are on the server, claimed by nobody. A reconcile of another row with the
same source and text must not take them (``blocks``): it would mark that row sent
although its own message may never have existed.

The rows awaiting ids are read from the store once per flush (a scan of the outbox's
destinations: ~20 ms for 100,000) and kept here meanwhile, with the rows this process
leaves awaiting added as it does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from hubdesk.api import ApiError
from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.events import SyncEvents
from hubdesk.sync.inflight import send_key
from hubdesk.sync.outbox_search import SentSearch
from hubdesk.sync.outcomes import FlushReport

__all__ = ["SentIds"]

log = logging.getLogger(__name__)


class SentIds:
    """Finds and attaches the ids of sent rows through ``finder``."""

    def __init__(
        self, worker: DbWorker, finder: SentSearch, events: SyncEvents, clock_margin: float
    ) -> None:
        self._worker = worker
        self._finder = finder
        self._events = events
        self._margin = timedelta(seconds=clock_margin)
        self._awaiting: dict[int, OutboxItem] | None = None  # None: not read yet

    async def _snapshot(self, refresh: bool = False) -> dict[int, OutboxItem]:
        if self._awaiting is None or refresh:
            rows = await self._worker.run(lambda db: db.outbox.awaiting_ids())
            self._awaiting = {i.id: i for i in rows}
        return self._awaiting

    def _note(self, item: OutboxItem) -> None:
        """Keep the snapshot in step with ``item`` as it now stands."""
        if self._awaiting is None:
            return
        if item.state is OutboxState.SENT and len(item.sms_ids) < len(item.destinations):
            self._awaiting[item.id] = item
        else:
            self._awaiting.pop(item.id, None)

    async def find(self, item: OutboxItem, started: datetime | None) -> OutboxItem:
        """Find the messages of ``item``'s destinations that have no id yet (sent since
        ``started``, the attempt's start) and attach them. Raises ``ApiError`` when the
        listing fails; a listing read to its end that does not show them all pauses the
        row's next look-up (``SentSearch.pause``)."""
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        missing = [
            d for d, (state, sms_id) in states.items()
            if state is OutboxState.SENT and sms_id is None
        ]  # fmt: skip
        if not missing:
            self._note(item)
            return item
        since = None if started is None else started - self._margin
        search = await self._finder.find(item, missing, since, None)
        found = search.messages
        if found:
            item, applied, attached = await self._worker.run(
                lambda db: storeops.attach_found(db, item.id, found, mark_sent=False)
            )
            if applied.upsert.partners:
                await self._events.messages_changed.emit(applied.upsert.partners)
            missing = [d for d in missing if d not in attached]
        if missing and search.complete:
            log.warning(
                "outbox %s: the server does not list %d of its messages yet; looking again "
                "later", item.id, len(missing)
            )  # fmt: skip
            self._finder.pause(item.id)
        self._note(item)
        return item

    async def look_again(self, report: FlushReport, busy: set[int]) -> None:
        """One look-up for each row awaiting ids that is not ``busy`` nor paused; a
        failing listing stops the flush (``report.stopped``)."""
        waiting = list((await self._snapshot(refresh=True)).values())
        for item in waiting:
            if report.stopped is not None:
                return
            if item.id in busy or self._finder.seconds_until_retry(item.id) > 0:
                continue
            busy.add(item.id)
            try:
                window = await self._worker.run(
                    lambda db, i=item.id: db.outbox.attempt_window(i)  # type: ignore[misc]
                )
                found = await self.find(item, window.started)
            except ApiError as exc:
                report.stopped, report.error = str(exc), exc
                continue
            finally:
                busy.discard(item.id)
            if found.sms_ids != item.sms_ids:
                await self._events.outbox_changed.emit(found)

    async def blocks(self, item: OutboxItem, missing: Sequence[str]) -> bool:
        """Another sent row with ``item``'s source and text, sharing one of ``missing``,
        awaits its ids: ``item`` must not be decided from the listing now."""
        key = send_key(item.source, item.text)
        wanted = set(missing)
        return any(
            other.id != item.id
            and send_key(other.source, other.text) == key
            and wanted.intersection(other.destinations)
            for other in (await self._snapshot()).values()
        )

    def noted(self, item: OutboxItem) -> None:
        """An attempt of this process left ``item`` as it now stands."""
        self._note(item)

    async def still_awaiting(self) -> list[int]:
        """The rows awaiting ids now, oldest first."""
        return sorted(await self._snapshot())

    def seconds_until_retry(self, outbox_id: int) -> float:
        return self._finder.seconds_until_retry(outbox_id)
