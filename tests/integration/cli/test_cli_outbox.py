"""send / bulk-send through the local outbox; outbox [--flush]; opt-out refusal."""

from __future__ import annotations

import sqlite3

from hubdesk.sim import Fault, SimServer
from tests.integration.cli.cli_harness import SENDER, UNREACHABLE, Cli, server_messages


def _copies(cli: Cli, text: str) -> int:
    return sum(1 for m in server_messages(cli.sim) if m["text"] == text)


def _outbox(cli: Cli) -> list[dict[str, object]]:
    run = cli("--json", "outbox")
    assert run.code == 0, run
    rows: list[dict[str, object]] = run.json()["outbox"]
    return rows


def test_dropped_send_is_unknown_then_flush_leaves_exactly_one_copy(logged_in: Cli) -> None:
    text = "Your order 1187 is ready"
    logged_in.sim.state.add_fault(Fault("drop_after", path="/api/sms/send"))
    run = logged_in("send", "--from", SENDER, "--to", "07400 123456", text)
    assert run.code == 5, run
    assert "state unknown — will be reconciled" in run.stderr
    assert "outbox --flush" in run.stderr and run.stdout == ""
    (row,) = _outbox(logged_in)
    assert row["state"] == "unknown" and row["attempts"] == 1
    assert row["destinations"] == ["447400123456"] and row["sms_ids"] == []
    assert _copies(logged_in, text) == 1  # the server did act on it

    flush = logged_in("--json", "outbox", "--flush")
    assert flush.code == 0, flush
    data = flush.json()
    assert data["flushed"]["sent"] == [row["id"]] and data["flushed"]["found"] == [row["id"]]
    assert data["flushed"]["resent"] == []
    assert _copies(logged_in, text) == 1  # found by reconciling, never sent twice
    assert len(logged_in.api_requests("/sms/send")) == 1
    (after,) = _outbox(logged_in)
    assert after["state"] == "sent" and len(after["sms_ids"]) == 1  # type: ignore[arg-type]

    again = logged_in("outbox", "--flush")
    assert again.code == 0 and "Nothing to send" in again.stdout


def _restart(cli: Cli) -> SimServer:
    """The same simulator state served again on the same port."""
    server = SimServer(cli.sim.state, port=cli.sim.port).start()
    cli.sim = server
    return server


def test_the_row_is_committed_before_any_request(logged_in: Cli) -> None:
    # The server is down: no request can even connect, yet the row is stored.
    logged_in.sim.stop()
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "Q")
    assert run.code == 5, run
    assert "was not sent" in run.stderr and "queued" in run.stderr
    db = sqlite3.connect(logged_in.home / "hubdesk.sqlite3")
    assert db.execute("SELECT state, text, attempts FROM outbox").fetchall() == [("queued", "Q", 1)]
    db.close()
    flush = logged_in("outbox", "--flush")  # still down: exit 5, the row stays queued
    assert flush.code == 5, flush
    assert "Not every message was settled" in flush.stderr
    assert [r["state"] for r in _outbox(logged_in)] == ["queued"]

    server = _restart(logged_in)
    try:
        assert logged_in.api_requests("/sms/send") == []  # nothing got through while down
        flush = logged_in("outbox", "--flush")
        assert flush.code == 0, flush
        assert "1 sent" in flush.stdout
        assert _copies(logged_in, "Q") == 1
        assert [r["state"] for r in _outbox(logged_in)] == ["sent"]
    finally:
        server.stop()


def test_send_when_the_session_has_expired_is_exit_3_and_stays_queued(logged_in: Cli) -> None:
    logged_in.sim.state.revoke_tokens()
    run = logged_in("-v", "send", "--from", SENDER, "--to", "07400123456", "Expired")
    assert run.code == 3, run
    assert "hubdesk-cli login" in run.stderr and "stays queued" in run.stderr
    assert "SessionExpired: operation=refresh" in run.stderr  # the real error, via -v
    assert [r["state"] for r in _outbox(logged_in)] == ["queued"]
    assert _copies(logged_in, "Expired") == 0


def test_send_without_a_session_queues_nothing(cli: Cli) -> None:
    run = cli("send", "--from", SENDER, "--to", "07400123456", "Hi")
    assert run.code == 3, run
    assert "login" in run.stderr
    assert cli.requests() == []
    assert cli("--json", "outbox").json()["outbox"] == []


def test_refused_send_is_exit_4_and_the_row_is_failed(logged_in: Cli) -> None:
    run = logged_in("send", "--from", "SMTEST", "--to", "07400123456", "Hi")  # not approved
    assert run.code == 4, run
    assert "marked failed" in run.stderr
    (row,) = _outbox(logged_in)
    assert row["state"] == "failed" and row["error"]
    flush = logged_in("outbox", "--flush")  # failed rows are not re-sent
    assert flush.code == 0 and len(logged_in.api_requests("/sms/send")) == 1


def _opt_out(cli: Cli, number: str) -> None:
    cli.sim.state.inject_inbound(number, "STOP")
    run = cli("sync", "--backfill-days", "0")
    assert run.code == 0, run
    assert "Opt-out changed" in run.stdout
    listed = cli("--json", "optouts").json()["optouts"]
    assert number in [o["number"] for o in listed]
    cli.sim.state.clear_requests()


def test_sending_to_an_opted_out_number_is_refused_without_a_request(logged_in: Cli) -> None:
    _opt_out(logged_in, "447400111222")
    run = logged_in("send", "--from", SENDER, "--to", "07400 111222", "Deal!")
    assert run.code == 2, run
    assert "opted out" in run.stderr and "--override-optout" in run.stderr
    assert logged_in.requests() == []  # zero POSTs, not even a token refresh
    assert _outbox(logged_in) == []

    forced = logged_in(
        "send", "--override-optout", "--from", SENDER, "--to", "07400 111222", "They asked"
    )
    assert forced.code == 0, forced
    (post,) = logged_in.api_requests("/sms/send")
    assert post["form"]["destination"] == ["447400111222"]


def test_bulk_send_leaves_out_opted_out_numbers_and_says_so(logged_in: Cli) -> None:
    _opt_out(logged_in, "447400111222")
    run = logged_in(
        "bulk-send", "--from", SENDER, "--to", "07400111222", "--to", "07400654321", "Sale"
    )
    assert run.code == 0, run
    assert "07400 111222" in run.stderr and "opted out" in run.stderr
    (post,) = logged_in.api_requests("/sms/bulk-send")
    assert post["form"]["destination[]"] == ["447400654321"]

    logged_in.sim.state.clear_requests()
    none = logged_in("bulk-send", "--from", SENDER, "--to", "07400111222", "Sale")
    assert none.code == 2, none
    assert "nothing was sent" in none.stderr
    assert logged_in.requests() == []


def test_outbox_list_before_anything_and_offline(cli: Cli) -> None:
    run = cli("--base-url", UNREACHABLE, "outbox")
    assert run.code == 0, run
    assert "no local data yet — run `hubdesk-cli sync`" in run.stdout.lower()
    empty = cli("outbox", "--flush")  # nothing queued: no session needed
    assert empty.code == 0, empty
    assert cli.requests() == []
