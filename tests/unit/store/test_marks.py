"""store.marks and the list's filters: pinned on top, Done until a new message is
received, "Mark unread" that a refresh of the open thread does not undo."""

from __future__ import annotations

from collections.abc import Callable

from hubdesk.domain import ConversationFilter, ReadStatus, Sms
from hubdesk.store.database import Database

MakeSms = Callable[..., Sms]
P = "447400123456"
Q = "447400999888"
R = "447400555000"
INBOX, UNREAD, DONE, ALL = (
    ConversationFilter.INBOX,
    ConversationFilter.UNREAD,
    ConversationFilter.DONE,
    ConversationFilter.ALL,
)


def _three(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=10, read=ReadStatus.READ),
            make_sms(2, Q, at=20, read=ReadStatus.READ),
            make_sms(3, R, at=30),  # unread
        ]
    )


def _partners(db: Database, view: ConversationFilter) -> list[str]:
    return [c.partner for c in db.messages.conversations(view=view)]


def test_pinned_conversations_come_first_in_every_view(db: Database, make_sms: MakeSms) -> None:
    _three(db, make_sms)
    assert _partners(db, ALL) == [R, Q, P]
    assert db.marks.pin(P) and not db.marks.pin(P)
    assert db.marks.pin(Q)
    assert _partners(db, ALL) == [Q, P, R]  # pinned ones newest first, then the rest
    assert [c.pinned for c in db.messages.conversations()] == [True, True, False]
    assert [c.partner for c in db.messages.conversations(limit=1)] == [Q]
    assert db.marks.unpin(Q) and not db.marks.unpin(Q)
    assert _partners(db, INBOX) == [P, R, Q]
    assert db.marks.get(P).pinned and not db.marks.get(Q).pinned


def test_done_leaves_the_inbox_until_a_new_message_is_received(
    db: Database, make_sms: MakeSms
) -> None:
    _three(db, make_sms)
    assert db.marks.mark_done(Q)
    assert _partners(db, INBOX) == [R, P]
    assert _partners(db, DONE) == [Q]
    assert _partners(db, ALL) == [R, Q, P]
    assert [c.done for c in db.messages.conversations(view=DONE)] == [True]
    # Sending to them, or an older message found by a backfill, does not bring it back.
    db.messages.upsert_messages([make_sms(4, Q, sent=True, at=40), make_sms(5, Q, at=15)])
    assert _partners(db, DONE) == [Q]
    # A new received message does, in the same write.
    result = db.messages.upsert_messages([make_sms(6, Q, at=50)])
    assert Q in result.partners
    assert _partners(db, DONE) == []
    assert _partners(db, INBOX)[0] == Q
    assert not db.marks.get(Q).done


def test_done_and_undone_and_unknown_partners(db: Database, make_sms: MakeSms) -> None:
    _three(db, make_sms)
    assert not db.marks.mark_done("447400000000")  # no conversation with them
    assert db.marks.mark_done(P) and db.marks.mark_undone(P)
    assert not db.marks.mark_undone(P)
    assert _partners(db, DONE) == []
    # A conversation that so far is only an outbox entry can be Done too.
    db.outbox.enqueue("HubWork", ["447400000001"], "hello")
    assert db.marks.mark_done("447400000001")
    assert "447400000001" in _partners(db, DONE)
    assert "447400000001" not in _partners(db, INBOX)


def test_unread_view_includes_done_ones_with_unread(db: Database, make_sms: MakeSms) -> None:
    _three(db, make_sms)
    db.marks.mark_done(R)  # marked Done without being read: nothing unread hides
    assert _partners(db, UNREAD) == [R]
    assert db.messages.conversations(unread_only=True) == db.messages.conversations(view=UNREAD)
    assert db.messages.unread_total() == 1


def test_marks_without_any_left_are_dropped(db: Database, make_sms: MakeSms) -> None:
    _three(db, make_sms)
    db.marks.pin(P)
    db.marks.mark_done(P)
    db.marks.unpin(P)
    db.marks.mark_undone(P)
    assert db.conn.execute("SELECT count(*) FROM conversation_marks").fetchone()[0] == 0


# -- "Mark unread" that sticks ------------------------------------------------------------


def test_a_refresh_of_the_open_thread_keeps_a_conversation_marked_unread(
    db: Database, make_sms: MakeSms
) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=10), make_sms(2, P, sent=True, at=20)])
    assert db.messages.mark_read(P) == 1
    assert db.messages.mark_unread(P)
    (conv,) = db.messages.conversations()
    assert conv.unread == 1 and conv.kept_unread
    # The thread is shown again (a poll, a status change): it stays unread.
    assert db.messages.mark_seen(P) == 0
    (conv,) = db.messages.conversations()
    assert conv.unread == 1 and conv.kept_unread
    assert db.messages.unread_total() == 1  # the badge agrees with the list
    # A status change of our own message does not count as something new to read.
    db.messages.upsert_messages([make_sms(3, P, sent=True, at=30)])
    assert db.messages.mark_seen(P) == 0 and db.messages.unread_total() == 1
    # Opening it again reads it, and ends "kept unread".
    assert db.messages.mark_read(P) == 1
    (conv,) = db.messages.conversations()
    assert conv.unread == 0 and not conv.kept_unread
    assert db.messages.unread_total() == 0


def test_reading_a_new_message_ends_kept_unread(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=10)])
    db.messages.mark_read(P)
    db.messages.mark_unread(P)
    db.messages.upsert_messages([make_sms(2, P, at=20)])
    (conv,) = db.messages.conversations()
    assert conv.unread == 2 and db.messages.unread_total() == 2
    assert db.messages.mark_seen(P) == 2  # seeing the new one reads the conversation
    (conv,) = db.messages.conversations()
    assert conv.unread == 0 and not conv.kept_unread
    assert db.messages.unread_total() == 0
    # Without "kept unread", seeing the thread reads it, as before.
    db.messages.upsert_messages([make_sms(3, P, at=30)])
    assert db.messages.mark_seen(P) == 1 and db.messages.unread_total() == 0


def test_mark_unread_with_nothing_received_changes_nothing(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, P, sent=True, at=10)])
    assert not db.messages.mark_unread(P)
    assert not db.marks.get(P).kept_unread
