"""Sender IDs without friction, in the wired window against the simulator (two approved
sender IDs): the first sign-in asks once for the default (skippable, remembered); a
conversation uses the ID last used with that person, else the default; an ``sms:`` link
never opens with an error (no default: a neutral prompt to choose)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from hubdesk.core.messenger import CHOOSE_SENDER
from hubdesk.ui.qt.theme import colors_for
from hubdesk.ui.senders.default_prompt import PROMPT_TITLE, DefaultSenderPrompt
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

MAIN, OTHER = "447520602706", "13234710258"
NEW = "447400765432"  # nobody HubDesk has texted
KNOWN = "447400123456"


async def _prompt(d: Driver) -> DefaultSenderPrompt:
    await signed_in(d)
    await d.until(lambda: d.controller.senders.prompt is not None, what="the question")
    prompt = d.controller.senders.prompt
    assert isinstance(prompt, DefaultSenderPrompt) and prompt.isVisible()
    return prompt


async def _link(d: Driver, number: str) -> None:
    d.intents.open_uri(f"sms:+{number}?body=Hello")
    await d.until(lambda: d.page.header.partner() == number, what="the link's compose")
    await d.until(lambda: d.page.compose.text() == "Hello", what="its text")
    await d.until(lambda: d.page.compose.sender_combo.count() > 0, what="sender ids")


def _notice_is_error(d: Driver) -> bool:
    notice = d.page.compose.notice
    colour = notice.palette().color(QPalette.ColorRole.WindowText)
    return bool(colour == colors_for(d.page.compose.palette()).failed)


@in_loop
async def test_the_first_sign_in_asks_once_and_new_conversations_use_the_answer(
    driver: Driver,
) -> None:
    d = driver
    prompt = await _prompt(d)
    assert prompt.windowTitle() == PROMPT_TITLE
    offered = [prompt.combo.itemData(i) for i in range(prompt.combo.count())]
    assert sorted(offered) == sorted([MAIN, OTHER])
    assert not prompt.isModal()  # the window stays usable
    prompt.combo.setCurrentIndex(offered.index(OTHER))
    prompt.use_button.click()
    await d.until(
        lambda: d.runtime.settings.current.default_sender_id == OTHER, what="the default saved"
    )
    assert d.controller.senders.prompt is None
    # a plain sentence (it read "... Settings changes it.")
    assert d.window.toast.text() == (
        f"New conversations send from {OTHER}. You can change this in Settings."
    )
    messenger = d.runtime.messenger
    assert messenger is not None and not await messenger.default_prompt_due()
    assert (await d.runtime.settings.load()).default_sender_id == OTHER  # stored

    # An sms: link to someone new: the default, no error.
    await _link(d, NEW)
    await d.until(lambda: d.page.compose.sender_id() == OTHER, what="the default")
    assert not d.page.compose.notice.isVisible() or not _notice_is_error(d)

    # The ID last used with a person wins over the default.
    await messenger.send(KNOWN, "From the main line", MAIN)
    await d.controller.open_conversation(KNOWN)
    await d.until(lambda: d.page.compose.sender_id() == MAIN, what="the last one used")

    # A new sign-in does not ask again.
    assert await d.controller.senders.ask_default_if_due() is None


@in_loop
async def test_skipping_is_remembered_and_a_link_shows_a_neutral_chooser(driver: Driver) -> None:
    d = driver
    prompt = await _prompt(d)
    prompt.skip_button.click()
    messenger = d.runtime.messenger
    assert messenger is not None
    await d.until(lambda: d.controller.senders.prompt is None, what="closed")

    async def skip_stored() -> bool:  # by a slot: wait for it
        return not await messenger.default_prompt_due()

    await d.eventually(skip_stored, what="the skip stored")
    assert d.runtime.settings.current.default_sender_id is None
    assert await d.controller.senders.ask_default_if_due() is None  # never asked again

    await _link(d, NEW)
    compose = d.page.compose
    assert compose.sender_id() is None  # several approved, no default: the user picks
    await d.until(lambda: compose.notice.text() == CHOOSE_SENDER, what="the chooser prompt")
    assert not _notice_is_error(d)  # a neutral prompt, not a red error
    assert "Settings" in compose.notice.text()
    assert compose.sender_combo.placeholderText()
    compose.select_sender(MAIN)
    await d.until(lambda: not compose.notice.isVisible(), what="nothing left to choose")
