"""Network and server failures (exit 5), rate limiting, -v, and the import cost."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from hubdesk.sim import Fault
from tests.integration.cli.cli_harness import CONSOLE_SCRIPT, PASSWORD, SENDER, Cli
from tests.platforms import posix_only


def test_server_error_on_send_is_exit_5_and_not_retried(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("500", path="/api/sms/send"))
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "Hi")
    assert run.code == 5, run
    assert len(run.stderr.strip().splitlines()) == 1
    assert len(logged_in.api_requests("/sms/send")) == 1


def test_dropped_send_may_or_may_not_have_been_sent(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("drop_after", path="/api/sms/send"))
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "Hi")
    assert run.code == 5, run
    assert "may or may not have been sent" in run.stderr
    assert "state unknown — will be reconciled" in run.stderr
    assert len(logged_in.api_requests("/sms/send")) == 1  # never resent blindly


def test_malformed_answer_to_a_send_may_have_been_sent(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("malformed", path="/api/sms/send"))
    run = logged_in("-v", "send", "--from", SENDER, "--to", "07400123456", "Garbled")
    assert run.code == 5, run
    assert "may or may not have been sent" in run.stderr
    assert "state unknown — will be reconciled" in run.stderr
    assert "UnexpectedResponse: operation=send_sms status=200 may_have_executed=True" in (
        run.stderr
    )
    assert len(logged_in.api_requests("/sms/send")) == 1


def test_missing_scope_on_send_is_exit_4_and_failed(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("403", path="/api/sms/send"))
    run = logged_in("-v", "send", "--from", SENDER, "--to", "07400123456", "No scope")
    assert run.code == 4, run
    assert "not allowed to send the SMS" in run.stderr and "marked failed" in run.stderr
    assert "PermissionDenied: operation=send_sms status=403" in run.stderr
    assert "executed=no" in run.stderr


def test_rate_limited_send_stays_queued_exit_5(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("429", path="/api/sms/send", seconds=600))
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "Later")
    assert run.code == 5, run
    assert "limiting requests" in run.stderr and "stays queued" in run.stderr
    assert logged_in.sim.state.messages()[-1]["text"] != "Later"


def test_json_mode_prints_one_error_document_with_the_outbox_entry(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("429", path="/api/sms/send", seconds=600))
    run = logged_in("--json", "send", "--from", SENDER, "--to", "07400123456", "Later")
    assert run.code == 5, run
    error = run.json()["error"]
    assert error["exit_code"] == 5 and "stays queued" in error["message"]
    assert error["state"] == "queued" and isinstance(error["outbox_id"], int)
    assert "stays queued" in run.stderr  # the person still reads it
    bad = logged_in("--json", "send", "--from", SENDER, "--to", "0740", "Hi")
    assert bad.code == 2 and bad.json() == {
        "error": {"message": bad.stderr.strip(), "exit_code": 2}
    }


def test_json_mode_says_a_usage_error_as_one_document_too(cli: Cli) -> None:
    run = cli("--json", "send", "--to", "07400123456", "Hi")  # no --from
    assert run.code == 2
    assert run.json()["error"]["exit_code"] == 2
    assert "--from" in run.json()["error"]["message"] and "--from" in run.stderr


def test_malformed_answer_is_exit_5(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("malformed", path="/api/sender-id/list"))
    run = logged_in("senders")
    assert run.code == 5, run
    assert run.stdout == ""


def test_unreachable_server_is_exit_5_after_retries(cli: Cli) -> None:
    env = {
        "HUBDESK_CLIENT_ID": "hubdesk-demo",
        "HUBDESK_CLIENT_SECRET": "demo-secret",
        "HUBDESK_USERNAME": "demo@hubwork.test",
        "HUBDESK_PASSWORD": PASSWORD,
    }
    cli.sim.stop()
    run = cli("--no-store", "senders", env=env)
    assert run.code == 5, run
    notices = [line for line in run.stderr.splitlines() if "retrying in" in line]
    assert len(notices) == 3  # max_retries, each announced
    assert len(run.stderr.splitlines()) == 4  # and then one sentence
    assert run.stdout == ""


def test_rate_limit_wait_is_announced_then_the_command_succeeds(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("429", path="/api/sender-id/list", seconds=1))
    run = logged_in("--json", "senders")
    assert run.code == 0, run
    assert "Rate limited by the server; waiting 1 s…" in run.stderr
    assert isinstance(run.json(), list)


def test_verbose_adds_detail_but_no_secrets(cli: Cli) -> None:
    cli.login("-v")
    cli.sim.state.add_fault(Fault("500", path="/api/sms/send"))
    run = cli("-v", "send", "--from", SENDER, "--to", "07400123456", "Hi")
    assert run.code == 5, run
    assert "state=unknown attempts=1" in run.stderr  # the outbox row, via -v
    assert "executed=maybe" in run.stderr
    assert "ServerError: operation=send_sms status=500" in run.stderr  # the attempt's error
    assert "HTTP Request" in run.stderr and "500 Internal Server Error" in run.stderr
    # The cli fixture checks every run's output for the password, secret and tokens.


def _import_seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def test_importing_the_cli_and_session_loads_no_pyside6_and_is_fast() -> None:
    probe = (
        "import sys, hubdesk.cli.app, hubdesk.cli.runner, hubdesk.core.session; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'));"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == ""
    baseline = min(_import_seconds("pass") for _ in range(3))
    cli = min(_import_seconds("import hubdesk.cli.app") for _ in range(3))
    assert cli - baseline < 0.5, (cli, baseline)


def test_help_lists_every_command_and_exit_codes(cli: Cli) -> None:
    run = cli("--help")
    assert run.code == 0
    for command in (
        "login",
        "logout",
        "whoami",
        "senders",
        "sender-add",
        "send",
        "bulk-send",
        "messages",
        "show",
        "dial",
        "dial-mask",
        "--no-store",
        "HUBDESK_PASSWORD",
        "exit codes",
        "sync",
        "conversations",
        "thread",
        "search",
        "outbox",
        "contacts",
        "optouts",
        "--override-optout",
        "state unknown — will be reconciled",
    ):
        assert command in run.stdout
    assert cli.requests() == []


def test_unknown_command_is_exit_2(cli: Cli) -> None:
    run = cli("frobnicate")
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1


@posix_only("SIGINT to a child process (Windows has no Ctrl+C for one process)")
def test_ctrl_c_during_a_token_refresh_keeps_the_session(logged_in: Cli) -> None:
    """Refresh tokens are single use: the server spends the old one when the request
    arrives. Interrupted while the answer is on its way, the command still waits for it
    and stores the new token, so the next command is still signed in."""
    sim = logged_in.sim
    sim.state.expire_tokens()  # the stored access token is refused: the command refreshes
    sim.state.configure(latency=2.0)  # every answer comes 2 s after the request ran
    env = dict(logged_in.env)
    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "senders"],
        env=env,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not [r for r in sim.state.requests() if r["path"] == "/api/oauth/token"]:
            assert time.monotonic() < deadline, "the refresh was never sent"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)  # the refresh ran on the server; answer pending
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Interrupted." in err and "Traceback" not in err

    sim.state.configure(latency=0.0)
    after = logged_in("senders")
    assert after.code == 0, after


def test_text_that_is_not_utf8_is_bad_input_and_queues_nothing(logged_in: Cli) -> None:
    for args, stdin in ((["-"], b"\xff\xfe bad"), ([b"argv \xff"], b"")):
        done = subprocess.run(
            [str(CONSOLE_SCRIPT), "send", "--from", SENDER, "--to", "07400123456", *args],
            input=stdin,
            capture_output=True,
            env=logged_in.env,
            timeout=60,
        )
        assert done.returncode == 2, done
        assert b"not valid UTF-8" in done.stderr and b"Traceback" not in done.stderr
    assert logged_in.api_requests("/sms/send") == []
    outbox = logged_in("--json", "outbox")
    assert outbox.json()["outbox"] == []


def test_an_unusable_profile_folder_is_named(cli: Cli, tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    run = cli("outbox", env={"HUBDESK_HOME": str(a_file)})
    assert run.code != 0 and run.code != 1, run  # 1 is "internal error"
    assert f"The profile folder {a_file} is a file, not a folder" in run.stderr
