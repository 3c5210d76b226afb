from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.store.database import Database
from hubdesk.store.lock import FileLock, sender_lock_path
from hubdesk.store.outbox import AttemptWindow, NotQueued, OutboxError, SenderBusy

P = "447400123456"
Q = "447400999888"
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)  # a server time


def test_single_send_lifecycle(db: Database, clock: Any) -> None:
    item = db.outbox.enqueue("HubWork", [P], "hello")
    assert item.state is OutboxState.QUEUED and item.attempts == 0
    assert item.destinations == (P,) and not item.bulk and item.created_at == clock.now
    assert db.outbox.pending() == [item]
    sending = db.outbox.mark_sending(item.id)
    assert sending.state is OutboxState.SENDING and sending.attempts == 1
    sent = db.outbox.mark_sent(item.id, {P: 501})
    assert sent.state is OutboxState.SENT and sent.sms_ids == (501,)
    assert db.outbox.pending() == []
    assert db.outbox.destination_states(item.id) == {P: (OutboxState.SENT, 501)}


def test_enqueue_is_committed_before_returning(db_path: Path) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "durable")
        # A second connection (another process) sees it at once.
        with Database.open(db_path) as other:
            assert other.outbox.get(item.id) == item


def test_same_uuid_does_not_queue_twice(db: Database) -> None:
    first = db.outbox.enqueue("HubWork", [P], "once", uuid="abc")
    again = db.outbox.enqueue("HubWork", [P], "once", uuid="abc")
    assert again == first and len(db.outbox.all()) == 1
    assert db.outbox.uuid_of(first.id) == "abc"
    generated = db.outbox.enqueue("HubWork", [P], "other")
    assert db.outbox.uuid_of(generated.id) not in (None, "abc")


def test_unknown_then_reconciled(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "maybe")
    db.outbox.mark_sending(item.id)
    unknown = db.outbox.mark_unknown(item.id, "timed out")
    assert unknown.state is OutboxState.UNKNOWN and unknown.error == "timed out"
    assert [i.id for i in db.outbox.pending()] == [item.id]
    found = db.outbox.attach_sms_ids(item.id, {P: 77})
    assert found.state is OutboxState.SENT and found.sms_ids == (77,) and found.error is None


def test_unknown_then_absent_is_requeued_and_counts_attempts(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "retry me")
    db.outbox.mark_sending(item.id)
    db.outbox.mark_unknown(item.id, "connection reset")
    assert db.outbox.requeue(item.id).state is OutboxState.QUEUED
    again = db.outbox.mark_sending(item.id)
    assert again.attempts == 2 and again.error is None


def test_mark_queued_when_the_request_certainly_did_not_run(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "offline")
    db.outbox.mark_sending(item.id, started=T0)
    queued = db.outbox.mark_queued(item.id, "could not connect")
    assert queued.state is OutboxState.QUEUED and queued.error == "could not connect"
    assert queued.attempts == 1  # the attempt still counts
    assert db.outbox.destination_states(item.id) == {P: (OutboxState.QUEUED, None)}
    assert db.outbox.attempt_window(item.id) == AttemptWindow(None, None)
    with pytest.raises(OutboxError):
        db.outbox.mark_queued(item.id, "again")  # only from sending
    db.outbox.mark_sending(item.id)
    db.outbox.mark_sent(item.id, {P: 9})
    with pytest.raises(OutboxError):
        db.outbox.mark_queued(item.id, "too late")


def test_attempt_window_in_server_time(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "window")
    assert db.outbox.attempt_window(item.id) == AttemptWindow(None, None)
    db.outbox.mark_sending(item.id, started=T0)
    assert db.outbox.attempt_window(item.id) == AttemptWindow(T0, None)
    db.outbox.mark_unknown(item.id, "dropped", ended=T0 + timedelta(seconds=3))
    assert db.outbox.attempt_window(item.id) == AttemptWindow(T0, T0 + timedelta(seconds=3))
    later = T0 + timedelta(seconds=60)
    db.outbox.requeue(item.id)  # a reconcile found it absent
    db.outbox.mark_sending(item.id, started=later)  # a new attempt: a new window
    assert db.outbox.attempt_window(item.id) == AttemptWindow(later, None)
    db.outbox.mark_unknown(item.id, "interrupted")  # end not known
    end = later + timedelta(seconds=5)
    assert db.outbox.set_attempt_end(item.id, end) == AttemptWindow(later, end)
    assert db.outbox.set_attempt_end(item.id, end + timedelta(seconds=9)).ended == end
    assert db.outbox.attempt_window(9999) == AttemptWindow(None, None)


def test_one_server_message_is_claimed_once(db: Database) -> None:
    first = db.outbox.enqueue("HubWork", [P], "same")
    second = db.outbox.enqueue("HubWork", [P], "same")
    db.outbox.mark_sending(first.id)
    db.outbox.mark_sent(first.id, {P: 700})
    assert db.outbox.claimed_ids([700, 701, 700]) == {700}
    assert db.outbox.claimed_ids([700], except_outbox=first.id) == set()
    assert db.outbox.claimed_ids([]) == set()
    db.outbox.mark_sending(second.id)
    db.outbox.mark_unknown(second.id, "dropped")
    with pytest.raises(OutboxError, match="already claimed"):
        db.outbox.attach_sms_ids(second.id, {P: 700})
    assert db.outbox.destination_states(second.id) == {P: (OutboxState.UNKNOWN, None)}
    many = list(range(1, 2001))  # more than one IN (...) chunk
    assert db.outbox.claimed_ids([*many, 700]) == {700}


def test_failed_and_user_retry(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "bad")
    db.outbox.mark_sending(item.id)
    failed = db.outbox.mark_failed(item.id, "422: destination invalid")
    assert failed.state is OutboxState.FAILED and db.outbox.pending() == []
    assert db.outbox.requeue(item.id).state is OutboxState.QUEUED


def test_bulk_gets_ids_later_per_destination(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P, Q, P], "to all", bulk=True)
    assert item.destinations == (P, Q) and item.bulk
    db.outbox.mark_sending(item.id)
    sent = db.outbox.mark_sent(item.id)
    assert sent.state is OutboxState.SENT and sent.sms_ids == ()
    db.outbox.attach_sms_ids(item.id, {Q: 11})
    db.outbox.attach_sms_ids(item.id, {P: 10})
    got = db.outbox.get(item.id)
    assert got is not None and got.sms_ids == (10, 11)
    with pytest.raises(OutboxError):
        db.outbox.attach_sms_ids(item.id, {"447400000001": 12})


def test_sent_entries_without_their_ids_are_listed_until_attached(db: Database) -> None:
    bulk = db.outbox.enqueue("HubWork", [P, Q], "to all", bulk=True)
    other = db.outbox.enqueue("Other", [P], "elsewhere", bulk=True)
    single = db.outbox.enqueue("HubWork", [Q], "one")
    for item in (bulk, other, single):
        db.outbox.mark_sending(item.id)
    db.outbox.mark_sent(bulk.id)
    db.outbox.mark_sent(other.id)
    db.outbox.mark_sent(single.id, {Q: 20})
    assert [i.id for i in db.outbox.awaiting_ids()] == [bulk.id, other.id]
    assert [i.id for i in db.outbox.awaiting_ids("HubWork")] == [bulk.id]
    db.outbox.attach_sms_ids(bulk.id, {P: 10})
    assert [i.id for i in db.outbox.awaiting_ids("HubWork")] == [bulk.id]  # Q still open
    db.outbox.attach_sms_ids(bulk.id, {Q: 11})
    assert db.outbox.awaiting_ids("HubWork") == []


def test_only_a_queued_entry_can_be_sent(db: Database) -> None:
    """An unknown entry may be on the server: only a reconcile's requeue sends it again;
    one already sending is another attempt's. Nothing changes on refusal."""
    item = db.outbox.enqueue("HubWork", [P], "once")
    db.outbox.mark_sending(item.id)
    with pytest.raises(NotQueued):
        db.outbox.mark_sending(item.id)
    unknown = db.outbox.mark_unknown(item.id, "timed out")
    with pytest.raises(NotQueued):
        db.outbox.mark_sending(item.id)
    assert db.outbox.get(item.id) == unknown
    db.outbox.requeue(item.id)
    assert db.outbox.mark_sending(item.id).attempts == 2


def test_partial_reconciliation_of_bulk_keeps_it_open(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P, Q], "to all", bulk=True)
    db.outbox.mark_sending(item.id)
    db.outbox.mark_unknown(item.id, "timeout")
    partial = db.outbox.attach_sms_ids(item.id, {P: 10})
    assert partial.state is OutboxState.UNKNOWN
    assert db.outbox.destination_states(item.id) == {
        P: (OutboxState.SENT, 10),
        Q: (OutboxState.UNKNOWN, None),
    }
    # Resending only touches the destination not yet sent.
    db.outbox.requeue(item.id)
    assert db.outbox.destination_states(item.id)[P] == (OutboxState.SENT, 10)


def test_invalid_transitions_raise(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "x")
    db.outbox.mark_sending(item.id)
    with pytest.raises(OutboxError):
        db.outbox.mark_sending(item.id)  # already sending
    db.outbox.mark_sent(item.id, {P: 1})
    with pytest.raises(OutboxError):
        db.outbox.mark_failed(item.id, "too late")
    with pytest.raises(OutboxError):
        db.outbox.requeue(item.id)
    with pytest.raises(OutboxError):
        db.outbox.mark_sending(9999)
    with pytest.raises(ValueError):
        db.outbox.enqueue("HubWork", [], "nobody")
    with pytest.raises(ValueError):
        db.outbox.enqueue("HubWork", [P, Q], "two without bulk")


def test_sending_left_by_a_crash_is_unknown_on_reopen(db_path: Path) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "in flight")
        db.outbox.mark_sending(item.id)
    # (the process dies here: no mark_sent / mark_unknown)
    with Database.open(db_path) as db:
        assert db.interrupted_sends == 1
        (pending,) = db.outbox.pending()
        assert pending.state is OutboxState.UNKNOWN and pending.error
        assert db.outbox.destination_states(item.id)[P][0] is OutboxState.UNKNOWN


def test_all_is_newest_first_and_delete(db: Database) -> None:
    ids = [db.outbox.enqueue("HubWork", [P], f"m{i}").id for i in range(5)]
    assert [i.id for i in db.outbox.all(limit=3)] == ids[::-1][:3]
    assert db.outbox.delete(ids[0]) is True
    assert db.outbox.get(ids[0]) is None and db.outbox.delete(ids[0]) is False
    # destinations went with it (foreign key cascade)
    assert db.conn.execute(
        "SELECT count(*) FROM outbox_destinations WHERE outbox_id = ?", (ids[0],)
    ).fetchone() == (0,)


# --- the sender lock: another process's rows in `sending` are its own ------------------

# A sending process: marks one row `sending`, prints its id, then obeys stdin
# ("sent": settle it; end of input: close the database and exit).
SENDER_CHILD = """
import sys
from pathlib import Path
from hubdesk.store.database import Database
db = Database.open(Path(sys.argv[1]))
item = db.outbox.enqueue("HubWork", [sys.argv[2]], sys.argv[3])
db.outbox.mark_sending(item.id)
print(item.id, flush=True)
for line in sys.stdin:
    if line.strip() == "sent":
        db.outbox.mark_sent(item.id, {sys.argv[2]: 4242})
        print("settled", flush=True)
db.close()
"""
ROOT = Path(__file__).resolve().parents[3]


class Sender:
    """A live sending process on the same database file."""

    def __init__(self, db_path: Path, text: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SENDER_CHILD, str(db_path), P, text],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        self.row_id = int(self.read())

    def read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def settle(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("sent\n")
        self.proc.stdin.flush()
        assert self.read() == "settled"

    def exit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=10) == 0

    def kill(self) -> None:
        self.proc.kill()  # kill -9: no chance to settle; the kernel drops its lock
        self.proc.wait(timeout=10)


@pytest.fixture
def senders(db_path: Path) -> Iterator[Callable[[str], Sender]]:
    started: list[Sender] = []

    def start(text: str) -> Sender:
        sender = Sender(db_path, text)
        started.append(sender)
        return sender

    yield start
    for sender in started:
        if sender.proc.poll() is None:
            sender.kill()


def row(db: Database, row_id: int) -> OutboxItem:
    item = db.outbox.get(row_id)
    assert item is not None
    return item


def state_of(db_path: Path, row_id: int) -> OutboxState:
    with Database.open(db_path) as db:
        return row(db, row_id).state


def test_opening_leaves_a_live_senders_row_alone(
    db_path: Path, senders: Callable[[str], Sender]
) -> None:
    sender = senders("in flight elsewhere")
    for _ in range(3):  # a CLI command, the GUI starting, ... opening the same profile
        with Database.open(db_path) as db:
            assert db.interrupted_sends == 0
            assert row(db, sender.row_id).state is OutboxState.SENDING
    sender.settle()  # the live sender's answer arrives: nothing had touched its row
    with Database.open(db_path) as db:
        got = db.outbox.get(sender.row_id)
        assert got is not None and got.state is OutboxState.SENT and got.sms_ids == (4242,)
        assert got.error is None
    sender.exit()


def test_a_killed_senders_row_is_recovered_by_the_next_open(
    db_path: Path, senders: Callable[[str], Sender]
) -> None:
    sender = senders("killed mid-send")
    assert state_of(db_path, sender.row_id) is OutboxState.SENDING
    sender.kill()
    with Database.open(db_path) as db:
        assert db.interrupted_sends == 1
        got = db.outbox.get(sender.row_id)
        assert got is not None and got.state is OutboxState.UNKNOWN and got.error


def test_two_live_senders_at_once(db_path: Path, senders: Callable[[str], Sender]) -> None:
    other = senders("from the CLI")
    with Database.open(db_path) as db:  # this process sends too (the GUI)
        mine = db.outbox.enqueue("HubWork", [Q], "from the GUI")
        assert db.outbox.mark_sending(mine.id).state is OutboxState.SENDING
        assert db.outbox.is_sender
        # The other process opening now would leave both rows alone.
        with Database.open(db_path) as third:
            assert third.interrupted_sends == 0
        other.settle()
        other.exit()
        # The other sender is gone but this one is alive: its row is still its own.
        with Database.open(db_path) as third:
            assert third.interrupted_sends == 0
            assert row(third, mine.id).state is OutboxState.SENDING
        db.outbox.mark_sent(mine.id, {Q: 7})
    assert state_of(db_path, other.row_id) is OutboxState.SENT


def test_first_send_recovers_rows_of_a_sender_that_died_meanwhile(
    db_path: Path, senders: Callable[[str], Sender]
) -> None:
    sender = senders("dies while we are open")
    with Database.open(db_path) as db:
        assert db.interrupted_sends == 0  # alive when we opened
        sender.kill()
        mine = db.outbox.enqueue("HubWork", [Q], "ours")
        db.outbox.mark_sending(mine.id)  # joins the senders: no other is alive
        assert row(db, sender.row_id).state is OutboxState.UNKNOWN
        assert row(db, mine.id).state is OutboxState.SENDING


def test_sending_refused_while_another_process_recovers(db_path: Path) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "wait")
        recovering = FileLock(sender_lock_path(db_path))
        assert recovering.try_acquire("exclusive")  # e.g. another process's open
        try:
            with pytest.raises(SenderBusy):
                db.outbox.mark_sending(item.id)
            assert row(db, item.id).state is OutboxState.QUEUED
        finally:
            recovering.release()
        assert db.outbox.mark_sending(item.id).attempts == 1
