"""The quick-filter popup that inserts a template, and the Ctrl+T key that opens it.

``TemplateKey`` puts Ctrl+T on a message box (compose, Bulk send, New message) and
emits ``requested``; the templates controller answers with a ``TemplatePopup`` at the
box's cursor. In the popup, typing a few letters of a template's name or text filters
the list (``core.templates.rank_templates``: names starting with them first), Up/Down
move, Enter (or a click) inserts the chosen text at the cursor, Esc closes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.templates import rank_templates
from hubdesk.domain import Template
from hubdesk.domain.text import one_line
from hubdesk.ui.qt.fields import plain_label
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.textedit import LineBox

__all__ = ["TEMPLATE_KEY", "TemplateKey", "TemplatePopup", "insert_at_cursor"]

TEMPLATE_KEY = "Ctrl+T"
_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_NONE_SAVED = "No templates yet: add them on the Templates page (Ctrl+5)."
_NO_MATCH = "No template matches."
VISIBLE_ROWS = 8


def insert_at_cursor(editor: QPlainTextEdit | QLineEdit, text: str) -> None:
    """Put ``text`` at the cursor (over the selection), as one undoable edit."""
    if isinstance(editor, QLineEdit):
        editor.insert(" ".join(text.split()))
        return
    cursor = editor.textCursor()
    cursor.beginEditBlock()
    cursor.insertText(text)
    cursor.endEditBlock()
    editor.setTextCursor(cursor)


class TemplateKey(QObject):
    """Ctrl+T on ``editor`` (while it has the focus; an event filter, so it works in
    a dialog as in the window and overrides any window-wide use of the key).

    Signals:
        requested(): Ctrl+T was pressed in the box.
    """

    requested = Signal()

    def __init__(self, editor: QPlainTextEdit | QLineEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.sequence = QKeySequence(TEMPLATE_KEY)
        editor.installEventFilter(self)
        completer = editor.completer() if isinstance(editor, QLineEdit) else None
        listed = completer.popup() if completer is not None else None
        if listed is not None:  # the completer's open list takes the keys: Ctrl+T there too
            listed.installEventFilter(self)
        editor.setToolTip(f"{TEMPLATE_KEY} inserts a template")

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        if QKeySequence(event.keyCombination()) != self.sequence:
            return False
        event.accept()
        if kind == QEvent.Type.KeyPress:
            if watched is not self.editor and isinstance(watched, QWidget):
                watched.hide()  # the completer's list gives way to the templates
            self.requested.emit()
        return kind == QEvent.Type.KeyPress

    def insert(self, text: str) -> None:
        insert_at_cursor(self.editor, text)
        self.editor.setFocus(Qt.FocusReason.PopupFocusReason)

    def anchor(self) -> QRect:
        """Where the popup opens: the text cursor's line, in screen coordinates."""
        editor = self.editor
        rect = editor.cursorRect() if isinstance(editor, QPlainTextEdit) else editor.rect()
        return QRect(editor.mapToGlobal(rect.topLeft()), rect.size())


class TemplatePopup(QFrame):
    """A filter field over the matching templates.

    Signals:
        chosen(str): Enter or a click: the chosen template's text.
    """

    chosen = Signal(str)

    def __init__(self, templates: Sequence[Template], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Insert template")
        self._templates = list(templates)
        self._line: QRect | None = None
        self.filter = LineBox(self)
        self.filter.setAccessibleName("Filter templates")
        self.filter.setPlaceholderText("Type to filter templates…")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Templates")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the filter
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.note = plain_label("", self, name="Templates note", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        self.setFixedWidth(460)
        self.filter.textChanged.connect(self._refill)
        self.filter.installEventFilter(self)
        self.list.itemClicked.connect(lambda _item: self.choose())
        self._refill()

    # --- methods in / values out ----------------------------------------------------
    def show_at(self, line: QRect) -> None:
        """Show under ``line`` (screen coordinates), or above it when the window
        (``parent``) has no room below; it stays against the line as the list shrinks."""
        self._line = line
        self._place()
        self.show()
        self.raise_()
        self.activateWindow()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)

    def set_templates(self, templates: Sequence[Template]) -> None:
        """Another list (loaded after the popup opened); the filter stays."""
        self._templates = list(templates)
        self._refill()

    def shown(self) -> list[Template]:
        """The templates listed now, in order."""
        ids = [self.list.item(i).data(_ID_ROLE) for i in range(self.list.count())]
        by_id = {t.id: t for t in self._templates}
        return [by_id[i] for i in ids if i in by_id]

    def current(self) -> Template | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return next((t for t in self._templates if t.id == item.data(_ID_ROLE)), None)

    # --- actions ----------------------------------------------------------------------
    def choose(self) -> None:
        template = self.current()
        if template is None:
            return
        self.chosen.emit(template.text)
        self.close()

    def step(self, delta: int) -> None:
        count = self.list.count()
        if count:
            self.list.setCurrentRow(max(0, min(count - 1, self.list.currentRow() + delta)))

    # --- internals --------------------------------------------------------------------
    def _place(self) -> None:
        line = self._line
        if line is None:
            return
        where = line.bottomLeft()
        room = self.parentWidget()
        if room is not None:
            bottom = room.mapToGlobal(room.rect().bottomLeft()).y()
            if where.y() + self.height() > bottom:
                where = QPoint(line.left(), max(0, line.top() - self.height()))
        self.move(where)

    def _refill(self, *_: object) -> None:
        found = rank_templates(self._templates, self.filter.text())
        self.list.clear()
        for template in found:
            item = QListWidgetItem(f"{one_line(template.name)} — {one_line(template.text)}")
            item.setData(_ID_ROLE, template.id)
            item.setToolTip(template.text)
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        note = _NONE_SAVED if not self._templates else "" if found else _NO_MATCH
        self.note.setText(note or "Enter inserts · Esc closes")
        rows = min(max(len(found), 1), VISIBLE_ROWS)  # as tall as the list, up to a limit
        row = self.list.sizeHintForRow(0) if found else self.fontMetrics().height()
        self.list.setFixedHeight(rows * row + 2 * self.list.frameWidth() + 2)
        self.adjustSize()
        self._place()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.filter or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.step(-1 if key == Qt.Key.Key_Up else 1)
            return True
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.step(-5 if key == Qt.Key.Key_PageUp else 5)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose()
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        return False
