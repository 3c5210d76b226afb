"""sync, then conversations / thread / search / optouts from the local store, offline."""

from __future__ import annotations

from tests.integration.cli.cli_harness import UNREACHABLE, Cli

NO_DATA = "no local data yet — run `hubdesk-cli sync`"
READERS: list[tuple[str, ...]] = [
    ("conversations",),
    ("conversations", "--unread"),
    ("thread", "07400111222"),
    ("search", "table"),
    ("optouts",),
    ("outbox",),
]


def test_reading_commands_before_any_sync_say_so_without_network_or_login(cli: Cli) -> None:
    for args in READERS:
        run = cli("--base-url", UNREACHABLE, *args)
        assert run.code == 0, run
        assert NO_DATA in run.stdout.lower(), run
        data = cli("--json", *args).json()
        assert data["local_data"] is False
    assert not (cli.home / "hubdesk.sqlite3").exists()  # not created just to say so
    assert cli.requests() == []


def test_sync_then_read_offline(logged_in: Cli) -> None:
    state = logged_in.sim.state
    state.inject_inbound("447400111222", "Table for two at 8?", time="2030-06-01 18:00:00")
    state.inject_inbound("447400111222", "Actually make it three", time="2030-06-01 18:05:00")
    run = logged_in("--json", "sync")
    assert run.code == 0, run
    data = run.json()
    assert isinstance(data["new"], int) and data["new"] >= 2
    assert data["high_water"].endswith("Z") and data["messages_stored"] >= 2
    assert isinstance(data["backfill"]["fetched"], int) and data["backfill"]["depth_days"] == 30
    assert "pulled" in run.stderr  # progress on stderr, the summary alone on stdout
    logged_in.sim.state.clear_requests()

    offline = ("--base-url", UNREACHABLE)
    env = {"TZ": "Europe/London"}
    conv = logged_in(*offline, "conversations", env=env)
    assert conv.code == 0, conv
    first = conv.stdout.splitlines()[1]
    assert "07400 111222" in first and "1 Jun 2030" in first  # national; one date vocabulary
    assert "Actually make it three" in first
    unread = logged_in(*offline, "--json", "conversations", "--unread").json()
    row = next(c for c in unread["conversations"] if c["partner"] == "447400111222")
    assert row["unread"] == 2 and row["last_time"] == "2030-06-01T18:05:00Z"

    thread = logged_in(*offline, "thread", "+44 7400 111222", env=env)
    assert thread.code == 0, thread
    lines = thread.stdout
    assert lines.index("Table for two at 8?") < lines.index("Actually make it three")
    assert "— 1 June 2030 —" in lines and "[19:00] them" in lines  # local time (BST)
    one = logged_in(*offline, "--json", "thread", "07400111222", "--limit", "1").json()
    assert [m["text"] for m in one["messages"]] == ["Actually make it three"]
    assert one["has_more"] is True and one["partner"] == "447400111222"
    assert one["messages"][0]["direction"] == "received"

    found = logged_in(*offline, "--json", "search", "table").json()
    assert any(h["partner"] == "447400111222" and "Table" in h["text"] for h in found["hits"])
    human = logged_in(*offline, "search", "table")
    assert "07400 111222" in human.stdout
    nothing = logged_in(*offline, "search", "zzzqqq")
    assert nothing.code == 0 and "Nothing found" in nothing.stdout
    optouts = logged_in(*offline, "optouts")
    assert optouts.code == 0 and "No number has opted out" in optouts.stdout
    assert logged_in.requests() == []  # every reading command stayed local


def test_a_second_sync_pulls_only_what_is_new(logged_in: Cli) -> None:
    assert logged_in("sync").code == 0
    logged_in.sim.state.clear_requests()
    again = logged_in("--json", "sync")
    assert again.code == 0, again
    assert again.json()["new"] == 0
    assert "already complete" in logged_in("sync").stdout
    logged_in.sim.state.inject_inbound("447400333444", "New one")
    run = logged_in("sync", "--backfill-days", "0")
    assert run.code == 0, run
    assert "Pulled 1 new message(s)" in run.stdout and "Backfill skipped" in run.stdout
    assert "pulled 1 new" in run.stderr


def test_full_sync_fetches_the_whole_history_with_progress(logged_in: Cli) -> None:
    run = logged_in("--json", "sync", "--full")
    assert run.code == 0, run
    data = run.json()
    assert data["backfill"]["depth_days"] is None and data["backfill"]["finished"] is True
    total = len(logged_in.sim.state.messages())
    assert data["messages_stored"] == total
    last = run.stderr.strip().splitlines()[-1]
    fetched = data["backfill"]["fetched"]
    assert last == f"pulled 10 new · backfill {fetched}/{data['backfill']['total']}", run.stderr


def test_sync_and_reader_input_errors_are_exit_2_without_requests(logged_in: Cli) -> None:
    for args, word in [
        (("sync", "--backfill-days", "many"), "--backfill-days"),
        (("sync", "--backfill-days", "-1"), "--backfill-days"),
        (("sync", "--full", "--backfill-days", "3"), "not allowed with"),
        (("thread", "not a number!"), "NUMBER"),
        (("thread", "07400111222", "--limit", "0"), "--limit"),
        (("search", "  "), "QUERY"),
    ]:
        run = logged_in(*args)
        assert run.code == 2, run
        assert word in run.stderr
    assert logged_in.requests() == []


def test_sync_needs_a_session(cli: Cli) -> None:
    run = cli("sync")
    assert run.code == 3, run
    assert "login" in run.stderr
