"""The real ``hubdesk-cli`` against a real ``hubdesk-sim`` that sends hostile answers
(issue 11): bad header numbers, a text with a lone surrogate or NUL, an answer that never
ends, an answer of hundreds of megabytes. ``sync`` keeps storing the rest; interactive
commands end in bounded time with exit 5 and one sentence, never a traceback (the
harness fails any run whose stderr holds one)."""

from __future__ import annotations

import time

from hubdesk.sim import Fault
from tests.integration.cli.cli_harness import Cli


def one_sentence(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Internal error" not in lines[0], text
    return lines[0]


# ------------------------------------------------------------------ header numbers (item 2)


def test_a_nan_rate_limit_header_does_not_stop_the_login(cli: Cli) -> None:
    hostile = {"X-RateLimit-Limit": "nan", "X-RateLimit-Remaining": "inf"}
    cli.sim.state.add_fault(Fault("header", count=10, headers=hostile))
    cli.login()
    assert cli("senders").code == 0


def test_a_bad_header_on_the_refresh_answer_keeps_the_session(logged_in: Cli) -> None:
    """The refresh token is single use. A bad header on the refresh answer used to lose
    the rotated token: that command failed, and every later one said the session had
    expired."""
    sim = logged_in.sim
    before = logged_in.stored_refresh_token()
    sim.state.expire_tokens()
    sim.state.add_fault(
        Fault("header", path="/api/oauth/token", headers={"X-RateLimit-Limit": "1e400"})
    )
    assert logged_in("senders").code == 0
    rotated = logged_in.stored_refresh_token()
    assert rotated is not None and rotated != before
    sim.state.expire_tokens()
    after = logged_in("senders")
    assert after.code == 0, after
    assert logged_in.stored_refresh_token() not in (before, rotated)


def test_retry_after_1e400_is_no_traceback(logged_in: Cli) -> None:
    """inf used to reach round() in the sentence: "Internal error (OverflowError)". Now it
    is no number, and the fault's X-RateLimit-Reset (1 s ahead) is waited for instead."""
    logged_in.sim.state.add_fault(
        Fault("429", path="/api/sms/list", headers={"Retry-After": "1e400"})
    )
    run = logged_in("messages")
    assert run.code == 0, run
    assert "Rate limited by the server; waiting" in run.stderr


def test_a_wait_past_a_minute_fails_at_once_saying_when_to_retry(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(
        Fault("429", path="/api/sender-id/list", headers={"Retry-After": "61"})
    )
    started = time.monotonic()
    run = logged_in("senders")
    assert time.monotonic() - started < 20
    assert run.code == 5, run
    assert "try again in 61 seconds" in one_sentence(run.stderr)


def test_retry_after_a_billion_seconds_is_clamped_in_the_sentence(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(
        Fault("429", path="/api/sender-id/list", headers={"Retry-After": "1000000000"})
    )
    run = logged_in("senders")
    assert run.code == 5, run
    assert "try again in 86400 seconds" in one_sentence(run.stderr)


# ------------------------------------------------------------------ hostile texts (item 1)


def test_sync_stores_a_lone_surrogate_a_nul_and_every_later_message(logged_in: Cli) -> None:
    """A text holding half an emoji used to stop 'sync' with "Internal error
    (UnicodeEncodeError)" on every run, so no later message was ever stored."""
    state = logged_in.sim.state
    assert logged_in("sync", "--backfill-days", "0").code == 0
    number = "447400999888"
    ids = [state.inject_inbound(number, text) for text in ("\ud83d", "a\x00b", "after them")]
    run = logged_in("--json", "sync", "--backfill-days", "0")
    assert run.code == 0, run
    assert set(ids) <= set(run.json()["new_inbound"])
    thread = logged_in("--json", "thread", number)
    texts = [m["text"] for m in thread.json()["messages"]]
    assert texts == ["\ufffd", "a\u2400b", "after them"]
    later = state.inject_inbound(number, "and later still")
    again = logged_in("--json", "sync", "--backfill-days", "0")
    assert again.code == 0 and again.json()["new_inbound"] == [later]


# ------------------------------------------------------------------ deadline and size (item 3)


def test_messages_from_a_dribbling_server_ends_at_the_deadline(logged_in: Cli) -> None:
    """'{"status' and then one byte every half second: 'messages' used to wait for as
    long as the server liked."""
    logged_in.sim.state.add_fault(Fault("dribble", path="/api/sms/list", seconds=0.5))
    started = time.monotonic()
    run = logged_in("--timeout", "3", "messages")
    took = time.monotonic() - started
    assert run.code == 5, run
    assert 3 <= took < 15, took  # one attempt: a crawling answer is not retried
    assert one_sentence(run.stderr) == (
        "The server did not finish answering within 3 s while trying to list the messages; "
        "try again later."
    )
    assert len(logged_in.api_requests("/sms/list")) == 1


def test_a_400_mb_answer_is_not_read(logged_in: Cli) -> None:
    logged_in.sim.state.add_fault(Fault("huge", path="/api/sms/list", megabytes=400))
    started = time.monotonic()
    run = logged_in("messages")
    assert time.monotonic() - started < 20
    assert run.code == 5, run
    assert "answer was larger than 10 MB while trying to list the messages" in one_sentence(
        run.stderr
    )


def test_sync_fails_on_a_huge_answer_then_stores_everything_next_time(logged_in: Cli) -> None:
    state = logged_in.sim.state
    assert logged_in("sync", "--backfill-days", "0").code == 0
    new = state.inject_inbound("447400999777", "waiting behind a huge answer")
    state.add_fault(Fault("huge", path="/api/sms/list", megabytes=50))
    failed = logged_in("sync", "--backfill-days", "0")
    assert failed.code == 5, failed
    assert "larger than 10 MB" in failed.stderr.strip().splitlines()[-1]
    again = logged_in("--json", "sync", "--backfill-days", "0")
    assert again.code == 0 and again.json()["new_inbound"] == [new]


def test_timeout_option_is_checked(cli: Cli) -> None:
    for bad in ("0", "-1", "nan", "inf", "3601", "soon"):
        run = cli("--timeout", bad, "senders")
        assert run.code == 2, run
        assert "--timeout" in one_sentence(run.stderr)
    assert cli.requests() == []


# ------------------------------------------------------------------ the client's contract (item 4)


def test_a_host_that_is_not_a_valid_domain_name_is_bad_input(cli: Cli) -> None:
    """idna's InvalidCodepoint used to escape: "Internal error"."""
    run = cli("--base-url", "http://xn--localhost/api", "senders")
    assert run.code == 2, run
    assert "host name that is not a valid domain name" in one_sentence(run.stderr)


def test_plain_http_to_a_name_under_localhost_is_refused(cli: Cli) -> None:
    run = cli("--base-url", f"http://evil.localhost:{cli.sim.port}/api", "senders")
    assert run.code == 2, run
    assert "Refusing plain http:// to evil.localhost" in one_sentence(run.stderr)


def test_an_unreadable_message_does_not_stop_the_rest_of_its_page(logged_in: Cli) -> None:
    state = logged_in.sim.state
    assert logged_in("sync", "--backfill-days", "0").code == 0
    ids = [state.inject_inbound("447400999666", f"number {n}") for n in range(3)]
    state.add_fault(Fault("bad_item", path="/api/sms/list"))  # the newest one: ids[-1]
    run = logged_in("--json", "sync", "--backfill-days", "0")
    assert run.code == 0, run
    assert run.json()["new_inbound"] == ids[:2]
    state.add_fault(Fault("bad_item", path="/api/sms/list"))
    listed = logged_in("messages")
    assert listed.code == 0, listed
    assert "1 message(s) the server sent could not be read and are not shown" in listed.stderr
    again = logged_in("--json", "sync", "--backfill-days", "0")  # no fault: it arrives now
    assert again.code == 0 and again.json()["new_inbound"] == ids[2:]
