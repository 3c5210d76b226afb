"""The template popup in the real ``hubdesk`` window, typed through real key events.

A template "Table ready" (``Hi {first_name|there}, your table is ready.``) is saved with
``hubdesk-cli templates add``; Alice's conversation is opened from her notification (as
in ``test_app_e2e``). With the window focused, XTEST key events: Ctrl+T opens the popup,
"tab" filters it to the template, Return inserts it into the message box, Return sends.
The one ``POST /sms/send`` carries the template with Alice's first name filled in, the
proof that the popup, the insertion and the placeholders worked in the real desktop.
Then New message (Ctrl+N, a modal dialog): the number typed, Ctrl+T, "late", Return
starts the message from that template, Return adds the number, Return writes, Return
sends: the second send carries the template to Alice.
"""

from __future__ import annotations

import time

import pytest

from tests.desktop.test_app_e2e import ALICE, Story, open_from_notification, story, wait_until

__all__ = ["story"]

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

TEMPLATE = "Hi {first_name|there}, your table is ready."


def test_ctrl_t_filter_and_return_insert_a_template_that_sends_filled(
    story: Story, request: pytest.FixtureRequest
) -> None:
    try:
        added = story.cli("templates", "add", "Table ready", TEMPLATE)
        assert added.returncode == 0, added
        assert story.cli("templates", "add", "Late", "Running late, sorry!").returncode == 0
        window = open_from_notification(story)
        story.xdotool("windowfocus", "--sync", window)
        wait_until(lambda: story.focused_window() == window, 5, "X input focus on the window")
        time.sleep(0.5)  # the conversation and its sender IDs load after the click
        story.xdotool("key", "ctrl+t")
        time.sleep(0.5)  # the popup maps and grabs the keyboard
        story.xdotool("type", "--delay", "20", "tab")
        story.xdotool("key", "Return")  # inserts the template
        time.sleep(0.3)
        assert story.requests("POST", "/sms/send") == [], "Return in the popup sent"
        story.xdotool("key", "Return")  # sends the message
        wait_until(lambda: story.requests("POST", "/sms/send"), 10, "the message to be sent")
        time.sleep(1.0)  # a duplicate would show up here
        assert len(story.requests("POST", "/sms/send")) == 1
        sent = [m for m in story.sim.state.messages() if m["destination"] == ALICE]
        assert [m["text"] for m in sent] == ["Hi Alice, your table is ready."]

        # New message is modal: its popup must still take the keys
        story.xdotool("key", "ctrl+n")
        time.sleep(0.5)
        story.xdotool("type", "--delay", "20", "07912 345678")
        story.xdotool("key", "ctrl+t")
        time.sleep(0.5)
        story.xdotool("type", "--delay", "20", "late")
        story.xdotool("key", "Return")  # the template starts the message
        time.sleep(0.3)
        story.xdotool("key", "Return")  # adds the number typed
        time.sleep(0.3)
        story.xdotool("key", "Return")  # Write message: Alice's conversation, text in
        time.sleep(1.0)
        story.xdotool("key", "Return")  # sends it
        wait_until(lambda: len(story.requests("POST", "/sms/send")) == 2, 10, "the second message")
        sent = [m for m in story.sim.state.messages() if m["destination"] == ALICE]
        assert [m["text"] for m in sent][-1] == "Running late, sorry!"
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise
