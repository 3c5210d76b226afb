"""Scheduled messages and personalised bulk sends from the command line: the real
hubdesk-cli against a real hubdesk-sim over loopback.

outbox lists a scheduled message with its time, cancel and send act on one (or on a
whole bulk send), --flush sends what is due and leaves an overdue message with a
sentence, two flushes at the due moment send each message once, and Ctrl-C during a
personalised bulk send cancels the rest cleanly.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.sim import Fault
from hubdesk.store.database import Database
from tests.integration.cli.cli_harness import CONSOLE_SCRIPT, SENDER, Cli, server_messages

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d 09:00")


def _db(cli: Cli) -> Database:
    return Database.open(cli.home / "hubdesk.sqlite3")


def _copies(cli: Cli, text: str) -> int:
    return sum(1 for m in server_messages(cli.sim) if m["text"] == text)


def test_a_scheduled_message_is_listed_cancelled_or_sent_now(logged_in: Cli) -> None:
    later = logged_in("--json", "send", "--from", SENDER, "--to", "07400 123456",
                      "--at", TOMORROW, "See you")  # fmt: skip
    assert later.code == 0, later
    first = later.json()["outbox_id"]
    listed = logged_in("outbox", env={"TZ": "Europe/London"})
    assert listed.code == 0 and "scheduled" in listed.stdout
    local = datetime.fromisoformat(later.json()["not_before"].replace("Z", "+00:00"))
    with_offset = local.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert with_offset.strftime("%Y-%m-%d %H:%M") in listed.stdout  # local in the table
    (row,) = logged_in("--json", "outbox").json()["outbox"]
    assert row["not_before"] == later.json()["not_before"] and row["not_before"].endswith("Z")

    cancel = logged_in("outbox", "cancel", str(first))
    assert cancel.code == 0 and f"Cancelled outbox entry {first}" in cancel.stdout, cancel
    assert logged_in("outbox", "cancel", str(first)).code == 0  # already cancelled: no change
    send_cancelled = logged_in("outbox", "send", str(first))
    assert send_cancelled.code == 2 and "it was cancelled" in send_cancelled.stderr

    second = logged_in("--json", "send", "--from", SENDER, "--to", "07400 123456",
                       "--at", TOMORROW, "Now please").json()["outbox_id"]  # fmt: skip
    assert logged_in.api_requests("/sms/send") == []
    now = logged_in("outbox", "send", str(second))
    assert now.code == 0, now
    assert _copies(logged_in, "Now please") == 1 and _copies(logged_in, "See you") == 0
    refused = logged_in("outbox", "cancel", str(second))
    assert refused.code == 2, refused
    assert f"Outbox entry {second} cannot be cancelled: it has already been sent" in (
        refused.stderr
    )
    missing = logged_in("outbox", "cancel", "99")
    assert missing.code == 2 and "no outbox entry 99" in missing.stderr
    both = logged_in("outbox", "--flush", "cancel", "1")
    assert both.code == 2 and "either --flush or" in both.stderr


def test_an_overdue_message_is_left_by_flush_and_sent_by_send(logged_in: Cli) -> None:
    assert logged_in("send", "--from", SENDER, "--to", "07400 123456", "Warm-up").code == 0
    with _db(logged_in) as db:  # the computer was off at its time: two hours ago
        item = db.outbox.enqueue(
            SENDER, ["447400123456"], "Your 9:00 reminder",
            not_before=datetime.now(UTC) - timedelta(hours=2),
        )  # fmt: skip
    logged_in.sim.state.clear_requests()
    flush = logged_in("--json", "outbox", "--flush")
    assert flush.code == 0, flush  # not an error: it waits for the user
    assert flush.json()["flushed"]["overdue"] == [item.id]
    assert f"Outbox entry {item.id}: overdue" in flush.stderr
    assert "hubdesk-cli outbox send ID" in flush.stderr
    assert logged_in.api_requests("/sms/send") == []
    listed = logged_in("outbox")
    assert "overdue" in listed.stdout and f"Outbox entry {item.id}: overdue" in listed.stdout
    sent = logged_in("outbox", "send", str(item.id))
    assert sent.code == 0, sent
    assert _copies(logged_in, "Your 9:00 reminder") == 1
    again = logged_in("outbox", "--flush")
    assert again.code == 0 and "Nothing to send" in again.stdout
    assert _copies(logged_in, "Your 9:00 reminder") == 1


def test_two_flushes_at_the_due_moment_send_each_message_once(logged_in: Cli) -> None:
    assert logged_in("send", "--from", SENDER, "--to", "07400 123456", "Warm-up").code == 0
    texts = [f"Due {n}" for n in range(8)]
    due = datetime.now(UTC) + timedelta(seconds=3)
    with _db(logged_in) as db:
        for n, text in enumerate(texts):
            db.outbox.enqueue(SENDER, [f"4474001234{n:02d}"], text, not_before=due)
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.1)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: logged_in("--json", "outbox", "--flush"), range(2)))
    for run in runs:
        assert run.code == 0, run
    sent = [i for run in runs for i in run.json()["flushed"]["sent"]]
    assert len(sent) == len(set(sent)) == 8
    assert sorted(m["text"] for m in server_messages(logged_in.sim) if m["text"] in texts) == (
        sorted(texts)
    )


def test_a_scheduled_personalised_bulk_send_is_cancelled_whole(
    logged_in: Cli, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,number\nAlice Smith,07400 123456\nBob Jones,07400 123457\n", "utf-8")
    assert logged_in("contacts", "import", str(people)).code == 0
    run = logged_in(
        "--json", "bulk-send", "--from", SENDER, "--to", "07400 123456", "--to",
        "07400 123457", "--at", TOMORROW, "Hi {first_name}, see you at {time}",
    )  # fmt: skip
    assert run.code == 0, run
    batch = run.json()["batch"]
    assert batch["counts"] == {"scheduled": 2}
    texts = [m["text"] for m in run.json()["plan"]["messages"]]
    assert texts == ["Hi Alice, see you at 09:00", "Hi Bob, see you at 09:00"]  # TZ=UTC
    assert logged_in.api_requests("/sms/send") == []
    gone = logged_in("outbox", "cancel", "--batch", str(batch["id"]))
    assert gone.code == 0 and "2 message(s) will not be sent" in gone.stdout, gone
    rows = logged_in("--json", "outbox").json()["outbox"]
    assert {r["state"] for r in rows} == {"cancelled"}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX here")
def test_ctrl_c_during_a_personalised_bulk_send_cancels_the_rest_cleanly(
    logged_in: Cli, tmp_path: Path
) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("".join(f"07400 1{n:05d}\n" for n in range(60)), "utf-8")
    logged_in.sim.state.add_fault(Fault("slow", count=200, path="/api/sms/send", seconds=0.1))
    child = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "--json", "bulk-send", "--from", SENDER, "--to-file",
         str(numbers), "Hello {number}"],
        env=logged_in.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stderr is not None
    lines: list[str] = []
    progress = re.compile(r"bulk send \d+: ([1-9]\d*) of 60 sent")
    while not any(progress.match(line) for line in lines):  # some went out: interrupt
        line = child.stderr.readline()
        assert line, "".join(lines)
        lines.append(line)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    err = "".join(lines) + err
    assert child.returncode == 130, err
    assert "Cancelling: the messages not sent yet will not be" in err
    assert "Traceback" not in err and "Interrupted: " in err
    batch = __import__("json").loads(out)["batch"]
    counts = batch["counts"]
    assert set(counts) == {"sent", "cancelled"} and sum(counts.values()) == 60, counts
    assert 0 < counts["sent"] < 60
    on_server = [m["text"] for m in server_messages(logged_in.sim) if m["text"].startswith("Hello")]
    assert len(on_server) == len(set(on_server)) == counts["sent"]
    assert len(logged_in.api_requests("/sms/send")) == counts["sent"]


def test_the_outbox_sentences_count_every_row_not_only_those_listed(cli: Cli) -> None:
    # 'outbox' lists the newest 100 rows; its sentences were worked out from those only:
    # an overdue message older than a 150-recipient bulk went unmentioned, and the count
    # and the next time of the scheduled ones were wrong.
    now = datetime.now(UTC)
    soonest = now + timedelta(days=1)
    with _db(cli) as db:
        overdue = db.outbox.enqueue(
            SENDER, ["447400123456"], "Missed", not_before=now - timedelta(hours=2)
        )
        db.schedule.promote_due(now)  # found too late: overdue
        db.outbox.enqueue(SENDER, ["447400123457"], "First", not_before=soonest)
        for n in range(150):
            db.outbox.enqueue(
                SENDER, [f"447400200{n:03d}"], "Later", not_before=now + timedelta(days=2)
            )
    listed = cli("outbox", env={"TZ": "UTC"})
    assert listed.code == 0, listed
    assert f"Outbox entry {overdue.id}: overdue" in listed.stdout
    assert f"151 scheduled, the next at {soonest:%Y-%m-%d %H:%M}" in listed.stdout
