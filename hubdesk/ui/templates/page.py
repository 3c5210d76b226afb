"""The Templates page: saved texts with a name, in the user's order.

The list (name, text) on the left; the selected template in an editor on the right (its
placeholders checked as you type, with the known ones listed); New, Duplicate, Delete
(press twice), Move up / Move down (also Ctrl+Shift+Up / Ctrl+Shift+Down in the list),
Import CSV… and Export CSV….

Dumb widget. Values in: :meth:`TemplatesPage.set_templates`, :meth:`show_status`,
:meth:`show_text_error`, :meth:`show_import_report`. Intent out: the signals below; the
controller (``ui.templates.controller``) does the work through ``core.templates``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.errors import InvalidInput
from hubdesk.core.templates import check_text
from hubdesk.core.templates_io import TemplateImportReport
from hubdesk.domain import Template
from hubdesk.domain.placeholders import known_list
from hubdesk.ui.qt.fields import plain_label, sentence, set_tone
from hubdesk.ui.qt.filedialogs import prepare
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table
from hubdesk.ui.qt.textedit import LineBox, TextBox
from hubdesk.ui.templates.report import ImportReportDialog

__all__ = ["TemplatesPage", "template_model"]

HINT = f"Placeholders: {known_list()}; a default after a bar: {{first_name|there}}."
CSV_FILTERS = ["CSV files (*.csv)", "All files (*)"]


def template_model(parent: QWidget | None = None) -> RecordTableModel[Template]:
    return RecordTableModel(
        [Column("Name", lambda t: t.name), Column("Text", lambda t: t.text)], parent
    )


class TemplatesPage(QWidget):
    """The saved templates, an editor for one, and the list's commands.

    Signals:
        add_requested(str, str): Save of a new template: its name and text.
        edit_requested(int, str, str): Save of an existing one: its id, name and text.
        duplicate_requested(int): Duplicate: the template's id.
        delete_requested(int): Delete, confirmed by a second press: the id.
        move_requested(int, int): Move up / down: the id and its new index (0: first).
        import_requested(str): Import CSV…: the file chosen.
        export_requested(str): Export CSV…: the file to write.
    """

    add_requested = Signal(str, str)
    edit_requested = Signal(int, str, str)
    duplicate_requested = Signal(int)
    delete_requested = Signal(int)
    move_requested = Signal(int, int)
    import_requested = Signal(str)
    export_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Templates")
        self._editing: int | None = None  # the id in the editor (None: a new one)
        self._delete_armed: int | None = None
        self.file_dialog: QFileDialog | None = None
        self.report_dialog: ImportReportDialog | None = None

        self.model = template_model(self)
        self.table = make_table(self.model, "Templates", self)
        self.table.setColumnWidth(0, 170)
        self.new_button = self._button("New &template", "New template")
        self.duplicate_button = self._button("Du&plicate", "Duplicate template")
        self.delete_button = self._button("&Delete", "Delete template")
        self.up_button = self._button("Move &up", "Move template up")
        self.down_button = self._button("Move do&wn", "Move template down")
        self.import_button = self._button("&Import CSV…", "Import templates from CSV")
        self.export_button = self._button("E&xport CSV…", "Export templates to CSV")
        self.up_button.setToolTip("Move up (Ctrl+Shift+Up)")
        self.down_button.setToolTip("Move down (Ctrl+Shift+Down)")
        if icons is not None:
            self.new_button.setIcon(icons.icon("new-message"))

        box = QGroupBox("Template", self)
        self.name_edit = LineBox(box)
        self.name_edit.setAccessibleName("Template name")
        self.name_edit.setPlaceholderText("e.g. Table ready")
        self.name_edit.setMaxLength(80)
        self.text_edit = TextBox(box)
        self.text_edit.setAccessibleName("Template text")
        self.text_edit.setPlaceholderText("Hi {first_name|there}, your table is ready.")
        self.text_edit.setTabChangesFocus(True)
        self.check = plain_label(HINT, box, name="Placeholder check", wrap=True)
        self.save_button = QPushButton("&Save", box)
        self.save_button.setAccessibleName("Save template")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(plain_label("Name:", box))
        box_layout.addWidget(self.name_edit)
        box_layout.addWidget(plain_label("Text:", box))
        box_layout.addWidget(self.text_edit, 1)
        box_layout.addWidget(self.check)
        box_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        self.status = plain_label("", self, name="Templates status", wrap=True)
        self.status.hide()

        left = QWidget(self)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        files = QHBoxLayout()
        files.addWidget(self.import_button)
        files.addWidget(self.export_button)
        files.addStretch(1)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(
            plain_label("Saved texts; Ctrl+T in a message box inserts one.", left)
        )
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)
        left_layout.addLayout(files)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(box)
        splitter.setSizes([520, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.new_button.clicked.connect(self.start_new)
        self.duplicate_button.clicked.connect(self._duplicate)
        self.delete_button.clicked.connect(self._delete)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        self.save_button.clicked.connect(self.save)
        self.text_edit.textChanged.connect(self._check)
        self.name_edit.textChanged.connect(self._update)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.installEventFilter(self)  # Ctrl+Shift+Up/Down move, Delete deletes
        self._check()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        return button

    # --- methods in ---------------------------------------------------------------
    def set_templates(self, templates: Sequence[Template], select: int | None = None) -> None:
        """The list, in order; ``select`` (an id) or else the one being edited stays
        selected and in the editor."""
        wanted = select if select is not None else self._editing
        self.model.set_rows(templates)
        self._delete_armed = None
        row = next((i for i, t in enumerate(templates) if t.id == wanted), None)
        if row is not None:
            self.table.selectRow(row)
            self._load(templates[row])
        elif self._editing is not None:
            self.start_new()  # the template edited is gone
        self._update()

    def start_new(self) -> None:
        """An empty editor for a new template."""
        self.table.clearSelection()
        self._editing = None
        self.name_edit.clear()
        self.text_edit.clear()
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update()

    def show_status(self, message: str, *, error: bool = False) -> None:
        self.status.setText(message)
        set_tone(self.status, "error" if error else "muted")
        self.status.setVisible(bool(message))

    def show_text_error(self, message: str, position: int | None) -> None:
        """A refused save: the sentence, and the cursor where the problem starts (1-based)."""
        self.show_status(sentence(message), error=True)
        if position is not None:
            cursor = self.text_edit.textCursor()
            cursor.setPosition(min(position - 1, len(self.text_edit.toPlainText())))
            cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
            self.text_edit.setTextCursor(cursor)
        self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_import_report(self, report: TemplateImportReport, title: str) -> ImportReportDialog:
        self.show_status(f"Imported {title}: {report.summary()}", error=bool(report.rejected))
        if self.report_dialog is not None:
            self.report_dialog.close()
        dialog = ImportReportDialog(report, title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "report_dialog", None))
        self.report_dialog = dialog
        dialog.open()
        return dialog

    # --- values out ---------------------------------------------------------------
    def templates(self) -> list[Template]:
        return self.model.rows()

    def selected(self) -> Template | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def editing(self) -> int | None:
        """The id of the template in the editor (None: a new one)."""
        return self._editing

    # --- actions ------------------------------------------------------------------
    def save(self) -> None:
        name, text = self.name_edit.text(), self.text_edit.toPlainText()
        if self._editing is None:
            self.add_requested.emit(name, text)
        else:
            self.edit_requested.emit(self._editing, name, text)

    def choose_import(self) -> QFileDialog:
        dialog = prepare(QFileDialog(self, "Import templates"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters(CSV_FILTERS)
        dialog.fileSelected.connect(self.import_requested.emit)
        return self._open_file_dialog(dialog)

    def choose_export(self) -> QFileDialog:
        dialog = prepare(QFileDialog(self, "Export templates"))
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(CSV_FILTERS)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile("templates.csv")
        dialog.fileSelected.connect(self.export_requested.emit)
        return self._open_file_dialog(dialog)

    # --- internals ----------------------------------------------------------------
    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.table or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        move = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if mods == move and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move(-1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        if event.matches(QKeySequence.StandardKey.Delete):
            self._delete()
            return True
        return False

    def _open_file_dialog(self, dialog: QFileDialog) -> QFileDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.file_dialog is not None:
            self.file_dialog.close()
        self.file_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "file_dialog", None))
        dialog.open()
        return dialog

    def _selected(self, *_: object) -> None:
        template = self.selected()
        if template is not None and template.id != self._editing:
            self._load(template)
        self._delete_armed = None
        self._update()

    def _load(self, template: Template) -> None:
        self._editing = template.id
        if self.name_edit.text() != template.name:
            self.name_edit.setText(template.name)
        if self.text_edit.toPlainText() != template.text:
            self.text_edit.setPlainText(template.text)

    def _duplicate(self) -> None:
        template = self.selected()
        if template is not None:
            self.duplicate_requested.emit(template.id)

    def _delete(self) -> None:
        template = self.selected()
        if template is None:
            return
        if self._delete_armed != template.id:
            self._delete_armed = template.id  # a second press deletes: no modal box
            self.show_status(f"Press Delete again to delete “{template.name}”.")
            self._update()
            return
        self._delete_armed = None
        self.delete_requested.emit(template.id)

    def _move(self, step: int) -> None:
        template = self.selected()
        if template is None:
            return
        rows = self.model.rows()
        index = next(i for i, t in enumerate(rows) if t.id == template.id) + step
        if 0 <= index < len(rows):
            self.move_requested.emit(template.id, index)

    def _check(self) -> None:
        text = self.text_edit.toPlainText()
        if not text.strip():
            self.check.setText(HINT)
            set_tone(self.check, "muted")
        else:
            try:
                parsed = check_text(text)
            except InvalidInput as exc:
                self.check.setText(sentence(str(exc)))
                set_tone(self.check, "error")
            else:
                used = ", ".join(f"{{{n}}}" for n in parsed.names)
                self.check.setText(f"✓ Placeholders: {used}." if used else f"✓ {HINT}")
                set_tone(self.check, "ok")
        self.text_edit.setAccessibleDescription(self.check.text())
        self._update()

    def _update(self, *_: object) -> None:
        selected = self.selected()
        rows = self.model.rows()
        index = next((i for i, t in enumerate(rows) if selected and t.id == selected.id), -1)
        self.duplicate_button.setEnabled(selected is not None)
        self.delete_button.setEnabled(selected is not None)
        armed = selected is not None and self._delete_armed == selected.id
        self.delete_button.setText("Confirm &delete" if armed else "&Delete")
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(0 <= index < len(rows) - 1)
        filled = bool(self.name_edit.text().strip() and self.text_edit.toPlainText().strip())
        self.save_button.setEnabled(filled)
