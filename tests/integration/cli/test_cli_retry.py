"""``hubdesk-cli retry SMS_ID``: a failed message sent again once, linked to it; a second
retry is refused; the real CLI, the simulator over loopback, the profile's real SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from tests.integration.cli.cli_harness import SENDER, Cli, server_messages

PARTNER = "447400123456"
TEXT = "Your table is ready"


def _failed_in_store(cli: Cli, sms_id: int = 900001) -> None:
    """A message the server reported undelivered, as a sync stores it."""
    sms = Sms(
        sms_id,
        SENDER,
        PARTNER,
        TEXT,
        SmsType.SENT,
        DeliveryStatus.FAILED,
        ReadStatus.READ,
        datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
    )
    with Database.open(cli.home / "hubdesk.sqlite3") as db:
        db.messages.upsert_messages([sms])


def _copies(cli: Cli) -> int:
    return len([m for m in server_messages(cli.sim) if m["text"] == TEXT])


def test_retry_resends_once_and_the_failure_settles(logged_in: Cli) -> None:
    _failed_in_store(logged_in)
    before = logged_in("--json", "conversations").json()["conversations"]
    assert [c["has_failed"] for c in before if c["partner"] == PARTNER] == [True]
    thread = logged_in("thread", PARTNER).stdout
    assert "retry with: hubdesk-cli retry 900001" in thread

    run = logged_in("--json", "retry", "900001")
    assert run.code == 0, run
    data = run.json()
    assert data["resend_of"] == 900001 and data["outbox_state"] == "sent"
    assert data["source"] == SENDER and data["destination"] == PARTNER and data["text"] == TEXT
    assert _copies(logged_in) == 1
    assert len(logged_in.api_requests("/sms/send")) == 1

    entries = logged_in("--json", "thread", PARTNER).json()["messages"]
    failed = next(m for m in entries if m["sms_id"] == 900001)
    assert failed["resent"] is True and failed["resend_sms_id"] == data["sms_id"]
    assert failed["resend_outbox_id"] == data["outbox_id"]
    resend = next(m for m in entries if m["sms_id"] == data["sms_id"])
    assert resend["resend_of"] == 900001
    human = logged_in("thread", PARTNER).stdout
    assert f"resent as SMS {data['sms_id']}" in human
    after = logged_in("--json", "conversations").json()["conversations"]
    assert [c["has_failed"] for c in after if c["partner"] == PARTNER] == [False]

    # The next person on shift retries the same message: refused, nothing sent.
    again = logged_in("retry", "900001")
    assert again.code == 2, again
    assert f"already sent again as SMS {data['sms_id']}" in again.stderr
    assert "not sent twice" in again.stderr
    assert _copies(logged_in) == 1 and len(logged_in.api_requests("/sms/send")) == 1


def test_retry_of_what_is_not_a_failed_message_is_bad_input(logged_in: Cli) -> None:
    _failed_in_store(logged_in)
    for args, words in (
        (("retry", "12"), "SMS 12 is not in the local store"),
        (("retry", "nope"), "SMS_ID"),
        (("retry", "900001", "--from", "NOT VALID"), "--from"),
    ):
        run = logged_in(*args)
        assert run.code == 2, run
        assert words in run.stderr
    assert logged_in.api_requests("/sms/send") == []


def test_a_retry_that_cannot_go_out_now_stays_queued_and_refuses_a_second(
    logged_in: Cli,
) -> None:
    _failed_in_store(logged_in)
    logged_in.sim.state.revoke_tokens()  # the session has expired: certainly not sent
    first = logged_in("retry", "900001")
    assert first.code == 3, first
    assert "stays queued" in first.stderr
    second = logged_in("retry", "900001")
    assert second.code == 2 and "is queued" in second.stderr
    assert _copies(logged_in) == 0
