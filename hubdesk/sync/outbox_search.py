"""Finding an outbox entry's messages on the server (``/sms/list``).

Used after a bulk send (the answer holds no ids) and to reconcile an ``unknown`` row.
A message matches when it was sent from the entry's source to one of its destinations
with the same text (compared as the server stores it: trimmed). Per destination the
OLDEST match that no other outbox entry has claimed is taken, so two entries with the
same text to the same number claim distinct messages.

A search reads at most ``max_pages`` pages plus one page per ``per_page`` destinations
(a bulk send of 600 numbers alone fills 60 pages). :attr:`Found.complete` says whether
it read the listing to its end: only a complete search can show that a message is
absent, and only then may the outbox send it again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.api import HubClient
from hubdesk.domain import OutboxItem, Sms, SmsType
from hubdesk.store.worker import DbWorker

__all__ = ["Found", "SentSearch", "same_text"]


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

    def __init__(self, client: HubClient, worker: DbWorker, *, max_pages: int = 50) -> None:
        self._client = client
        self._worker = worker
        self.max_pages = max_pages
        self.requests = 0  # listing requests made (for tests and benchmarks)

    async def find(
        self,
        item: OutboxItem,
        dests: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> Found:
        """Per destination, the oldest unclaimed server message that matches ``item``."""
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
