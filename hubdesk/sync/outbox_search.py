"""Finding an outbox entry's messages on the server (``/sms/list``).

Used after a bulk send (the answer holds no ids), for a sent row still awaiting its ids,
and to reconcile an ``unknown`` row.
A message matches when it was sent from the entry's source to one of its destinations
with the same text (compared as the server stores it: trimmed). Per destination the
OLDEST match that no other outbox entry has claimed is taken, so two entries with the
same text to the same number claim distinct messages.

A search reads at most ``max_pages`` pages plus one page per ``per_page`` destinations
(a bulk send of 500 numbers alone fills 50 pages). :attr:`Found.complete` says whether
it read the listing to its end: only a complete search can show that a message is
absent, and only then may the outbox send it again. When the sender's listing is too
long (other traffic in the window), up to ``PER_NUMBER_FALLBACK`` destinations are
searched one receiver at a time instead (usually one page each). A search that still
cannot be completed is not tried again for that entry for a while (30 s, doubling up to
10 min), so an undecidable entry does not turn into a stream of listing requests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.api import HubClient
from hubdesk.domain import OutboxItem, Sms, SmsType
from hubdesk.store.worker import DbWorker

__all__ = ["Found", "SentSearch", "same_text"]

PER_NUMBER_FALLBACK = 20
RETRY_FIRST = 30.0  # seconds before an incomplete search of an entry is tried again
RETRY_MAX = 600.0


def same_text(server: str, ours: str) -> bool:
    # The server trims the text (Laravel's TrimStrings); compare as it stores it.
    return server.strip() == ours.strip()


@dataclass(frozen=True, slots=True)
class Found:
    """Per destination, the matching server message; ``complete``: the listing was read
    to its end, so a destination missing from ``messages`` has no such message."""

    complete: bool
    messages: dict[str, Sms] = field(default_factory=dict)


class SentSearch:
    """Lists the entry's sender's messages, within a page budget per search."""

    def __init__(
        self,
        client: HubClient,
        worker: DbWorker,
        *,
        max_pages: int = 50,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._worker = worker
        self.max_pages = max_pages
        self.requests = 0  # listing requests made (for tests and benchmarks)
        self._monotonic = monotonic
        self._retry: dict[int, tuple[float, float]] = {}  # outbox id -> (at, last pause)

    def seconds_until_retry(self, outbox_id: int) -> float:
        """How long an entry whose last search was incomplete waits before the next."""
        if outbox_id not in self._retry:
            return 0.0
        return max(0.0, self._retry[outbox_id][0] - self._monotonic())

    async def find(
        self,
        item: OutboxItem,
        dests: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> Found:
        """Per destination, the oldest unclaimed server message that matches ``item``;
        incomplete without a request while the entry's retry pause runs."""
        if self.seconds_until_retry(item.id) > 0:
            return Found(False)
        found = await self._find(item, dests, since, until)
        wanted = list(dict.fromkeys(dests))
        if not found.complete and 1 < len(wanted) <= PER_NUMBER_FALLBACK:
            found = await self._find_each(item, wanted, since, until)
        if found.complete:
            self._retry.pop(item.id, None)
        else:
            self.pause(item.id)
        return found

    def pause(self, outbox_id: int) -> None:
        """Search this entry again only after a pause (30 s, doubling up to 10 min): its
        last search could not be completed, or did not show what it must find."""
        pause = min(RETRY_MAX, self._retry.get(outbox_id, (0.0, RETRY_FIRST / 2))[1] * 2)
        self._retry[outbox_id] = (self._monotonic() + pause, pause)

    async def _find_each(
        self, item: OutboxItem, dests: Sequence[str], since: datetime | None,
        until: datetime | None,
    ) -> Found:  # fmt: skip
        """One receiver-filtered search per destination, merged."""
        complete, messages = True, {}
        for dest in dests:
            one = await self._find(item, [dest], since, until)
            complete = complete and one.complete
            messages.update(one.messages)
        return Found(complete, messages)

    async def _find(
        self,
        item: OutboxItem,
        dests: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> Found:
        receiver = dests[0] if len(dests) == 1 else None
        wanted = set(dests)
        candidates: list[Sms] = []
        complete = False
        budget = self.max_pages
        number = 1
        while number <= budget:
            self.requests += 1
            page = await self._client.list_sms(
                sender=item.source, receiver=receiver, sent_since=since, sent_until=until,
                page=number,
            )  # fmt: skip
            if number == 1:
                budget += math.ceil(len(wanted) / max(page.per_page, 1))
            candidates.extend(
                m
                for m in page.items
                if m.type is SmsType.SENT
                and m.source == item.source
                and m.destination in wanted
                and same_text(m.text, item.text)
            )
            if not page.has_next or not page.items or page.current_page < number:
                complete = True
                break
            number = page.current_page + 1
        if not candidates:
            return Found(complete)
        ids = [m.sms_id for m in candidates]
        taken = await self._worker.run(
            lambda db: db.outbox.claimed_ids(ids, except_outbox=item.id)
        )
        found: dict[str, Sms] = {}
        for m in sorted(candidates, key=lambda m: (m.time, m.sms_id)):
            if m.sms_id in taken or m.destination in found:
                continue
            if any(f.sms_id == m.sms_id for f in found.values()):
                continue
            found[m.destination] = m
        return Found(complete, found)
