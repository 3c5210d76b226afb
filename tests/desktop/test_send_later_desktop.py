"""Send later in the real ``hubdesk`` window, in the headless desktop: Alt+L on the
compose pane opens the Send later menu; "In 1 hour" commits a ``scheduled`` outbox row
(``hubdesk-cli outbox --json`` lists it with its UTC time) and nothing is sent."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.sim import SimServer
from tests.desktop.test_app_e2e import ALICE, Story, open_from_notification, wait_until
from tests.fixtures_desktop import Desktop
from tests.missing import require_tool

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

TEXT = "Reminder: your appointment is at 3pm"


@pytest.fixture(name="story")
def _story(desktop_session: Desktop, sim_server: SimServer, tmp_path: Path) -> Iterator[Story]:
    require_tool("xdotool", "Debian: xdotool")
    desktop_session.close_all_notifications()
    made = Story(desktop_session, sim_server, tmp_path)
    try:
        yield made
    finally:
        made.kill_app()
        made.cli("logout")


def scheduled_rows(story: Story) -> list[dict[str, object]]:
    run = story.cli("outbox", "--json")
    assert run.returncode == 0, run
    data = json.loads(run.stdout)
    items = data["outbox"]
    return [i for i in items if i["state"] == "scheduled" and i["text"] == TEXT]


def test_send_later_in_one_hour_from_the_window(
    story: Story, request: pytest.FixtureRequest
) -> None:
    try:
        window = open_from_notification(story)
        story.xdotool("windowfocus", "--sync", window)
        wait_until(lambda: story.focused_window() == window, 5, "X input focus on the window")
        time.sleep(0.5)  # the conversation and its sender IDs load after the click
        story.xdotool("type", "--delay", "5", TEXT)
        chosen = datetime.now(UTC)
        story.xdotool("key", "alt+l")  # the Send later menu
        time.sleep(0.5)
        story.xdotool("key", "Down", "Return")  # "In 1 hour"
        rows = wait_until(lambda: scheduled_rows(story), 10, "the scheduled row")
        assert len(rows) == 1
        (row,) = rows
        assert row["destinations"] == [ALICE]
        when = datetime.fromisoformat(str(row["not_before"]).replace("Z", "+00:00"))
        expected = chosen + timedelta(hours=1)
        assert abs((when - expected).total_seconds()) < 90, (when, expected)
        time.sleep(1.0)
        assert story.requests("POST", "/sms/send") == []  # committed, not sent
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise
