"""The status bar's connection label: any wait a server names is shown sanely."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from hubdesk.ui.shell.statusbar import Connection, SyncStatusBar
from tests.unit.ui.pagekit import shown_tooltip


@pytest.mark.parametrize(
    "retry_after,suffix",
    [
        (30.0, " — retrying in 30 s"),
        (0.2, " — retrying in 1 s"),
        (600.0, " — retrying in 10 min"),
        (1e9, " — retrying in 60 min"),
        (float("inf"), ""),
        (float("nan"), ""),
        (-5.0, ""),
        (None, ""),
    ],
)
def test_the_retry_is_an_hour_at_most_and_never_a_crash(
    qtbot: QtBot, retry_after: float | None, suffix: str
) -> None:
    bar = SyncStatusBar()
    qtbot.addWidget(bar)
    bar.set_connection(Connection.RATE_LIMITED, "Too Many Attempts.", retry_after)
    assert bar.state_label.text() == "Rate limited by the server" + suffix


def test_an_internal_problem_is_shown_as_one_with_its_sentence(qtbot: QtBot) -> None:
    bar = SyncStatusBar()
    qtbot.addWidget(bar)
    sentence = "Receiving new messages failed on an internal error (OperationalError)."
    bar.set_connection(Connection.ERROR, sentence, 15)
    assert bar.state_label.text() == "Sync problem — retrying in 15 s"
    assert shown_tooltip(bar.state_label.toolTip()) == sentence
    assert bar.connection is Connection("error")


def test_a_new_bar_says_connecting(qtbot: QtBot) -> None:
    bar = SyncStatusBar()
    qtbot.addWidget(bar)
    assert bar.connection is Connection.CONNECTING
    assert bar.state_label.text() == "Connecting…"


@pytest.mark.parametrize("state", [Connection.OFFLINE, Connection.SESSION_EXPIRED])
def test_the_first_toast_leaves_the_connection_state_alone(qtbot: QtBot, state: Connection) -> None:
    """The first toast (built on first use) reset the state to "Connecting…": offline,
    "Session expired" gave way to "Connecting…" until the next poll said otherwise, and
    Send now in Scheduled messages no longer knew it was offline."""
    from hubdesk.ui.shell.toast import Toast

    bar = SyncStatusBar()
    qtbot.addWidget(bar)
    bar.set_connection(state)
    shown = bar.state_label.text()
    Toast(bar).show_message("Exported 3 messages to conversation.csv.")
    assert bar.connection is state
    assert bar.state_label.text() == shown != "Connecting…"
