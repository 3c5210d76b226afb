"""Text from outside is never rich text: ``ui.plaintext`` and a walk over every widget of
the running app after hostile names, sender ids, messages, server sentences and links
went through it.

What the user sees is checked the way Qt decides it: a label with ``AutoText`` and a
tooltip are rendered as rich text when ``Qt.mightBeRichText`` says so, by the same
engine as ``QTextDocument`` (``pagekit.shown_tooltip``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QWidget

from hubdesk.domain import CallRecord
from hubdesk.ui.qt.plaintext import message_box, tooltip
from hubdesk.ui.shell.statusbar import Connection
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in
from tests.unit.ui.pagekit import shown_tooltip

__all__ = ["shell_driver"]

BOLD = "<b>x</b>"
IMAGE = "<img src=http://127.0.0.1:1/x>"
LINK = '<a href="tel:0900">call</a>'
ENTITY = "&amp;"
HOSTILE = [BOLD, IMAGE, LINK, ENTITY, f"{BOLD} & {IMAGE}\n{LINK} {ENTITY}"]
NAME = f"Mallory {BOLD} {LINK} {ENTITY}"
SENTENCE = f"The server said {IMAGE} {LINK} {ENTITY}"


@pytest.mark.parametrize("text", [*HOSTILE, "a\n  b\tc", "  ", "<", "plain"])
def test_a_tooltip_shows_its_text_literally(text: str) -> None:
    assert shown_tooltip(tooltip(text)) == text


def test_no_text_no_tooltip() -> None:
    assert tooltip("") == ""


@pytest.mark.parametrize("text", HOSTILE)
def test_a_message_box_shows_its_text_literally(qapp: QApplication, text: str) -> None:
    box = message_box(QMessageBox.Icon.Warning, "Title", text)
    box.setInformativeText(text)
    labels = [lb for lb in box.findChildren(QLabel) if lb.text()]
    assert len(labels) == 2
    assert all(lb.textFormat() == Qt.TextFormat.PlainText for lb in labels)
    box.deleteLater()


# --- the walk --------------------------------------------------------------------------


def _renders_markup(text: str, fmt: Qt.TextFormat) -> bool:
    """Whether Qt would take ``text`` as rich text in a place with this format."""
    if fmt == Qt.TextFormat.PlainText:
        return False
    return fmt == Qt.TextFormat.RichText or bool(GuiQt.mightBeRichText(text))


def _tooltip_problems(where: str, tip: str) -> list[str]:
    """A rich tooltip must be one ``tooltip()`` made: escaped text in our wrapper."""
    if not tip or not GuiQt.mightBeRichText(tip):
        return []
    shown = shown_tooltip(tip)
    if tip == tooltip(shown):
        return []
    return [f"{where}: tooltip {tip!r} renders as {shown!r}"]


def _model_problems(where: str, model: QAbstractItemModel) -> list[str]:
    problems: list[str] = []
    for row in range(min(model.rowCount(QModelIndex()), 200)):
        column = 0
        while model.hasIndex(row, column):  # list models keep columnCount private
            index = model.index(row, column, QModelIndex())
            column += 1
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                problems += _tooltip_problems(f"{where}[{row},{column}]", tip)
    return problems


def markup_problems() -> list[str]:
    """Every place of every widget (and action, and item model) that would render text
    as rich text without it being escaped text."""
    problems: list[str] = []
    for widget in QApplication.allWidgets():
        where = f"{type(widget).__name__}({widget.objectName() or widget.accessibleName()})"
        problems += _tooltip_problems(where, widget.toolTip())
        if isinstance(widget, QLabel) and _renders_markup(widget.text(), widget.textFormat()):
            problems.append(f"{where}: label {widget.text()!r} is rich text")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            problems += _model_problems(where, widget.model())
        for action in widget.findChildren(QAction):
            problems += _tooltip_problems(f"{where} action {action.text()!r}", action.toolTip())
    return problems


def visible_texts() -> list[str]:
    """What the user reads: label texts and rendered tooltips, of widgets and models."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        texts.append(shown_tooltip(widget.toolTip()))
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(min(model.rowCount(QModelIndex()), 200)):
                tip = model.index(row, 0, QModelIndex()).data(Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str):
                    texts.append(shown_tooltip(tip))
    return texts


async def _fill_with_hostile_text(driver: Driver) -> None:
    """Hostile text through every way in: contacts, inbound messages, a sender id as the
    partner, server sentences (status bar, toasts, call log), links."""
    w, controller = driver.window, driver.controller
    contacts = driver.intents.contacts
    await contacts.add(NAME, "07400 123456", notes=SENTENCE, groups=["<i>group</i>"])
    await contacts.add(f"Pay to \u202etxt.exe {BOLD} " + "long " * 40, "07400 123457")
    driver.sim.inject_inbound("447400123456", f"{BOLD} {IMAGE}")
    driver.sim.inject_inbound("447400123457", LINK)
    await driver.poll()
    await driver.until(
        lambda: w.messages_page.conversation_model.rowCount() >= 3, what="conversations"
    )
    # A partner that is a sender id as a hostile server could name it (the simulator
    # only sends alphanumeric ones): shown as the header's number.
    for partner in ("447400123456", "<b>BANK</b>", "447400123457"):
        await controller.open_conversation(partner)
        await driver.until(lambda p=partner: w.messages_page.header.partner() == p, what=partner)  # type: ignore[misc]
        if partner == "<b>BANK</b>":
            assert w.messages_page.header.name_label.text() == partner
            assert markup_problems() == []
    w.resize(420, 600)  # the long name is elided in the header: its tooltip is the name
    w.show()
    controller.set_connection(Connection.OFFLINE, detail=SENTENCE)
    w.show_toast(SENTENCE, error=True)
    w.calls_page.set_records(
        [CallRecord(1, "447400123456", datetime(2026, 3, 1, tzinfo=UTC), False, SENTENCE)]
    )
    w.calls_page.show_status(SENTENCE, error=True)
    driver.intents.open_uri("tel:07400123456;phone-context=%3Cb%3Ex%3C%2Fb%3E")
    driver.intents.open_uri(f"sms:{LINK}")
    dialog = driver.intents.confirm_dial("447400123456")
    await driver.until(lambda: NAME.split()[0] in dialog.question.text(), what="dial name")


@in_loop
async def test_no_widget_renders_outside_text_as_markup(driver: Driver) -> None:
    await signed_in(driver)
    await _fill_with_hostile_text(driver)
    boxes = [b for b in driver.window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 2, "both bad links were explained"
    assert markup_problems() == []
    texts = "\n".join(visible_texts())
    # The literal characters reach the user where the hostile strings are shown.
    for literal in (SENTENCE, "Mallory <b>x</b>", "%3Cb%3Ex%3C%2Fb%3E", "⟨U+202E⟩txt.exe <b>x</b>"):
        assert literal in texts, literal
    assert "\u202e" not in texts


@in_loop
async def test_the_walk_finds_a_rich_tooltip_and_an_auto_label(driver: Driver) -> None:
    """The walker itself can fail: raw markup in a tooltip or an AutoText label."""
    holder = QWidget()
    holder.setToolTip(NAME)
    label = QLabel(SENTENCE, holder)
    label.setTextFormat(Qt.TextFormat.AutoText)
    try:
        problems = markup_problems()
        assert any("tooltip" in p and "Mallory" in p for p in problems)
        assert any("label" in p and "The server said" in p for p in problems)
    finally:
        holder.deleteLater()


def test_a_huge_tooltip_is_cut() -> None:
    shown = shown_tooltip(tooltip("<b>" * 5000))
    assert len(shown) == 1000 and shown.startswith("<b><b>") and shown.endswith("…")
