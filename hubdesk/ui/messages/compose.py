"""The compose pane: sender id, text with a live segment meter, GSM-safe fix-up, send.

Dumb widget: values in through ``set_*`` methods, intent out through
``send_requested(sender_id, text)`` and ``draft_changed(text)`` (debounced). Templates:
Ctrl+T emits ``templates_requested`` and :meth:`ComposePane.insert_template` puts one at
the cursor; the text as sent (placeholders filled) is previewed under the box and is
what the meter counts (``compose_preview``).

Its parts live beside it: the message box and its keys (``compose_editor``), the sender
chooser (``compose_sender``), the cost flag and the status notice (``compose_notes``),
the Make GSM-safe and Send buttons (``compose_buttons``), the height it asks for
(``compose_layout``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from hubdesk.domain import SenderId
from hubdesk.domain.segments import analyse, long_message_note, make_gsm_safe
from hubdesk.ui.messages.compose_buttons import gsm_button, send_button, show_queue_mode
from hubdesk.ui.messages.compose_editor import MessageEdit, UnicodeHighlighter
from hubdesk.ui.messages.compose_layout import needed_height
from hubdesk.ui.messages.compose_notes import (
    charge_label,
    color_charge,
    long_warning,
    notice_label,
    show_charge,
    show_notice,
)
from hubdesk.ui.messages.compose_preview import ComposePreview
from hubdesk.ui.messages.compose_sender import SenderChooser
from hubdesk.ui.messages.meter import SegmentMeter
from hubdesk.ui.messages.schedule_menu import SendLaterButton
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for

if TYPE_CHECKING:  # phonenumbers loads with the first number parsed, not the first frame
    from hubdesk.domain.numbers import Charge

DRAFT_DEBOUNCE_MS = 300
OFFLINE_NOTE = "offline — will send when back online"


class ComposePane(QWidget):
    """Sender-id picker, message editor with meter, GSM-safe button and Send/Queue.

    Signals:
        send_requested(str, str): Send (or Enter, per the send key): the sender ID and
            the text.
        draft_changed(str): the text, debounced by ``DRAFT_DEBOUNCE_MS`` (at once on
            :meth:`flush_draft` and after a send).
        sender_changed(): another sender ID was picked.
        templates_requested(): Ctrl+T in the message box (insert a template).
        send_later_requested(str, str, object): a time from "Send later…": the sender
            ID, the text and the moment (aware UTC).
    """

    send_requested = Signal(str, str)
    send_later_requested = Signal(str, str, object)
    draft_changed = Signal(str)
    sender_changed = Signal()
    templates_requested = Signal()

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self._offline = False
        self._blocked: str | None = None
        self._blocked_hint = False  # a choice to make (which sender ID), not an error
        self._quiet = False
        self._long_warned: str | None = None  # the long text the user was warned about
        self._held = False  # Send ignored for a moment (hold_send)
        self._floor_height = 0  # set_floor_height

        self._sender = SenderChooser(self)
        self.sender_combo = self._sender.combo
        self._sender_model = self._sender.model

        self.meter = SegmentMeter(self)
        self.charge_label = charge_label(self)  # "⚠ Recipient: Premium rate" (set_charge)
        self._color_charge()

        self.editor = MessageEdit(self)
        self.editor.setAccessibleName("Message text")
        self.editor.setPlaceholderText("Type a message")
        self.editor.setMinimumHeight(60)
        self.editor.submit.connect(self.request_send)
        self._highlighter = UnicodeHighlighter(
            self.editor.document(), colors_for(self.palette()).warning
        )

        from hubdesk.ui.templates.popup import TemplateKey

        self.template_key = TemplateKey(self.editor)
        self.template_key.requested.connect(self.templates_requested)
        self.preview = ComposePreview(self)

        self.notice = notice_label(self)

        self.gsm_button = gsm_button(self)
        self.gsm_button.clicked.connect(self.make_gsm_safe)
        self.send_button = send_button(self, icons)
        self.send_button.clicked.connect(self.request_send)

        self.later_button = SendLaterButton(self)
        self.later_button.time_chosen.connect(self.request_send_later)

        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.timeout.connect(self._release_send)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self._emit_draft)

        top = QHBoxLayout()
        top.addWidget(self._sender.label)
        top.addWidget(self.sender_combo)
        top.addWidget(self.charge_label)
        top.addStretch(1)
        top.addWidget(self.meter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.gsm_button)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.later_button)
        self._rows = (top, bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.preview)
        layout.addLayout(bottom)
        self.setAccessibleName("Compose message")
        self.sender_combo.currentIndexChanged.connect(self._update_state)
        self.sender_combo.currentIndexChanged.connect(lambda _i: self.sender_changed.emit())
        self.editor.textChanged.connect(self._on_text_changed)
        self._update_state()

    # --- methods in ---------------------------------------------------------------
    def set_sender_ids(
        self,
        sender_ids: Iterable[SenderId],
        default: str | None = None,
        *,
        keep_current: bool = True,
    ) -> None:
        """Approved ids are selectable; pending ones are listed, disabled, "awaiting approval".

        Selected, the first still approved of: (``keep_current``) the current choice, the
        user's; ``default``; the only approved id. With several approved and none of
        those, nothing is selected: the user chooses (no default sender ID set)."""
        wanted = [self.sender_id() if keep_current else None, default]
        self._sender.fill(sender_ids, wanted)
        self._update_state()

    def set_send_key(self, key: str) -> None:
        """``"enter"``: Enter sends, Shift+Enter is a new line; ``"ctrl+enter"``: Ctrl+Enter."""
        self.editor.send_key = "ctrl+enter" if key == "ctrl+enter" else "enter"

    def set_send_blocked(self, reason: str | None, *, hint: bool = False) -> None:
        """Disable sending and say why (plain text); ``None`` lifts the block. ``hint``:
        a choice still to make (no sender ID picked), said in a neutral tone."""
        self._blocked = reason or None
        self._blocked_hint = hint
        self._update_state()
        self._update_notice()

    def set_charge(self, charge: Charge | None) -> None:
        """Flag a partner number in a chargeable range (``domain.numbers.charge_of``:
        "⚠ Premium rate" beside the sender, the cost in its tooltip); None for an
        ordinary number."""
        show_charge(self.charge_label, charge)

    def set_recipient(self, digits: str | None, contact_name: str | None = None) -> None:
        """Whom the text goes to (E.164 digits, the contact's name or None), for the
        preview of its placeholders and the flag of a number that cannot take texts."""
        self.preview.set_recipient(digits, contact_name)
        self._update_state()

    def insert_template(self, text: str) -> None:
        """Put a template's text at the cursor (one undoable edit), the box focused."""
        self.template_key.insert(text)

    def template_anchor(self) -> QRect:
        """Where the template popup opens (under the text cursor, screen coordinates)."""
        return self.template_key.anchor()

    def expanded_text(self) -> str:
        """The text as it will be sent (placeholders filled for the open conversation)."""
        return self.preview.expanded(self.text(), self.sender_id())

    def set_offline(self, offline: bool) -> None:
        """Offline: the button queues instead of sending, and a note says so."""
        self._offline = offline
        self._update_state()
        self._update_notice()

    def set_text(self, text: str) -> None:
        """Put text in the editor (a restored draft) without emitting ``draft_changed``."""
        self._quiet = True
        try:
            self.editor.setPlainText(text)
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
        finally:
            self._quiet = False
        self._draft_timer.stop()

    def replace_text(self, text: str) -> None:
        """Put ``text`` in the editor as one undoable edit (Ctrl+Z brings back what was
        there), saved as the draft like typing."""
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
        self.editor.setTextCursor(cursor)

    def select_sender(self, sender_id: str) -> bool:
        """Choose ``sender_id`` if it is listed and approved; False otherwise."""
        return self._sender.select(sender_id)

    def hold_send(self, ms: int) -> None:
        """Ignore Send (the button, Enter, Ctrl+Enter) for ``ms`` milliseconds: after a
        link from another program switched the conversation under the user's hands, a
        Return already on its way must not send to the new one."""
        self._held = True
        self._hold_timer.start(max(0, ms))
        self._update_state()

    def is_send_held(self) -> bool:
        return self._held

    def clear_after_send(self) -> None:
        """Empty the editor after a send was accepted; emits ``draft_changed("")`` at once."""
        self.set_text("")
        self.draft_changed.emit("")

    def focus_editor(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- values out ---------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def sender_id(self) -> str | None:
        return self._sender.sender_id()

    def can_send(self) -> bool:
        return (
            not self._held
            and self._blocked is None
            and self.sender_id() is not None
            and bool(self.text().strip())
        )

    # --- actions ------------------------------------------------------------------
    def request_send(self) -> None:
        """Emit ``send_requested`` if sending is possible now (button, Enter, Ctrl+Enter)."""
        sender = self.sender_id()
        if sender is None or not self.can_send():
            return
        text = self.text()
        note = long_message_note(analyse(self.expanded_text()))
        if note is not None and self._long_warned != text:
            self._long_warned = text  # the next press sends it: a non-modal confirmation
            self._update_notice()
            return
        if self._long_warned is not None:
            self._long_warned = None
            self._update_notice()  # the warning is answered: it goes with the message
        self.flush_draft()
        self.send_requested.emit(sender, text)

    def request_send_later(self, when: object) -> None:
        """Emit ``send_later_requested`` for ``when`` if sending is possible now."""
        sender = self.sender_id()
        if sender is not None and self.can_send():
            self.flush_draft()
            self.send_later_requested.emit(sender, self.text(), when)

    def make_gsm_safe(self) -> None:
        """Replace characters that force Unicode, as one undoable edit."""
        text = self.text()
        fixed = make_gsm_safe(text)
        if fixed == text:
            return
        position = self.editor.textCursor().position()
        self.replace_text(fixed)
        cursor = self.editor.textCursor()  # back where the user was typing
        cursor.setPosition(min(position, len(fixed), self.editor.document().characterCount() - 1))
        self.editor.setTextCursor(cursor)

    def flush_draft(self) -> None:
        """Emit a pending debounced ``draft_changed`` now (before sending or closing)."""
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self._emit_draft()

    # --- internals ----------------------------------------------------------------
    def _on_text_changed(self) -> None:
        self._update_state()
        if self._long_warned is not None and self._long_warned != self.text():
            self._long_warned = None  # the warning was about another text
            self._update_notice()
        if not self._quiet:
            self._draft_timer.start()

    def _release_send(self) -> None:
        self._held = False
        self._update_state()

    def _emit_draft(self) -> None:
        self.draft_changed.emit(self.text())

    def _update_state(self, *_: object) -> None:
        text = self.text()
        info = analyse(self.expanded_text())  # what the recipient gets is what is counted
        self.meter.show_info(info)
        show_queue_mode(self.send_button, self._offline)
        self._enable(self.gsm_button, bool(text) and make_gsm_safe(text) != text)
        self._enable(self.send_button, self.can_send())
        self.later_button.setEnabled(self.can_send())

    def _enable(self, button: QPushButton, enabled: bool) -> None:
        """A focused button that gets disabled (Send after sending, Make GSM-safe after
        fixing) hands the focus to the message box, not to the next widget in the
        window's tab order (the search field, where the next typing would go)."""
        if not enabled and self.window().focusWidget() is button:
            self.focus_editor()
        button.setEnabled(enabled)

    def _long_warning(self) -> str | None:
        """The long-message warning while it stands (the text it was given for)."""
        text = self.text()
        if self._long_warned is None or self._long_warned != text:
            return None
        return long_warning(self.expanded_text())

    def _color_charge(self) -> None:
        color_charge(self.charge_label, colors_for(self.palette()).failed)

    def _update_notice(self) -> None:
        show_notice(
            self.notice,
            colors_for(self.palette()),
            blocked=self._blocked,
            hint=self._blocked_hint,
            warning=self._long_warning(),
            offline=OFFLINE_NOTE if self._offline else None,
        )

    def set_floor_height(self, height: int) -> None:
        """The least height the pane asks its splitter for; more while the lines under
        the box (preview, warnings, each maybe wrapped) need it."""
        self._floor_height = height
        self._fit_height()

    def _fit_height(self) -> None:
        """Ask for the height the rows need at this width (wrapped lines included: the
        splitter knows only the explicit minimum, and a squeezed layout painted the
        warnings over the message box)."""
        layout = self.layout()
        if layout is None:
            return
        top, bottom = self._rows
        need = needed_height(layout, top, bottom, self.editor, self.preview, self.width())
        want = max(self._floor_height, need)
        if want != self.minimumHeight():
            self.setMinimumHeight(want)

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit_height()
        return handled

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    @guarded(None)
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.set_color(colors_for(self.palette()).warning)
            self._update_notice()
            self._color_charge()
        super().changeEvent(event)
