"""``SearchHitDelegate``: two painted lines per hit: who and when; the snippet with the
matched words in bold on a highlight. Plain text only (``QPainter.drawText`` of each
piece): a message can never format or reorder anything."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hubdesk.ui.messages.search.model import HitRole
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for

AnyIndex = QModelIndex | QPersistentModelIndex

_LEFT_V = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_V = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
MATCH_BACKGROUND = QColor(255, 214, 10, 110)  # a marker pen over either theme


class SearchHitDelegate(QStyledItemDelegate):
    """Who ... when; then the snippet, matched words bold on a marker highlight."""

    PAD_X = 10
    PAD_Y = 7
    GAP = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    @guarded(QSize(200, 40))
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        font: QFont = option.font
        bold = QFont(font)
        bold.setBold(True)
        height = QFontMetrics(bold).height() * 2
        return QSize(200, height + 2 * self.PAD_Y + 4)

    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget: QWidget | None = opt.widget
        painter.save()
        try:
            if widget is not None:
                widget.style().drawPrimitive(
                    QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget
                )
            self._paint_content(painter, opt, index)
            if opt.state & QStyle.StateFlag.State_HasFocus:
                pen = QPen(opt.palette.color(QPalette.ColorRole.Highlight))
                pen.setWidth(2)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(opt.rect.adjusted(1, 1, -1, -1))
        finally:
            painter.restore()

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
        bold = QFont(font)
        bold.setBold(True)
        fm, bfm = QFontMetrics(font), QFontMetrics(bold)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        line1 = QRect(rect.left(), rect.top(), rect.width(), bfm.height())
        when = str(index.data(HitRole.TIME_TEXT) or "")
        kind = str(index.data(HitRole.KIND_TEXT) or "")
        right_text = f"{kind} · {when}" if kind and when else (kind or when)
        painter.setFont(font)
        painter.setPen(muted)
        painter.drawText(line1, _RIGHT_V, right_text)
        title_rect = line1.adjusted(0, 0, -(fm.horizontalAdvance(right_text) + self.GAP), 0)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(
            title_rect,
            _LEFT_V,
            bfm.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width()),
        )

        line2 = QRect(rect.left(), line1.bottom() + 3, rect.width(), bfm.height())
        segments = index.data(HitRole.SEGMENTS) or ()
        self._paint_segments(painter, line2, segments, font, bold, text_color, muted)

    def _paint_segments(
        self,
        painter: QPainter,
        line: QRect,
        segments: tuple[tuple[str, bool], ...],
        font: QFont,
        bold: QFont,
        text_color: QColor,
        muted: QColor,
    ) -> None:
        """Each piece as :func:`fit_segments` places it, matched ones bold on the marker."""
        for piece, matched, x, width in fit_segments(segments, line.width(), font, bold):
            box = QRect(line.left() + x, line.top(), width + 1, line.height())
            if matched:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(MATCH_BACKGROUND)
                painter.drawRoundedRect(QRectF(box).adjusted(-1, 1, 1, -1), 3, 3)
            painter.setFont(bold if matched else font)
            painter.setPen(text_color if matched else muted)
            painter.drawText(box, _LEFT_V, piece)


Placed = list[tuple[str, bool, int, int]]  # piece, matched, x from the line's left, width


def fit_segments(
    segments: tuple[tuple[str, bool], ...], width: int, font: QFont, bold: QFont
) -> Placed:
    """Where each piece of a snippet goes on a line ``width`` pixels wide: one after the
    other, the piece that does not fit elided and ending the line. When the first match
    would not fit whole, the text before it gives way first (elided at its start,
    keeping a leading "You: " piece), so the row always shows what matched."""
    pieces = [(p, m) for p, m in segments if p]
    first = next((i for i, (_p, m) in enumerate(pieces) if m), None)
    if first:  # text before the first match: make room for the match
        fm, bfm = QFontMetrics(font), QFontMetrics(bold)
        keep = 1 if first > 1 else 0  # "You: " before the snippet stays
        kept_width = sum(fm.horizontalAdvance(p) for p, _m in pieces[:keep])
        lead = "".join(p for p, _m in pieces[keep:first])
        match_width = bfm.horizontalAdvance(pieces[first][0])
        if kept_width + fm.horizontalAdvance(lead) + match_width > width:
            budget = max(0, (width - kept_width - match_width) // 3)
            lead = fm.elidedText(lead, Qt.TextElideMode.ElideLeft, budget) if budget else ""
            pieces = [*pieces[:keep], (lead, False), *pieces[first:]]
    placed: Placed = []
    x = 0
    for piece, matched in pieces:
        if x >= width:
            break
        fm = QFontMetrics(bold if matched else font)
        advance = fm.horizontalAdvance(piece)
        if x + advance > width:
            piece = fm.elidedText(piece, Qt.TextElideMode.ElideRight, width - x)
            advance = fm.horizontalAdvance(piece)
        if piece:
            placed.append((piece, matched, x, advance))
        x += advance
    return placed
