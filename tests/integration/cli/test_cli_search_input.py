"""``hubdesk-cli search`` with text SQLite's FTS5 cannot take as it is.

A NUL cannot reach a real process through argv, so that case runs the CLI's ``main``
in this process (on a real profile database); bytes that are not UTF-8 go through a
real ``hubdesk-cli`` process.
"""

from __future__ import annotations

import io

import pytest

from hubdesk.cli.app import main
from tests.integration.cli.cli_harness import Cli


def _with_a_message(cli: Cli) -> None:
    cli.sim.state.inject_inbound("447400111222", "Table for two at 8?")
    assert cli("sync", "--backfill-days", "0").code == 0


@pytest.mark.parametrize("query", ["table\x00two", "\x00", "table\x1b"])
def test_a_query_with_a_control_character_is_bad_input(
    logged_in: Cli, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    _with_a_message(logged_in)
    monkeypatch.setenv("HUBDESK_HOME", str(logged_in.home))
    out, err = io.StringIO(), io.StringIO()
    code = main(["search", query], stdout=out, stderr=err)
    assert code == 2, err.getvalue()
    assert err.getvalue().startswith("QUERY contains a control character (U+00"), err.getvalue()
    assert "Internal error" not in err.getvalue() and out.getvalue() == ""


def test_a_query_that_is_not_utf8_is_bad_input(logged_in: Cli) -> None:
    _with_a_message(logged_in)
    run = logged_in("search", "table\udcff")  # sent as the byte 0xFF
    assert run.code == 2, run
    assert run.stderr == "QUERY is not valid UTF-8; type it as UTF-8 text.\n"
    fine = logged_in("--json", "search", "table two")
    assert [h["text"] for h in fine.json()["hits"]] == ["Table for two at 8?"]
