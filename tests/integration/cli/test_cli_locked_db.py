"""``hubdesk-cli`` while another process holds the profile's database (``BEGIN EXCLUSIVE``).

The holder is a real second Python process on the real SQLite file; the CLI waits
SQLite's busy time-out (5 s), then says the database is busy (exit 6), having lost and
half-written nothing. A send whose outcome could not be recorded is exit 5 and settled
exactly once by the next 'outbox --flush'.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hubdesk.sim import Fault
from tests.db_lock_holder import holding_lock
from tests.integration.cli.cli_harness import SENDER, Cli, server_messages

BUSY = "The local message database is busy"
EXIT_BUSY = 6


def _db(cli: Cli) -> Path:
    return cli.home / "hubdesk.sqlite3"


def _synced(cli: Cli) -> Path:
    run = cli("sync", "--backfill-days", "0")
    assert run.code == 0, run
    cli.sim.state.clear_requests()
    return _db(cli)


def _outbox_states(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT text, state FROM outbox ORDER BY id"))


def test_sync_while_the_database_is_held_says_busy_and_loses_nothing(logged_in: Cli) -> None:
    path = _synced(logged_in)
    logged_in.sim.state.inject_inbound("447400111222", "Is the table free at 8?")
    with holding_lock(path):
        started = time.monotonic()
        run = logged_in("sync", "--backfill-days", "0")
        waited = time.monotonic() - started
    assert run.code == EXIT_BUSY, run
    assert BUSY in run.stderr and "try again" in run.stderr, run
    assert "Internal error" not in run.stderr and "OperationalError" not in run.stderr
    assert run.stderr.count("\n") == 1  # one sentence
    assert 5 <= waited < 30  # SQLite's busy time-out, not forever
    again = logged_in("sync", "--backfill-days", "0")  # the message was not lost
    assert again.code == 0, again
    found = logged_in("--json", "search", "table")
    assert [h["text"] for h in found.json()["hits"]] == ["Is the table free at 8?"]


def test_json_mode_reports_the_busy_exit_code(logged_in: Cli) -> None:
    path = _synced(logged_in)
    with holding_lock(path):
        run = logged_in("--json", "contacts", "add", "Ann", "07400123456")
    assert run.code == EXIT_BUSY, run
    error = run.json()["error"]
    assert error["exit_code"] == EXIT_BUSY and error["message"].startswith(BUSY)
    assert logged_in("--json", "contacts", "list").json() == []


def test_send_while_the_database_is_held_queues_and_sends_nothing(logged_in: Cli) -> None:
    path = _synced(logged_in)
    with holding_lock(path):
        run = logged_in("send", "--from", SENDER, "--to", "07400123456", "Held")
    assert run.code == EXIT_BUSY, run
    assert BUSY in run.stderr, run
    assert logged_in.api_requests("/sms/send") == []
    assert _outbox_states(path) == []  # running it again is safe: nothing was queued
    again = logged_in("send", "--from", SENDER, "--to", "07400123456", "Held")
    assert again.code == 0, again
    assert [m["text"] for m in server_messages(logged_in.sim)].count("Held") == 1


def test_a_send_whose_answer_cannot_be_recorded_is_settled_once_by_the_flush(
    logged_in: Cli,
) -> None:
    path = _synced(logged_in)
    text = "Recorded later"
    logged_in.sim.state.add_fault(Fault("slow", path="/api/sms/send", seconds=3))
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(logged_in, "send", "--from", SENDER, "--to", "07400123456", text)
        deadline = time.monotonic() + 30
        while _outbox_states(path) != [(text, "sending")]:  # the POST is on the wire
            assert time.monotonic() < deadline, "the send never reached 'sending'"
            time.sleep(0.05)
        with holding_lock(path):  # ... and the database is taken before its answer lands
            run = sending.result()
    assert run.code == 5, run
    assert "may or may not have been sent" in run.stderr, run
    assert "outbox --flush" in run.stderr and "do not send it again" in run.stderr
    assert [m["text"] for m in server_messages(logged_in.sim)].count(text) == 1

    flush = logged_in("--json", "outbox", "--flush")
    assert flush.code == 0, flush
    flushed = flush.json()["flushed"]
    assert len(flushed["sent"]) == 1 and flushed["found"] == flushed["sent"]
    assert len(logged_in.api_requests("/sms/send")) == 1  # found, not sent again
    assert [m["text"] for m in server_messages(logged_in.sim)].count(text) == 1
    assert _outbox_states(path) == [(text, "sent")]
