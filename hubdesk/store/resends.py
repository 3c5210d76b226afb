"""Resends of failed messages: the link from a failed SMS to the outbox entry that sends
it again.

A message the server reports undelivered (``delivery_status`` failed) is sent again as a
NEW outbox entry (same text, same person), and ``resends`` records which failed
``sms_id`` that entry resends. The link is what settles the failure: the thread shows the
failed message as resent (``ThreadEntry.resent``), the list's failure mark no longer
counts it, and a second Retry of the same message finds the link instead of queueing a
duplicate: one resend per failed message (the table's primary key), written in the same
transaction as its outbox entry.

While that entry is queued, sending, of unknown outcome or sent, a second Retry is
refused (``AlreadyResent``); once the server refused it (``failed``), Retry sends that
same entry again (it is requeued, never a second entry). Discarding a failed resend drops
its link (``ON DELETE CASCADE``), and the failed message can be retried anew.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.store.conversations import refresh_conversations
from hubdesk.store.outbox import Outbox
from hubdesk.store.timecodec import Clock, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = [
    "AlreadyResent",
    "NotResendable",
    "ResendError",
    "ResendOptedOut",
    "Resends",
    "Resent",
]


class ResendError(LookupError):
    """Why a failed message cannot be resent now; ``str()`` is a sentence."""


class NotResendable(ResendError):
    """No such message here, or not a failed outgoing one."""


class ResendOptedOut(ResendError):
    """The person opted out (replied STOP) since; resending needs an explicit override."""

    def __init__(self, number: str) -> None:
        super().__init__(f"{number} opted out (replied STOP)")
        self.number = number


class AlreadyResent(ResendError):
    """The message was resent already and that resend is queued, being sent, of unknown
    outcome or sent: retrying again would send a duplicate. ``item`` is that resend."""

    def __init__(self, failed_sms_id: int, item: OutboxItem) -> None:
        self.failed_sms_id = failed_sms_id
        self.item = item
        super().__init__(_already(failed_sms_id, item))


def _already(sms_id: int, item: OutboxItem) -> str:
    lead = f"SMS {sms_id} was already sent again"
    if item.state is OutboxState.SENT:
        as_sms = f" as SMS {item.sms_ids[0]}" if item.sms_ids else ""
        return f"{lead}{as_sms} (outbox entry {item.id}); it is not sent twice"
    state = {
        OutboxState.QUEUED: "is queued and goes out with the next send",
        OutboxState.SENDING: "is being sent now",
        OutboxState.UNKNOWN: "is being checked with the server (its answer was lost)",
    }.get(item.state, f"is {item.state.value}")
    return f"{lead}: outbox entry {item.id} {state}; it is not sent twice"


@dataclass(frozen=True, slots=True)
class Resent:
    """What ``Resends.queue`` did: ``item`` is the resend's outbox entry (queued);
    ``requeued`` when it is an earlier resend the server had refused, queued again."""

    item: OutboxItem
    failed_sms_id: int
    partner: str
    requeued: bool = False


class Resends:
    """Repository over ``resends`` (queues through ``Outbox``)."""

    def __init__(self, conn: sqlite3.Connection, outbox: Outbox, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._outbox = outbox
        self._clock = clock

    def queue(
        self, failed_sms_id: int, source: str | None = None, *, override_optout: bool = False
    ) -> Resent:
        """Queue the failed message ``failed_sms_id`` again (committed, durable) and link
        it; ``source`` replaces the sender ID it was sent from. Raises ``NotResendable``,
        ``ResendOptedOut`` or ``AlreadyResent``; nothing is written then."""
        with transaction(self._conn, durable=True):
            row = self._conn.execute(
                "SELECT partner, text, type, delivery_status, sender_id FROM messages "
                "WHERE sms_id = ?",
                (failed_sms_id,),
            ).fetchone()
            if row is None:
                raise NotResendable(
                    f"SMS {failed_sms_id} is not in the local store (sync first, or check "
                    "the number)"
                )
            partner, text, type_, status, sender_id = row
            if type_ != "1":
                raise NotResendable(
                    f"SMS {failed_sms_id} was received, not sent: nothing to resend"
                )
            if status != "2":
                word = "is still pending" if status == "0" else "was delivered"
                raise NotResendable(f"SMS {failed_sms_id} {word}, not failed: nothing to resend")
            linked = self.link(failed_sms_id)
            if linked is not None:
                item = self._outbox.get(linked)
                assert item is not None  # the link is dropped with its entry
                if item.state is not OutboxState.FAILED:
                    raise AlreadyResent(failed_sms_id, item)
                item = self._outbox.requeue(item.id)
                return Resent(item, failed_sms_id, partner, requeued=True)
            if not override_optout and self._opted_out(partner):
                raise ResendOptedOut(partner)
            item = self._outbox.enqueue(source or sender_id, [partner], text)
            self._conn.execute(
                "INSERT INTO resends (sms_id, outbox_id, created_at) VALUES (?, ?, ?)",
                (failed_sms_id, item.id, to_epoch(self._clock())),
            )
            refresh_conversations(self._conn, (partner,))
        return Resent(item, failed_sms_id, partner)

    def link(self, failed_sms_id: int) -> int | None:
        """The outbox entry that resends ``failed_sms_id``, if any."""
        row = self._conn.execute(
            "SELECT outbox_id FROM resends WHERE sms_id = ?", (failed_sms_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def resend_of(self, outbox_id: int) -> int | None:
        """The failed sms_id the outbox entry ``outbox_id`` resends, if it is a resend."""
        row = self._conn.execute(
            "SELECT sms_id FROM resends WHERE outbox_id = ?", (outbox_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _opted_out(self, number: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM optouts WHERE number = ?", (number,)).fetchone()
        return row is not None
