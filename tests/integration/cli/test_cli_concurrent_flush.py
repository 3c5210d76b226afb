"""Two real ``hubdesk-cli outbox --flush`` at once, on one profile, against one simulator.

Each row is claimed by one process (its ``queued -> sending`` step); the other process
skips it and says it is being sent by another HubDesk process. Nothing is sent twice,
nothing is left behind, and neither run is an error.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hubdesk.sim import Fault, SimServer
from tests.integration.cli.cli_harness import SENDER, Cli, Run, server_messages

TEXTS = ("Flush one", "Flush two", "Flush three")
ELSEWHERE = "being sent by another HubDesk process"


def _queue_while_down(cli: Cli) -> None:
    """Three messages certainly not sent (the server is down): each stays queued."""
    cli.sim.stop()
    for text in TEXTS:
        run = cli("send", "--from", SENDER, "--to", "07400123456", text)
        assert run.code == 5 and "stays queued" in run.stderr, run


def _restart(cli: Cli) -> SimServer:
    server = SimServer(cli.sim.state, port=cli.sim.port).start()
    cli.sim = server
    return server


def test_two_flushes_at_once_share_the_rows_and_send_each_once(logged_in: Cli) -> None:
    _queue_while_down(logged_in)
    server = _restart(logged_in)
    try:
        # Each POST takes 2 s: the second flush starts while the first is mid-send.
        logged_in.sim.state.add_fault(Fault("slow", count=3, path="/api/sms/send", seconds=2))
        with ThreadPoolExecutor(2) as pool:
            runs: list[Run] = list(
                pool.map(lambda _: logged_in("--json", "outbox", "--flush"), range(2))
            )
        for run in runs:
            assert run.code == 0, run
            assert "Internal error" not in run.stderr, run
        reports = [r.json()["flushed"] for r in runs]
        sent = [i for report in reports for i in report["sent"]]
        assert len(sent) == len(set(sent)) == 3  # every row sent by exactly one of them
        skipped = [i for report in reports for i in report["sending_elsewhere"]]
        assert skipped and set(skipped) <= set(sent)
        assert any(ELSEWHERE in r.stderr for r in runs)

        texts = [m["text"] for m in server_messages(logged_in.sim)]
        assert sorted(t for t in texts if t in TEXTS) == sorted(TEXTS)  # one copy each
        # A request the server refused (a 401 before a token refresh, a 429) may be
        # repeated; a request it accepted never is.
        posts = logged_in.api_requests("/sms/send")
        accepted = [r for r in posts if 200 <= r.get("status", 0) < 300]
        assert len(accepted) == 3, [(r.get("status"), r.get("fault")) for r in posts]
        # Both use the access token the sign-in stored in the keyring: neither refreshes
        # (each used to, revoking the other's token: 401s and more refreshes followed).
        assert logged_in.api_requests("/oauth/token") == []
        assert all(r.get("status") != 401 for r in posts)
        rows = logged_in("--json", "outbox").json()["outbox"]
        assert [r["state"] for r in rows] == ["sent"] * 3
    finally:
        server.stop()


def test_a_flush_beside_a_send_in_flight_leaves_that_row_to_it(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("slow", count=1, path="/api/sms/send", seconds=3))
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(
            logged_in, "send", "--from", SENDER, "--to", "07400123456", "In flight"
        )
        # Wait until the send's row is committed as 'sending' (its POST is on the wire).
        for _ in range(200):
            rows = logged_in("--json", "outbox").json()["outbox"]
            if rows and rows[0]["state"] == "sending":
                break
        else:
            raise AssertionError("the send never reached 'sending'")
        flush = logged_in("outbox", "--flush")
        send = sending.result()
    assert send.code == 0, send
    assert flush.code == 0, flush
    assert ELSEWHERE in flush.stdout + flush.stderr, flush
    assert len(logged_in.api_requests("/sms/send")) == 1
    assert sum(1 for m in server_messages(logged_in.sim) if m["text"] == "In flight") == 1
