"""How times read in lists and bubbles (local time, relative to an injectable "now"),
and the once-a-minute tick that keeps them current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QListView, QWidget

from hubdesk.domain import dates
from hubdesk.ui.qt.overrides import guarded


def format_list_time(moment: datetime, now: datetime) -> str:
    """The conversation list's column (``domain.dates.list_time``): ``14:05`` today,
    ``Yesterday``, a weekday within the week, else a date: the thread's words."""
    return dates.list_time(moment, now)


def format_bubble_time(moment: datetime, now: datetime) -> str:
    """``14:05`` today; else ``domain.dates.when``: ``Yesterday 14:05``, ``Tue 14:05``,
    ``3 Mar 14:05``, ``3 Mar 2023 14:05``."""
    if dates.local_day(moment) == dates.local_day(now):
        return moment.astimezone().strftime("%H:%M")
    return dates.when(moment, now)


def format_when(moment: datetime, now: datetime) -> str:
    """A moment in a table cell or a search hit (``domain.dates.when``)."""
    return dates.when(moment, now)


local_day = dates.local_day


def format_day_label(moment: datetime, now: datetime) -> str:
    """A thread's day separator (``domain.dates.day_label``): ``Today``, ``Yesterday``,
    ``Monday`` (within the week), else ``12 March 2026``; all in local time."""
    return dates.day_label(moment, now)


def _local_now() -> datetime:
    return datetime.now().astimezone()


_SLACK_MS = 20  # land just after the minute starts, never just before it


def msecs_to_next_minute(now: datetime) -> int:
    """Milliseconds from ``now`` until just after the next minute starts."""
    into = now.second * 1000 + now.microsecond // 1000
    return 60_000 - into + _SLACK_MS


class MinuteTicker(QObject):
    """Emits ``tick`` at the start of every minute while started.

    One single-shot ``QTimer``, re-armed from the clock after each tick, so it stays
    aligned to the minute (a coarse or late timer, a suspended laptop) instead of
    drifting. Views start it when shown and stop it when hidden.

    Signals:
        tick(): a new minute began.
    """

    tick = Signal()

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock or _local_now
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._fire)

    @classmethod
    def attached_to(
        cls, owner: QObject, *, clock: Callable[[], datetime] | None = None
    ) -> MinuteTicker:
        """A ticker for ``owner`` (a view), owned by the application and deleted on its
        own thread once ``owner`` is destroyed.

        Not a child of ``owner``: Python's GC may destroy a dropped widget on whatever
        thread it runs (a qasync worker), and Qt cannot stop a running timer from another
        thread; it would later fire into freed memory.
        """
        ticker = cls(QCoreApplication.instance(), clock=clock)
        owner.destroyed.connect(ticker.deleteLater)  # queued when destroyed off-thread
        return ticker

    @property
    def timer(self) -> QTimer:
        """The one timer (tests read its interval and fire it through ``timeout``)."""
        return self._timer

    def start(self) -> None:
        self._timer.start(msecs_to_next_minute(self._clock()))

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    def _fire(self) -> None:
        self.start()
        self.tick.emit()


class LiveTimesListView(QListView):
    """A list view whose model's relative times stay current: a :class:`MinuteTicker`
    runs while the view is shown and calls the model's ``refresh_times()`` each minute
    (and once on show, to catch up after being hidden)."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        self._ticker = MinuteTicker.attached_to(self, clock=clock)
        self._ticker.tick.connect(self.refresh_times)

    @property
    def minute_ticker(self) -> MinuteTicker:
        return self._ticker

    def refresh_times(self) -> None:
        """Bring the model's time texts up to date (models without them are skipped)."""
        refresh = getattr(self.model(), "refresh_times", None)
        if callable(refresh):
            refresh()

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ticker.start()
        self.refresh_times()

    @guarded(None)
    def hideEvent(self, event: QHideEvent) -> None:
        self._ticker.stop()
        super().hideEvent(event)
