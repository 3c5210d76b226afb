"""The new commands' parsing, and the database file shared with the GUI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hubdesk.cli.app import build_parser, main
from hubdesk.cli.context import Context, Options
from hubdesk.cli.output import Output
from hubdesk.store.profile import DATABASE_FILE, database_path


def test_the_cli_opens_the_profile_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The GUI opens database_path(home) too (hubdesk/app/shell.py): one file per profile.
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    out = Output(json_mode=False, verbose=False, stdout=io.StringIO(), stderr=io.StringIO())
    ctx = Context(Options(None, False, False, False), out, io.StringIO())
    assert ctx.db_path == database_path(tmp_path) == tmp_path / DATABASE_FILE


def test_new_commands_parse() -> None:
    parser = build_parser()
    args = parser.parse_args(["sync", "--backfill-days", "7"])
    assert (args.command, args.backfill_days, args.full) == ("sync", "7", False)
    assert parser.parse_args(["sync", "--full"]).full is True
    assert parser.parse_args(["conversations", "--unread"]).unread is True
    args = parser.parse_args(["thread", "07400123456", "--limit", "5"])
    assert (args.number, args.limit) == ("07400123456", "5")
    assert parser.parse_args(["search", "two words"]).query == "two words"
    assert parser.parse_args(["outbox", "--flush"]).flush is True
    assert parser.parse_args(["outbox"]).flush is False
    args = parser.parse_args(["contacts", "add", "Alice Smith", "07400123456"])
    assert (args.contacts_command, args.name, args.number) == ("add", "Alice Smith", "07400123456")
    assert parser.parse_args(["contacts", "export", "a.vcf"]).file == "a.vcf"
    assert parser.parse_args(["optouts"]).command == "optouts"
    send = parser.parse_args(["send", "--override-optout", "--from", "X", "--to", "1", "t"])
    assert send.override_optout is True
    bulk = parser.parse_args(["bulk-send", "--from", "X", "--to", "1", "t"])
    assert bulk.override_optout is False


@pytest.mark.parametrize(
    "argv",
    [
        ["whoami", "--json"],  # issue 14's contract: was "unrecognized arguments: --json"
        ["conversations", "--unread", "--json"],
        ["search", "invoice", "--json"],
        ["senders", "--json"],
        ["contacts", "list", "--json"],
        ["templates", "list", "--json"],
        ["outbox", "--json"],
        ["outbox", "cancel", "3", "--json"],
    ],
)
def test_json_may_follow_any_command(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).json is True
    assert build_parser().parse_args(argv[:-1]).json is False


@pytest.mark.parametrize(
    "argv",
    [
        ["sync", "--full", "--backfill-days", "3"],
        ["contacts"],
        ["contacts", "add", "OnlyName"],
        ["thread"],
        ["search"],
    ],
)
def test_bad_usage_is_exit_2(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 2
    assert err.getvalue().count("\n") == 1 and out.getvalue() == ""
    assert main(["--json", *argv], stdout=out, stderr=io.StringIO()) == 2
    assert json.loads(out.getvalue())["error"]["message"] == err.getvalue().strip()
