"""A ``tel:`` link from another program while the user types, in the real desktop.

The real ``hubdesk`` is running with Alice's conversation open (opened from her
notification, as in ``test_app_e2e``) and the user is typing a reply. Another program
runs ``hubdesk tel:09065551234``: the second start hands the link over to the running
one (single instance), which opens the call confirmation in front of the typing. Return
pressed at once, and again once the buttons are awake, must never place the call: no
dial request reaches the simulator.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.desktop.test_app_e2e import BIN, Story, open_from_notification, story, wait_until

__all__ = ["story"]

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

PREMIUM = "09065551234"


def dialog_windows(s: Story) -> list[str]:
    run = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Place a call$"],
        capture_output=True,
        text=True,
        env=s.env,
        timeout=10,
    )
    return run.stdout.split()


def test_return_after_a_tel_link_hand_over_never_dials(
    story: Story, request: pytest.FixtureRequest
) -> None:
    try:
        window = open_from_notification(story)
        story.xdotool("windowfocus", "--sync", window)
        wait_until(lambda: story.focused_window() == window, 5, "X input focus on the window")
        time.sleep(0.5)  # the conversation loads after the click
        story.xdotool("type", "--delay", "5", "See you at eight")

        handed = subprocess.run(
            [str(BIN / "hubdesk"), f"tel:{PREMIUM}"],
            capture_output=True,
            env=story.env,
            timeout=30,
        )
        assert handed.returncode == 0, handed
        (dialog,) = wait_until(lambda: dialog_windows(story), 10, "the call confirmation")
        # The worst case: the confirmation has the keyboard, and Return is already on
        # its way (typed for the reply).
        story.xdotool("windowfocus", "--sync", dialog)
        story.xdotool("key", "Return")
        time.sleep(1.5)  # the buttons are awake now; Cancel is the default
        assert dialog_windows(story) == [dialog], "the first Return answered the dialog"
        story.xdotool("windowfocus", "--sync", dialog)
        story.xdotool("key", "Return")
        wait_until(lambda: not dialog_windows(story), 5, "Return to cancel")
        time.sleep(1.0)  # a dial request would have reached the simulator by now
        assert story.requests("POST", "/click-to-dial/dial") == []
        assert story.sim.state.stats().get("dials", 0) == 0
        story.assert_running()
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise
