"""``ThreadView``: shows a :class:`ThreadModel`, pinned to the bottom, asking for older.

A 10,000-entry thread lays out a few hundred rows for its first paint (the model's
window). The view keeps what the user looks at in place across relayouts (the bottom,
or one entry's top edge), reveals hidden rows near the top, and only then emits
``older_requested`` for the store's next page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget

from hubdesk.domain import ThreadEntry
from hubdesk.ui.messages.thread.delegate import ThreadDelegate, can_retry
from hubdesk.ui.messages.thread.model import ThreadModel, ThreadRole, entry_of
from hubdesk.ui.messages.thread.scheduled import is_waiting, schedule_menu
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.times import LiveTimesListView

_BOTTOM = ("bottom", "", 0)


class ThreadView(LiveTimesListView):
    """Shows a :class:`ThreadModel`; pins to the bottom; asks for older pages at the top.

    Signals:
        older_requested(): scrolled to the top with nothing hidden: the store's next
            (older) page is wanted.
        retry_requested(object): "Retry" on a failed bubble (click or key): its
            ``ThreadEntry``.
        escape_pressed(): Esc in the thread (the page goes back to search results).
        schedule_action_requested(str, object): Edit time / Send now / Cancel on a
            scheduled or overdue bubble (its pills or context menu): ``"edit"``,
            ``"send"`` or ``"cancel"``, and its ``ThreadEntry``.
    """

    older_requested = Signal()
    retry_requested = Signal(object)
    escape_pressed = Signal()
    schedule_action_requested = Signal(str, object)

    NEAR_TOP_PX = 120
    AT_BOTTOM_PX = 24

    def __init__(
        self,
        parent: QWidget | None = None,
        icons: IconSet | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent, clock=clock)  # bubble times and day labels stay current
        # What to keep in place across a relayout: the bottom, or one entry's top edge.
        self._anchor: tuple[str, str, int] | None = None
        self._older_pending = False
        self._more_older = True
        self._delegate = ThreadDelegate(self, icons)
        self._empty_text = ""
        self._highlighted: str | None = None  # a search hit's key, until the next click
        self.setItemDelegate(self._delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.setAccessibleName("Messages")
        self.verticalScrollBar().setSingleStep(24)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    @property
    def thread_delegate(self) -> ThreadDelegate:
        return self._delegate

    def set_empty_text(self, text: str) -> None:
        """What the view says while it holds no messages (plain text, centred)."""
        self._empty_text = text
        self.viewport().update()

    def empty_text(self) -> str:
        """The hint shown now ("" while there are messages)."""
        model = self.model()
        return self._empty_text if model is None or model.rowCount() == 0 else ""

    @guarded(None)
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.empty_text()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(24, 0, -24, 0)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), text)
            painter.end()

    def setModel(self, model: Any) -> None:
        old = self.model()
        if isinstance(old, QAbstractListModel):
            for signal in _signals(old):
                try:
                    signal.disconnect(self._capture_anchor)
                except (RuntimeError, TypeError):
                    pass
        super().setModel(model)
        self._delegate.invalidate()
        if isinstance(model, ThreadModel):
            self._delegate.set_now(model.now())
        if isinstance(model, QAbstractListModel):
            for signal in _signals(model):
                signal.connect(self._capture_anchor)
            model.modelReset.connect(self._on_reset)
            model.rowsInserted.connect(self._on_rows_inserted)
            model.dataChanged.connect(self._on_data_changed)
        self._anchor = _BOTTOM

    # --- inputs -------------------------------------------------------------------
    def set_more_older_available(self, available: bool) -> None:
        """Tell the view whether the store has older pages (stops ``older_requested``)."""
        self._more_older = available
        self._older_pending = False
        if self._delegate.set_first_day_known(not available):  # the oldest row's day label
            self._capture_anchor()
            self.scheduleDelayedItemsLayout()

    def scroll_to_newest(self) -> None:
        self._anchor = _BOTTOM
        self.scrollToBottom()

    def bubble_rect(self, key: str) -> QRect | None:
        """Where the row of entry ``key`` is, in global coordinates (None: not shown), so
        that a test can point at it."""
        model = self.model()
        if not isinstance(model, ThreadModel):
            return None
        index = model.index_of(key)
        rect = self.visualRect(index) if index.isValid() else QRect()
        if not rect.isValid() or not rect.intersects(self.viewport().rect()):
            return None
        rect = rect.intersected(self.viewport().rect())
        return QRect(self.viewport().mapToGlobal(rect.topLeft()), rect.size())

    def show_hit(self, key: str) -> bool:
        """Scroll to the entry ``key`` (a third down the view) and highlight it until the
        next click in the thread or the next thread; False when it is not held."""
        model = self.model()
        index = model.ensure_shown(key) if isinstance(model, ThreadModel) else QModelIndex()
        if not index.isValid():
            return False
        self._highlighted = key
        self.setCurrentIndex(index)
        self._anchor = ("key", key, max(0, self.viewport().height() // 3))
        self.scheduleDelayedItemsLayout()
        self.viewport().update()
        return True

    def highlighted_key(self) -> str | None:
        """The entry shown highlighted (a search hit), if any."""
        return self._highlighted

    def clear_highlight(self) -> None:
        if self._highlighted is not None:
            self._highlighted = None
            self.viewport().update()

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.maximum() - bar.value() <= self.AT_BOTTOM_PX

    # --- scroll bookkeeping -------------------------------------------------------
    def _capture_anchor(self, *_args: object) -> None:
        if self._anchor is not None:
            return
        if self.is_at_bottom():
            self._anchor = _BOTTOM
            return
        index = self.indexAt(QPoint(self.viewport().width() // 2, 1))
        if not index.isValid():
            index = self.indexAt(QPoint(1, 1))
        entry = entry_of(index) if index.isValid() else None
        if entry is None:
            self._anchor = ("value", "", self.verticalScrollBar().value())
        else:
            self._anchor = ("key", entry.key, self._message_top(index))

    def _message_top(self, index: QModelIndex) -> int:
        """Where the row's message starts (below its day separator, if it has one): the
        message stays put when an older page takes the separator away or adds it."""
        return self.visualRect(index).top() + self._delegate.content_top(
            self._option_for(index), index
        )

    def _option_for(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return option

    def _on_reset(self) -> None:
        self._highlighted = None
        self._delegate.invalidate()
        model = self.model()
        if isinstance(model, ThreadModel):
            self._delegate.set_now(model.now())
        self._older_pending = False
        self._anchor = _BOTTOM

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0:
            self._older_pending = False

    def _on_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: Sequence[int] = ()
    ) -> None:
        model = self.model()
        if roles and all(role == ThreadRole.TIME_TEXT for role in roles):
            # Only times moved on: no size changes (a new date may change texts and
            # bubble widths, never row heights); the base class repaints the rows.
            if isinstance(model, ThreadModel):
                self._delegate.set_now(model.now())
            return
        if isinstance(model, ThreadModel):
            for row in range(top.row(), bottom.row() + 1):
                entry = model.entry_at(row)
                if entry is not None:
                    self._delegate.invalidate(entry.key)
        self._capture_anchor()
        self.scheduleDelayedItemsLayout()

    @guarded(None)
    def updateGeometries(self) -> None:
        super().updateGeometries()
        anchor, self._anchor = self._anchor, None
        bar = self.verticalScrollBar()
        if anchor is not None:
            kind, key, offset = anchor
            model = self.model()
            index = (
                model.index_of(key) if kind == "key" and isinstance(model, ThreadModel) else None
            )
            if kind == "bottom":
                bar.setValue(bar.maximum())
            elif index is not None and index.isValid():
                bar.setValue(bar.value() + self._message_top(index) - offset)
            elif kind == "value":
                bar.setValue(offset)
        if bar.maximum() == 0:
            self._on_scrolled(0)

    def _layout_width(self) -> int:
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.contentsRect().width() - extent

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.size().width() != event.oldSize().width():
            self._capture_anchor()
            self._delegate.set_layout_width(self._layout_width())
            self._delegate.invalidate()
            self.scheduleDelayedItemsLayout()
        elif self.is_at_bottom():
            self._anchor = _BOTTOM
        super().resizeEvent(event)

    def _on_scrolled(self, value: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0 or value > self.NEAR_TOP_PX:
            return
        if isinstance(model, ThreadModel) and model.hidden_count() > 0:
            model.reveal_older()
            return
        if self._more_older and not self._older_pending:
            self._older_pending = True
            self.older_requested.emit()

    # --- retry affordance -----------------------------------------------------------
    def _retry_at(self, pos: QPoint) -> ThreadEntry | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        rect = self._delegate.retry_rect(self._option_for(index), index)
        return entry_of(index) if rect is not None and rect.contains(pos) else None

    def _action_at(self, pos: QPoint) -> tuple[str, ThreadEntry] | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        key = self._delegate.action_at(self._option_for(index), index, pos)
        entry = entry_of(index)
        return (key, entry) if key is not None and entry is not None else None

    def action_point(self, key: str, entry_key: str) -> QPoint | None:
        """Where the pill ``key`` of the entry ``entry_key`` is, in viewport coordinates
        (None: not shown); for tests and screenshots."""
        model = self.model()
        if not isinstance(model, ThreadModel):
            return None
        index = model.index_of(entry_key)
        if not index.isValid():
            return None
        option = self._option_for(index)
        lay = self._delegate.layout_for(option, index)
        if lay is None:
            return None
        shift = max(0, option.rect.width() - lay.size.width()) if lay.sent else 0
        for name, rect in lay.actions:
            if name == key:
                return rect.center() + option.rect.topLeft() + QPoint(shift, 0)
        return None

    @guarded(None)
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard  # the Menu key
        index = self.currentIndex() if keyboard else self.indexAt(event.pos())
        entry = entry_of(index) if index.isValid() else None
        if entry is None or not is_waiting(entry):
            super().contextMenuEvent(event)
            return
        menu = schedule_menu(self, entry, self.schedule_action_requested.emit)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        at = self.viewport().mapToGlobal(self.visualRect(index).center())
        menu.popup(at if keyboard else event.globalPos())

    @guarded(None)
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        over = self._retry_at(pos) is not None or self._action_at(pos) is not None
        shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clear_highlight()
        super().mousePressEvent(event)

    @guarded(None)
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            entry = self._retry_at(event.position().toPoint())
            if entry is not None:
                self.retry_requested.emit(entry)
                event.accept()
                return
            action = self._action_at(event.position().toPoint())
            if action is not None:
                self.schedule_action_requested.emit(*action)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_R):
            entry = entry_of(self.currentIndex()) if self.currentIndex().isValid() else None
            if entry is not None and can_retry(entry):
                self.retry_requested.emit(entry)
                return
        super().keyPressEvent(event)

    @guarded(False)
    def event(self, e: QEvent) -> bool:
        delegate = getattr(self, "_delegate", None)
        if delegate is not None and e.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            delegate.set_layout_width(self._layout_width())
            delegate.invalidate()
        return super().event(e)


def _signals(model: QAbstractListModel) -> list[Any]:
    return [
        model.rowsAboutToBeInserted,
        model.rowsAboutToBeRemoved,
        model.modelAboutToBeReset,
        model.layoutAboutToBeChanged,
    ]
