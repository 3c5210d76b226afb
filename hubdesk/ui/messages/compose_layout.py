"""How tall the compose pane must be: its rows at a width, wrapped lines included.

The splitter over the pane knows only its explicit minimum height, and a squeezed layout
painted the warnings over the message box: the pane asks for what ``needed_height``
says (``ComposePane.set_floor_height``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLayout, QWidget


def needed_height(
    layout: QLayout,
    top: QHBoxLayout,
    bottom: QHBoxLayout,
    editor: QWidget,
    preview: QWidget,
    width: int,
) -> int:
    """The height ``layout`` (the top row, the editor at its least, the preview when
    shown, the bottom row) needs at ``width``, its margins included."""
    margins = layout.contentsMargins()
    width = max(1, width - margins.left() - margins.right())
    heights = [top.sizeHint().height(), editor.minimumHeight()]
    if not preview.isHidden():
        heights.append(max(preview.heightForWidth(width), 0))
    heights.append(row_height(bottom, width))
    need = sum(heights) + layout.spacing() * (len(heights) - 1)
    return need + margins.top() + margins.bottom()


def row_height(row: QHBoxLayout, width: int) -> int:
    """A row's height at ``width`` (a wrapped note in it may need more than one line)."""
    if row.hasHeightForWidth():
        return max(row.heightForWidth(width), row.sizeHint().height())
    return row.sizeHint().height()
