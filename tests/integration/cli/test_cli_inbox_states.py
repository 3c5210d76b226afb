"""Inbox states from the command line: Done until they write again, the All / Unread /
Done views, pinned on top, calls in the thread, search that shows the hit, one date
vocabulary. The real CLI, the simulator over loopback, the profile's real SQLite."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hubdesk.store.database import Database
from tests.integration.cli.cli_harness import UNREACHABLE, Cli

ANN, BEN, CAT = "447400111222", "447400333444", "447400555666"
OFFLINE = ("--base-url", UNREACHABLE)


def _synced(cli: Cli) -> None:
    state = cli.sim.state
    state.inject_inbound(ANN, "Table for two at 8?")
    state.inject_inbound(BEN, "Is the invoice for the boiler ready?")
    state.inject_inbound(CAT, "Thanks, see you then")
    assert cli("sync", "--backfill-days", "0").code == 0


def _partners(cli: Cli, *view: str) -> list[str]:
    run = cli(*OFFLINE, "--json", "conversations", *view)
    assert run.code == 0, run
    return [c["partner"] for c in run.json()["conversations"]]


def test_done_leaves_the_inbox_until_they_write_again(logged_in: Cli) -> None:
    _synced(logged_in)
    assert {ANN, BEN, CAT} <= set(_partners(logged_in))
    done = logged_in(*OFFLINE, "done", "07400 333444")
    assert done.code == 0, done
    assert "out of the inbox until they write again" in done.stdout
    assert BEN not in _partners(logged_in)
    assert _partners(logged_in, "--done") == [BEN]
    assert set(_partners(logged_in, "--all")) == set(_partners(logged_in)) | {BEN}
    assert BEN in _partners(logged_in, "--unread")  # Done hides nothing unread
    human = logged_in(*OFFLINE, "conversations", "--done").stdout
    assert "done" in human.splitlines()[1]
    # They write again: back in the inbox.
    logged_in.sim.state.inject_inbound(BEN, "Any news?")
    assert logged_in("sync", "--backfill-days", "0").code == 0
    assert BEN in _partners(logged_in) and _partners(logged_in, "--done") == []
    # undone, and the sentences for nothing to do.
    assert logged_in(*OFFLINE, "done", CAT).code == 0
    undone = logged_in(*OFFLINE, "--json", "undone", CAT)
    assert undone.json() == {"partner": CAT, "changed": True, "done": False, "pinned": False}
    assert "was not marked Done" in logged_in(*OFFLINE, "undone", CAT).stdout
    missing = logged_in(*OFFLINE, "done", "07400 999999")
    assert missing.code == 2 and "no conversation with 07400 999999" in missing.stderr.lower()
    assert logged_in(*OFFLINE, "conversations", "--done", "--all").code == 2  # one view


def test_pinned_conversations_are_listed_first(logged_in: Cli) -> None:
    _synced(logged_in)
    newest_first = _partners(logged_in)
    oldest = newest_first[-1]
    pin = logged_in(*OFFLINE, "pin", oldest)
    assert pin.code == 0 and "listed first" in pin.stdout
    assert _partners(logged_in)[0] == oldest
    rows = logged_in(*OFFLINE, "--json", "conversations").json()["conversations"]
    assert rows[0]["pinned"] is True and not any(r["pinned"] for r in rows[1:])
    assert "was pinned already" in logged_in(*OFFLINE, "pin", oldest).stdout
    assert logged_in(*OFFLINE, "unpin", oldest).code == 0
    assert _partners(logged_in) == newest_first
    # A typo: was exit 0 "Pinned the conversation with 07400 999999: it is listed
    # first." with nothing listed (as 'done' already says, there is no such conversation).
    missing = logged_in(*OFFLINE, "pin", "07400 999999")
    assert missing.code == 2 and "no conversation with 07400 999999" in missing.stderr.lower()
    assert "447400999999" not in _partners(logged_in, "--all")


def test_search_shows_the_hit_marked(logged_in: Cli) -> None:
    _synced(logged_in)
    run = logged_in(*OFFLINE, "search", "invoice boiler")
    assert run.code == 0, run
    assert "Is the [invoice] for the [boiler] ready?" in run.stdout
    assert "Today" in run.stdout  # when, in the one date vocabulary
    (hit,) = logged_in(*OFFLINE, "--json", "search", "invoice boiler").json()["hits"]
    snippet = hit["snippet"]
    assert [snippet[s:e] for s, e in hit["snippet_ranges"]] == ["invoice", "boiler"]
    assert [hit["text"][s:e] for s, e in hit["match_ranges"]] == ["invoice", "boiler"]
    assert hit["partner"] == BEN and hit["direction"] == "received" and hit["time"]


def test_the_thread_shows_calls_and_days_in_words(logged_in: Cli) -> None:
    _synced(logged_in)
    now = datetime.now(UTC)
    with Database.open(logged_in.home / "hubdesk.sqlite3") as db:  # as the window's dialer
        db.calls.add(ANN, True, "Calling 07400 111222", time=now - timedelta(minutes=1))
        db.calls.add(ANN, False, "The line was busy", time=now - timedelta(days=1))
    run = logged_in(*OFFLINE, "thread", ANN)
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert "— Yesterday —" in lines and "— Today —" in lines
    assert lines.index("— Yesterday —") < lines.index("— Today —")
    assert any("you called · call failed" in line for line in lines)
    assert any("you called · call" in line for line in lines)
    messages = logged_in(*OFFLINE, "--json", "thread", ANN).json()["messages"]
    calls = [m for m in messages if m["kind"] == "call"]
    assert [c["call_ok"] for c in calls] == [False, True]  # oldest first
    conv = logged_in(*OFFLINE, "conversations").stdout
    assert re.search(r"^07400 111222\s+\d\d:\d\d\s", conv, re.MULTILINE), conv  # today: a time
