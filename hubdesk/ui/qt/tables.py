"""One read-only table model for lists of frozen values, and the view setup they share.

``RecordTableModel`` shows a list of records through ``Column`` descriptions (header and
a function from the record to its cell text). Cell text is cleaned to one line (control
characters become spaces, very long text is cut) and painted by the default delegate,
which never interprets rich text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.qt.fields import Tone
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_LIMIT = 200

__all__ = ["RECORD_ROLE", "Column", "RecordTableModel", "make_table"]


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    align_right: bool = False
    tone: Callable[[T], Tone | None] | None = None  # colours the cell's text


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows of records, columns from ``Column``s; values in through ``set_rows``."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = []
        self._cache: dict[tuple[int, int], str] = {}

    # --- Qt model API -------------------------------------------------------------
    @guarded(0)
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    @guarded(0)
    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    @guarded(None)
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= col < len(self._columns)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cell_text(row, col)
        if role == RECORD_ROLE:
            return self._rows[row]
        if role == Qt.ItemDataRole.ForegroundRole:
            tone_of = self._columns[col].tone
            tone = tone_of(self._rows[row]) if tone_of is not None else None
            return None if tone is None else tone_color(tone)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if self._columns[col].align_right
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    @guarded(None)
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    @guarded(Qt.ItemFlag.NoItemFlags)
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- methods in / values out --------------------------------------------------
    def set_rows(self, rows: Iterable[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cache.clear()
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, index: AnyIndex | int) -> T | None:
        row = index if isinstance(index, int) else index.row()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def cell_text(self, row: int, col: int) -> str:
        key = (row, col)
        text = self._cache.get(key)
        if text is None:
            text = single_line(self._columns[col].text(self._rows[row]), CELL_LIMIT)
            self._cache[key] = text
        return text


def tone_color(tone: Tone) -> QColor | None:
    """The text colour for a tone in the application's current palette."""
    colors = colors_for(QGuiApplication.palette())
    return {
        "ok": colors.success,
        "warning": colors.warning,
        "error": colors.failed,
        "muted": colors.muted_text,
    }.get(tone)


def make_table(model: QAbstractTableModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table whose Tab key leaves the table (keyboard users)."""
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setHighlightSections(False)
    return view
