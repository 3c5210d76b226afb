"""Helpers shared by ``ui_child.py`` and ``ui_ops.py`` (bench processes, not run by hand):
the paint-completion hook, the process's memory, the one-line JSON report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from _proc import rss_kb
from PySide6.QtCore import QEvent, QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

__all__ = ["AfterPaint", "emit", "rss_kb"]


def emit(result: dict[str, Any]) -> None:
    print("UIBENCH " + json.dumps(result), flush=True)


class AfterPaint(QObject):
    """Calls ``done(monotonic)`` once the next Paint of ``widget`` has completed.

    Completion = the zero-timer posted when the Paint event arrives has fired: the
    paint pass that delivered it (and the flush) has returned to the event loop.
    ``armed`` decides whether a given Paint counts (default: every one).
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback: Callable[[float], None] | None = None
        self.armed: Callable[[], bool] = lambda: True
        self.t_event = 0.0
        widget.installEventFilter(self)

    def expect(
        self, callback: Callable[[float], None], armed: Callable[[], bool] = lambda: True
    ) -> None:
        self.callback, self.armed = callback, armed

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.widget and event.type() == QEvent.Type.Paint:
            callback = self.callback
            if callback is not None and self.armed():
                self.callback = None
                self.t_event = time.monotonic()
                QTimer.singleShot(0, lambda: callback(time.monotonic()))
        return False
