"""Start a new message: type numbers or pick contacts (completion by name or number).

Each number is checked as you type, with the reason when it is unusable. Numbers outside
the UK are allowed for SMS, with a visible note ("Not a UK number (+1): SMS only, calls
unavailable"). Enter adds the typed number (or the chosen contact) to the recipients;
"Write message" (or Enter on an empty field) emits ``compose_requested(list of digits)``
and closes. Open it with ``open()``.

A number texts probably do not reach (a landline, a premium-rate, shared-cost or
personal number: ``domain.numbers.sms_reachability``) is flagged as it is typed and in
the recipient list ("landline — usually cannot receive SMS"); a mobile is quiet.
"Template…" (or Ctrl+T in "To") emits ``templates_requested``; the chosen text
(:meth:`NewMessageDialog.insert_template`) starts the message (:meth:`message_text`).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain import Contact
from hubdesk.domain.numbers import NumberError, PhoneNumber, format_number, parse_number
from hubdesk.ui.messages.compose_preview import reach_flag
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.qt.fields import Tone, non_uk_note, plain_label, sentence, set_tone
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.textedit import LineBox
from hubdesk.ui.templates.popup import TEMPLATE_KEY, TemplateKey

__all__ = ["NewMessageDialog", "contact_choice"]

DIGITS_ROLE = Qt.ItemDataRole.UserRole + 1
HINT = "Type a number, or start typing a contact's name."


def contact_choice(contact: Contact) -> str:
    """How a contact appears in the completer: "Alice Smith — 07400 123456"."""
    return f"{single_line(contact.name, 80)} — {format_number(contact.number)}"


class NewMessageDialog(QDialog):
    """To whom: numbers typed, or contacts completed by name or number.

    Signals:
        compose_requested(list): "Write message": the recipients' E.164 digits (one
            opens its conversation, several a bulk send).
        templates_requested(): "Template…" or Ctrl+T: choose a text to start with.
    """

    compose_requested = Signal(list)
    templates_requested = Signal()

    def __init__(self, contacts: Iterable[Contact] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New message")
        self.setAccessibleName("New message")
        self.setModal(True)
        self._names: dict[str, str] = {}
        self._choices: dict[str, Contact] = {}

        self.to_edit = LineBox(self)
        self.to_edit.setAccessibleName("To")
        self.to_edit.setPlaceholderText("07400 123456 or a contact's name")
        self.add_button = QPushButton("&Add", self)
        self.add_button.setAccessibleName("Add recipient")
        self.add_button.setAutoDefault(False)
        self.note = plain_label(HINT, self, name="Recipient check", wrap=True)

        self._completions = QStandardItemModel(self)
        self.completer = QCompleter(self._completions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionRole(Qt.ItemDataRole.DisplayRole)
        self.to_edit.setCompleter(self.completer)

        self.recipients = QStandardItemModel(self)
        self.recipient_view = QListView(self)
        self.recipient_view.setModel(self.recipients)
        self.recipient_view.setAccessibleName("Recipients")
        self.recipient_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.recipient_view.setFixedHeight(110)
        self.recipient_view.setWordWrap(True)  # a warning after a number is read whole
        self.recipient_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.recipient_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setAccessibleName("Remove recipient")
        self.remove_button.setAutoDefault(False)

        self._template_text = ""
        self.template_button = QPushButton("Te&mplate…", self)
        self.template_button.setAccessibleName("Start from a template")
        self.template_button.setToolTip(f"Start the message from a template ({TEMPLATE_KEY})")
        self.template_button.setAutoDefault(False)
        self.template_note = plain_label("", self, name="Template chosen", wrap=True)
        self.template_key = TemplateKey(self.to_edit)

        self.buttons = QDialogButtonBox(self)
        self.write_button = self.buttons.addButton(
            "&Write message", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.write_button.setAccessibleName("Write message")
        self.write_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")

        to_row = QHBoxLayout()
        to_label = plain_label("&To:", self)
        to_label.setTextFormat(Qt.TextFormat.AutoText)  # our own text: allows the & mnemonic
        to_label.setBuddy(self.to_edit)
        to_row.addWidget(to_label)
        to_row.addWidget(self.to_edit, 1)
        to_row.addWidget(self.add_button)
        list_row = QHBoxLayout()
        list_row.addWidget(self.recipient_view, 1)
        list_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(to_row)
        layout.addWidget(self.note)
        layout.addLayout(list_row)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_button)
        template_row.addWidget(self.template_note, 1)
        layout.addLayout(template_row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self.setTabOrder(self.to_edit, self.add_button)
        self.setTabOrder(self.add_button, self.recipient_view)
        self.setTabOrder(self.recipient_view, self.remove_button)

        self.to_edit.textChanged.connect(self._update)
        self.to_edit.installEventFilter(self)
        self.add_button.clicked.connect(self.add_typed)
        self.template_button.clicked.connect(self.templates_requested)
        self.template_key.requested.connect(self.templates_requested)
        self.remove_button.clicked.connect(self.remove_selected)
        self.completer.activated[str].connect(self._completion_chosen)  # type: ignore[index]
        self.write_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.recipient_view.selectionModel().selectionChanged.connect(self._update)
        QShortcut(QKeySequence.StandardKey.Delete, self.recipient_view, self.remove_selected)
        self.set_contacts(contacts)
        self._update()
        self.to_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- methods in ---------------------------------------------------------------
    def set_contacts(self, contacts: Iterable[Contact]) -> None:
        self._completions.clear()
        self._choices.clear()
        for contact in contacts:
            label = contact_choice(contact)
            self._choices[label] = contact
            self._names[contact.number] = contact.name
            item = QStandardItem(label)
            item.setEditable(False)
            self._completions.appendRow(item)

    def add_number(self, text: str) -> bool:
        """Add a recipient from text (any valid number); False with the reason shown."""
        try:
            number = parse_number(text)
        except NumberError as exc:
            self._say(sentence(str(exc)), "error")
            return False
        if number.digits in self.digits():
            self._say(f"{number} is already a recipient.", "warning")
            return False
        name = self._names.get(number.digits)
        label = f"{single_line(name, 80)} ({number})" if name else str(number)
        if not number.is_uk:
            label += f" — {non_uk_note(number)}"
        flag = reach_flag(number)
        if flag is not None:
            label += f" — {flag}"
        item = QStandardItem(label)
        item.setEditable(False)
        item.setData(number.digits, DIGITS_ROLE)
        self.recipients.appendRow(item)
        self._update()
        return True

    def insert_template(self, text: str) -> None:
        """The chosen template: the message starts with it."""
        self._template_text = text
        self.template_note.setText(f"Starts with: {single_line(text, 120)}")
        self.to_edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def template_anchor(self) -> QRect:
        button = self.template_button
        return QRect(button.mapToGlobal(button.rect().topLeft()), button.size())

    # --- values out ---------------------------------------------------------------
    def message_text(self) -> str:
        """The text the message starts with (a template chosen here), or ""."""
        return self._template_text

    def digits(self) -> list[str]:
        found = (
            self.recipients.item(r).data(DIGITS_ROLE) for r in range(self.recipients.rowCount())
        )
        return [d for d in found if isinstance(d, str)]

    def typed_number(self) -> PhoneNumber | None:
        text = self.to_edit.text()
        if text in self._choices:
            return parse_number(self._choices[text].number)
        try:
            return parse_number(text)
        except NumberError:
            return None

    # --- actions ------------------------------------------------------------------
    def add_typed(self) -> None:
        text = self.to_edit.text()
        if not text.strip():
            return
        contact = self._choices.get(text)
        if self.add_number(contact.number if contact is not None else text):
            self.to_edit.clear()

    def remove_selected(self) -> None:
        rows = sorted((i.row() for i in self.recipient_view.selectedIndexes()), reverse=True)
        for row in rows:
            self.recipients.removeRow(row)
        self._update()

    def accept(self) -> None:
        typed = self.typed_number()
        if typed is not None and typed.digits not in self.digits():
            self.add_number(typed.digits)
        wanted = self.digits()
        if not wanted:
            self._update()
            return
        super().accept()
        self.compose_requested.emit(wanted)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in "To" with text adds it; Enter on an empty field writes (default button).
        if (
            watched is self.to_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.to_edit.text().strip()
        ):
            self.add_typed()
            return True
        return False

    # --- internals ----------------------------------------------------------------
    def _completion_chosen(self, label: str) -> None:
        contact = self._choices.get(label)
        if contact is None:
            return

        def add() -> None:
            if self.add_number(contact.number):
                self.to_edit.clear()

        QTimer.singleShot(0, add)

    def _update(self, *_: object) -> None:
        text = self.to_edit.text()
        if not text.strip():
            count = self.recipients.rowCount()
            people = f"{count} recipient{'s' if count != 1 else ''}"
            self._say(HINT if not count else f"{people}. Add more, or write.", "muted")
        elif text in self._choices:
            self._say(f"✓ {text}", "ok")
        else:
            try:
                number = parse_number(text)
            except NumberError as exc:
                letters = any(ch.isalpha() for ch in text)
                if letters and self._choices:
                    self._say("Choose a contact from the list, or type a number.", "muted")
                else:
                    self._say(sentence(str(exc)), "error")
            else:
                flag = reach_flag(number)
                if flag is not None:
                    self._say(f"{number}: {flag.removeprefix('⚠ ')}", "warning")
                elif number.is_uk:
                    self._say(f"✓ {number}", "ok")
                else:
                    self._say(non_uk_note(number), "warning")
        self.remove_button.setEnabled(bool(self.recipient_view.selectedIndexes()))
        self.write_button.setEnabled(bool(self.digits()) or self.typed_number() is not None)

    def _say(self, text: str, tone: Tone) -> None:
        self.note.setText(text)
        set_tone(self.note, tone)
        self.to_edit.setAccessibleDescription(text)
