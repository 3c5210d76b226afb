"""Python's cyclic garbage collection, on the GUI thread only.

CPython runs the cycle collector on whichever thread allocates when a generation's
threshold is crossed. HubDesk has other threads (the DB worker, qasync's executor,
httpx's resolver): a collection there destroys dropped Qt objects on the wrong thread,
Qt cannot stop their timers from it ("QObject::~QObject: Timers cannot be stopped from
another thread"), and the stale timers later fire into freed memory, a crash far from
the cause. So automatic collection is switched off and a timer on the GUI thread
collects by generation when the same thresholds are crossed (the usual remedy in PyQt
and PySide applications).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from hubdesk.ui.qt.overrides import guarded


class GuiThreadCollector(QObject):
    """Owns cyclic GC while it runs: ``start()`` disables automatic collection and checks
    the generation counts every ``interval_ms``; ``stop()`` collects once and restores."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @guarded(None)
    def check(self) -> None:
        """Collect the generations whose thresholds were crossed, as CPython would."""
        young, middle, old = gc.get_count()
        if young <= self._thresholds[0]:
            return
        if middle > self._thresholds[1] and old > self._thresholds[2]:
            gc.collect(2)
        elif middle > self._thresholds[1]:
            gc.collect(1)
        else:
            gc.collect(0)
