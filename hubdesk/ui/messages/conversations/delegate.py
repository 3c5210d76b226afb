"""``ConversationDelegate``: two painted lines per conversation row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hubdesk.ui.messages.conversations.model import ConversationRole, single_line
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for

AnyIndex = QModelIndex | QPersistentModelIndex

_LEFT = Qt.AlignmentFlag.AlignLeft
_RIGHT = Qt.AlignmentFlag.AlignRight
_VCENTER = Qt.AlignmentFlag.AlignVCenter
_ELIDE = Qt.TextElideMode.ElideRight


class ConversationDelegate(QStyledItemDelegate):
    """Two lines per row: name and time; preview, failed / opted-out markers, unread badge."""

    PAD_X = 10
    PAD_Y = 7
    GAP = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._size_cache: tuple[QFont, QSize] | None = None

    @guarded(QSize(200, 40))
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        cached = self._size_cache
        font: QFont = option.font
        if cached is not None and cached[0] == font:
            return cached[1]
        bold = QFont(font)
        bold.setBold(True)
        height = QFontMetrics(bold).height() + QFontMetrics(font).height()
        size = QSize(200, height + 2 * self.PAD_Y + 4)
        self._size_cache = (QFont(font), size)
        return size

    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        open_of = getattr(opt.widget, "open_partner", None)  # ConversationListView's
        partner = index.data(ConversationRole.PARTNER)
        if open_of is not None and open_of() == partner:  # painted selected; cursor: frame
            opt.state |= QStyle.StateFlag.State_Selected
        else:
            opt.state &= ~QStyle.StateFlag.State_Selected
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else None
        painter.save()
        try:
            if style is not None:
                style.drawPrimitive(
                    QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget
                )
            self._paint_content(painter, opt, index)
            if opt.state & QStyle.StateFlag.State_HasFocus:
                self._paint_focus(painter, opt)
        finally:
            painter.restore()

    def _paint_focus(self, painter: QPainter, opt: QStyleOptionViewItem) -> None:
        """The keyboard cursor of a focused list: a frame in the highlight colour (the
        cursor may sit on a row that is not selected, e.g. after Tab into the list)."""
        pen = QPen(opt.palette.color(QPalette.ColorRole.Highlight))
        pen.setWidth(2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(opt.rect.adjusted(1, 1, -1, -1))

    def _paint_content(self, painter: QPainter, opt: QStyleOptionViewItem, index: AnyIndex) -> None:
        rect: QRect = opt.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        colors = colors_for(palette)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_color if selected else colors.muted_text
        font = QFont(opt.font)
        unread = int(index.data(ConversationRole.UNREAD) or 0)
        title_font = QFont(font)
        title_font.setBold(True)
        title_fm = QFontMetrics(title_font)
        fm = QFontMetrics(font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        # Line 1: title ... time
        line1 = QRect(rect.left(), rect.top(), rect.width(), title_fm.height())
        time_text = str(index.data(ConversationRole.TIME_TEXT) or "")
        time_font = QFont(font)
        if unread:
            time_font.setBold(True)
        time_width = QFontMetrics(time_font).horizontalAdvance(time_text)
        painter.setFont(time_font)
        painter.setPen(colors.badge if unread and not selected else muted)
        painter.drawText(
            line1, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), time_text
        )
        title_rect = line1.adjusted(0, 0, -(time_width + self.GAP), 0)
        if bool(index.data(ConversationRole.PINNED)):
            pin_right = title_rect.right() - 2
            self._paint_pin(painter, title_rect, muted)
            title_rect.setRight(pin_right - line1.height() - 2)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            title_fm.elidedText(
                single_line(title, 120), Qt.TextElideMode.ElideRight, title_rect.width()
            ),
        )

        # Line 2: preview ... [failed] [opted out] [badge]
        line2 = QRect(rect.left(), line1.bottom() + 3, rect.width(), fm.height())
        right = line2.right()
        painter.setFont(font)
        if unread:
            right = self._paint_badge(
                painter, line2, right, unread, colors.badge, colors.badge_text
            )
        if bool(index.data(ConversationRole.OPTED_OUT)):
            right = self._paint_pill(painter, line2, right, "Opted out", muted)
        if bool(index.data(ConversationRole.FAILED)):
            right = self._paint_failed(painter, line2, right, colors.failed)
        preview_rect = QRect(
            line2.left(), line2.top(), max(0, right - line2.left()), line2.height()
        )
        preview = str(index.data(ConversationRole.PREVIEW) or "")
        painter.setPen(text_color if unread else muted)
        painter.setFont(font)
        painter.drawText(
            preview_rect,
            int(_LEFT | _VCENTER),
            fm.elidedText(preview, _ELIDE, preview_rect.width()),
        )

    def _paint_pin(self, painter: QPainter, line: QRect, color: QColor) -> None:
        """A drawing pin at the right end of ``line`` (the row is pinned on top)."""
        size = min(line.height(), 14)
        x = line.right() - size
        y = line.center().y() - size // 2
        painter.save()
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(color)
        head = QRectF(x + size * 0.25, y, size * 0.5, size * 0.45)
        painter.drawRoundedRect(head, 2, 2)
        painter.drawLine(
            int(x + size * 0.1), int(y + size * 0.5), int(x + size * 0.9), int(y + size * 0.5)
        )
        painter.drawLine(int(x + size * 0.5), int(y + size * 0.5), int(x + size * 0.5), y + size)
        painter.restore()

    def _paint_badge(
        self, painter: QPainter, line: QRect, right: int, count: int, bg: QColor, fg: QColor
    ) -> int:
        text = "99+" if count > 99 else str(count)
        font = QFont(painter.font())
        font.setBold(True)
        fm = QFontMetrics(font)
        height = line.height()
        width = max(height, fm.horizontalAdvance(text) + 10)
        box = QRectF(right - width + 1, line.top(), width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(fg)
        painter.setFont(font)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        return int(box.left()) - self.GAP

    def _paint_pill(
        self, painter: QPainter, line: QRect, right: int, text: str, color: QColor
    ) -> int:
        fm = QFontMetrics(painter.font())
        width = fm.horizontalAdvance(text) + 10
        box = QRectF(right - width + 1, line.top() + 0.5, width, line.height() - 1)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(color)
        painter.drawRoundedRect(box, 4, 4)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        return int(box.left()) - self.GAP

    def _paint_failed(self, painter: QPainter, line: QRect, right: int, color: QColor) -> int:
        size = min(line.height(), 16)
        box = QRectF(right - size + 1, line.center().y() - size / 2 + 1, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(box)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "!")
        return int(box.left()) - self.GAP
