"""Outbox rows left in ``sending`` by a process that died: when they may be recovered.

A row in ``sending`` means a request may be on its way. ``recover_interrupted`` turns
the rows of DEAD processes into ``unknown`` (so the sync engine reconciles instead of
resending blindly) and never touches those of a live one. Which is which is decided
with the profile's *sender lock* (``store.lock.sender_lock_path``: a lock file beside
the database), because other processes (the GUI, ``hubdesk-cli send``) may be sending
from the same database:

* A process that sends holds the sender lock *shared* from its first ``mark_sending``
  until its ``Database`` is closed (or it dies: the kernel drops the lock). Several
  live senders hold it together.
* ``recover_interrupted`` (run by ``Database.open``) touches rows in ``sending`` only
  when it can take the lock *exclusive*, that is when no live process is sending; then
  every such row was left by a dead one. Otherwise it leaves them alone (and returns 0):
  they belong to a live sender, which settles them itself.
* The first ``mark_sending`` of a connection recovers the same way before joining the
  senders, so rows a sender left when it died while this process was open are not
  stuck in ``sending``. When the shared lock cannot be had at that instant (another
  process holds it exclusive, for the moment a recovery takes) ``Outbox.mark_sending``
  raises ``SenderBusy`` and the entry stays as it was, to be sent on a later attempt.

Without a lock (``sender`` None: a bare connection, as some tests use) recovery is
unconditional.
"""

from __future__ import annotations

import logging
import sqlite3

from hubdesk.store.lock import FileLock
from hubdesk.store.transactions import transaction

__all__ = ["join_senders", "recover_interrupted"]

log = logging.getLogger(__name__)


def recover_interrupted(conn: sqlite3.Connection, sender: FileLock | None) -> int:
    """Rows in ``sending`` become ``unknown`` when no live process is sending; how many."""
    if sender is None:
        return _recover(conn)
    if sender.held or not _has_sending(conn):
        return 0
    if not sender.try_acquire("exclusive"):
        log.info("outbox: another process is sending; its rows in 'sending' are left alone")
        return 0
    try:
        return _recover(conn)
    finally:
        sender.release()


def join_senders(conn: sqlite3.Connection, sender: FileLock | None) -> bool:
    """Before a connection's first send: recover dead senders' rows, then hold the lock
    shared. False when the shared lock cannot be had right now (nothing was changed)."""
    if sender is None or sender.held:
        return True
    recovered = recover_interrupted(conn, sender)
    if recovered:
        log.info("outbox: %d send(s) interrupted by a dead process are now unknown", recovered)
    return sender.try_acquire("shared")


def _has_sending(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM outbox WHERE state = 'sending' LIMIT 1")
    return row.fetchone() is not None


def _recover(conn: sqlite3.Connection) -> int:
    with transaction(conn, durable=True):
        cur = conn.execute(
            "UPDATE outbox SET state = 'unknown', "
            "error = coalesce(error, 'interrupted while sending') WHERE state = 'sending'"
        )
        conn.execute("UPDATE outbox_destinations SET state = 'unknown' WHERE state = 'sending'")
    return cur.rowcount
