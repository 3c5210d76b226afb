"""core.notify: pure popup decisions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hubdesk.core.notify import (
    Notice,
    NoticeAction,
    NotificationPolicy,
    in_quiet_hours,
    notice_actions,
    preview,
)
from hubdesk.core.settings import AppSettings
from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ALICE, BOB, CAROL = "447400123456", "447400123457", "447400123458"
NAMES = {ALICE: "Alice Smith"}


def received(sms_id: int, partner: str = ALICE, text: str = "hello", sent: bool = False) -> Sms:
    return Sms(
        sms_id=sms_id,
        source="HubWork" if sent else partner,
        destination=partner if sent else "447700900000",
        text=text,
        type=SmsType.SENT if sent else SmsType.RECEIVED,
        delivery_status=DeliveryStatus.SENT,
        read_status=ReadStatus.UNREAD,
        time=T0 + timedelta(seconds=sms_id),
    )


def local_noon() -> datetime:
    return datetime.combine(T0.date(), time(12, 0)).astimezone()


def test_up_to_three_messages_give_one_notice_each_named_and_previewed() -> None:
    policy = NotificationPolicy()
    long_text = "Hi\nthere   " + "x" * 200
    notices = policy.decide(
        [received(2, BOB, long_text), received(1)], NAMES, AppSettings(), local_noon()
    )
    assert [n.sms_ids for n in notices] == [(1,), (2,)]
    assert notices[0] == Notice("Alice Smith", "hello", ALICE, (1,))
    assert notices[1].title == "07400 123457"  # no contact: the formatted number
    assert "\n" not in notices[1].body and len(notices[1].body) == 120
    assert notices[1].body.startswith("Hi there xxx") and notices[1].body.endswith("…")


def test_more_than_three_give_one_summary() -> None:
    policy = NotificationPolicy()
    batch = [received(1), received(2, BOB), received(3, CAROL), received(4), received(5, BOB)]
    (notice,) = policy.decide(batch, NAMES, AppSettings(), local_noon())
    assert notice.body == "5 new messages from 3 people"
    assert notice.partner is None and notice.sms_ids == (1, 2, 3, 4, 5)


def test_summary_from_one_person_opens_that_conversation() -> None:
    policy = NotificationPolicy()
    (notice,) = policy.decide([received(i) for i in range(1, 6)], NAMES, AppSettings(), T0)
    assert notice.partner == ALICE and notice.title == "Alice Smith"
    assert notice.body == "5 new messages"


def test_never_twice_for_the_same_id_and_sent_messages_ignored() -> None:
    policy = NotificationPolicy()
    assert len(policy.decide([received(1)], NAMES, AppSettings(), T0)) == 1
    assert policy.decide([received(1), received(9, sent=True)], NAMES, AppSettings(), T0) == []
    assert len(policy.decide([received(2), received(2)], NAMES, AppSettings(), T0)) == 1


def test_memory_is_bounded() -> None:
    policy = NotificationPolicy(memory=3)
    for i in range(1, 6):
        policy.decide([received(i)], NAMES, AppSettings(), T0)
    assert not policy.was_announced(1) and policy.was_announced(5)


def test_quiet_hours_dnd_and_switched_off_suppress_and_remember() -> None:
    night = AppSettings(quiet_hours=(time(22, 0), time(7, 0)))
    policy = NotificationPolicy()
    at_23 = datetime.combine(T0.date(), time(23, 30)).astimezone()
    assert policy.decide([received(1)], NAMES, night, at_23) == []
    at_8 = datetime.combine(T0.date(), time(8, 0)).astimezone()
    assert policy.decide([received(1)], NAMES, night, at_8) == []  # already handled
    assert len(policy.decide([received(2)], NAMES, night, at_8)) == 1
    assert policy.decide([received(3)], NAMES, AppSettings(do_not_disturb=True), at_8) == []
    assert policy.decide([received(4)], NAMES, AppSettings(notifications=False), at_8) == []


def test_quiet_hours_arithmetic() -> None:
    wrap = (time(22, 0), time(7, 0))
    assert in_quiet_hours(wrap, time(23, 0)) and in_quiet_hours(wrap, time(6, 59))
    assert not in_quiet_hours(wrap, time(7, 0)) and not in_quiet_hours(wrap, time(12, 0))
    day = (time(12, 0), time(14, 0))
    assert in_quiet_hours(day, time(12, 0)) and not in_quiet_hours(day, time(14, 0))
    assert not in_quiet_hours(None, time(3, 0))


def test_preview_is_one_short_line() -> None:
    assert preview("  a\r\n b\tc ") == "a b c"
    assert preview("x" * 10, limit=5) == "xxxx…"


def test_hostile_names_and_texts_are_made_safe_to_show() -> None:
    """NUL (which makes dbus-daemon drop the connection), a lone surrogate (unencodable)
    and a bidi override never reach a notice; markup stays literal (the notifier
    escapes it for the server)."""
    policy = NotificationPolicy()
    names = {ALICE: "Mallory\x00 \u202etxt.exe\n<b>x</b>"}
    text = "nul\x00inside \ud83d half <img src=http://127.0.0.1:1/x> \u2066x"
    (notice,) = policy.decide([received(1, text=text)], names, AppSettings(), local_noon())
    assert notice.title == "Mallory ⟨U+202E⟩txt.exe <b>x</b>"
    assert notice.body == "nul inside \ufffd half <img src=http://127.0.0.1:1/x> ⟨U+2066⟩x"
    (notice.title + notice.body).encode("utf-8")


def test_a_blank_or_control_only_name_falls_back_to_the_number() -> None:
    policy = NotificationPolicy()
    (notice,) = policy.decide([received(1)], {ALICE: "\x00\n "}, AppSettings(), local_noon())
    assert notice.title == "07400 123456"


def test_two_messages_from_one_person_make_one_notice() -> None:
    policy = NotificationPolicy()
    batch = [received(1, text="first"), received(2, BOB), received(3, text="second")]
    alice, bob = policy.decide(batch, NAMES, AppSettings(), local_noon())
    assert alice == Notice("Alice Smith", "2 new messages: second", ALICE, (1, 3))
    assert bob.partner == BOB and bob.sms_ids == (2,)


def test_actions_follow_the_servers_capabilities() -> None:
    every = ("default", "reply", "call-back", "mark-read")
    assert [a.value for a in notice_actions(ALICE, {"actions", "body"})] == list(every)
    assert [a.label for a in notice_actions(ALICE, {"actions"})] == [
        "Open", "Reply", "Call back", "Mark as read"
    ]  # fmt: skip
    inline = notice_actions(ALICE, {"actions", "inline-reply"})
    assert NoticeAction.INLINE_REPLY in inline and NoticeAction.REPLY not in inline
    assert notice_actions(ALICE, {"body"}) == (NoticeAction.OPEN,)  # no buttons shown
    assert notice_actions(None, {"actions"}) == (NoticeAction.OPEN,)  # several people


def test_call_back_only_for_uk_numbers_and_reply_only_to_numbers() -> None:
    assert NoticeAction.CALL_BACK not in notice_actions("12025550143", {"actions"})
    assert NoticeAction.REPLY in notice_actions("12025550143", {"actions"})
    assert notice_actions("HubWork", {"actions"}) == (NoticeAction.OPEN, NoticeAction.MARK_READ)
