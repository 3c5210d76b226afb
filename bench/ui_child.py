"""One measured process for ``ui_bench.py`` (not run by hand): prints one JSON line.

    python bench/ui_child.py bare            a bare PySide6 QMainWindow (the baseline)
    python bench/ui_child.py app             HubDesk's real start path (``hubdesk.app.main``)
    python bench/ui_child.py app --ops N     ... then N rounds of opening the big thread and
                                             typing in the conversation filter

Three moments of the app's start, each "completed paint" = the zero-timer posted when a
Paint event arrives has fired (that paint pass, children and flush, has returned to the
event loop); times are ``time.monotonic()``, which the parent compares with its own just
before spawning (CLOCK_MONOTONIC is system-wide on Linux):

* ``t_frame``: the main window's first completed paint, whatever it shows;
* ``t_content``: the first completed paint of the conversation list's viewport while
  the list holds cached conversations (``rows_content`` of them): what the user needs to
  see. This is the moment the start-up goal is about. ``t_content == t_frame`` when the
  first frame already showed them;
* ``t_full``: the first completed paint of the list holding every conversation
  (``rows``), i.e. after the store worker opened and the whole list loaded (info).

``t_paint`` is when the window's first Paint event arrived. The bare window has only
``t_frame`` (used for all three).

In ``app`` mode the only change to HubDesk is that ``MainWindow.show`` installs those
filters first (a class attribute wrapped in this process); everything else (profile,
settings, store worker, conversation list, session restore from the keyring) is the
real start-up, on the profile in ``HUBDESK_HOME``.
"""

from __future__ import annotations

import time

T_ENTER = time.monotonic()

import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

APP_MODE = sys.argv[1:2] == ["app"]
if APP_MODE:
    # As ``hubdesk.app.main`` does first thing (before PySide6, which this file imports
    # below for its own hooks): without this the child would measure a different order.
    # asyncio and statistics serve the app mode's measurements only: the bare window
    # imports no more than its own timing needs, so the baseline stays a bare window.
    import asyncio  # noqa: E402
    import importlib  # noqa: E402
    import statistics  # noqa: E402

    from hubdesk.app import BEFORE_QT  # noqa: E402

    for _name in BEFORE_QT:
        importlib.import_module(_name)

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

if APP_MODE or TYPE_CHECKING:
    from PySide6.QtCore import Qt  # noqa: E402  (the Qt namespace: ~15 ms, app mode only)
if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

BIG_PARTNER = "447400000000"  # store_bench.partner_number(0): the 10,000-message thread
SMALL_PARTNERS = ("447400000001", "447400000002", "447400000003")
# "tom": 5,000 -> 409 -> 327 -> 321 rows on store_bench's data, then back (each step
# changes the list: a reset both ways at the ends, small removes / inserts between)
FILTER_KEYS = ("t", "o", "m")
TIMEOUT_S = 5.0


def rss_kb() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in kB, from /proc/self/status."""
    found: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


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

    def expect(self, callback: Callable[[float], None],
               armed: Callable[[], bool] = lambda: True) -> None:  # fmt: skip
        self.callback, self.armed = callback, armed

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.widget and event.type() == QEvent.Type.Paint:
            callback = self.callback
            if callback is not None and self.armed():
                self.callback = None
                self.t_event = time.monotonic()
                QTimer.singleShot(0, lambda: callback(time.monotonic()))
        return False


# --- first frame -----------------------------------------------------------------------
class FirstFrame:
    def __init__(self, on_frame: Callable[[QMainWindow], None]) -> None:
        self.on_frame = on_frame
        self.result: dict[str, Any] = {"t_enter": T_ENTER}

    def attach(self, window: QMainWindow) -> None:
        self.result["t_show"] = time.monotonic()
        self.hook = AfterPaint(window)
        self.hook.expect(lambda t: self._frame(window, t))

    def _frame(self, window: QMainWindow, t_frame: float) -> None:
        self.result.update(t_paint=self.hook.t_event, t_frame=t_frame, **rss_kb())
        self.on_frame(window)


def run_bare() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1000, 680)  # the size HubDesk's window opens at

    def done(_w: QMainWindow) -> None:
        result = frame.result
        result.update(t_content=result["t_frame"], t_full=result["t_frame"])
        emit(result)
        app.quit()

    frame = FirstFrame(done)
    frame.attach(window)
    window.show()
    return app.exec()


def run_app(ops: int, total_rows: int) -> int:
    import hubdesk.ui.window as window_module
    from hubdesk.app import main

    real_show = window_module.MainWindow.show

    def show(self: QMainWindow) -> None:
        if not hasattr(show, "attached"):
            show.attached = True  # type: ignore[attr-defined]
            frame.attach(self)
            watch_list(self)
        real_show(self)

    window_module.MainWindow.show = show  # type: ignore[method-assign]

    def watch_list(window: Any) -> None:
        model = window.conversation_model
        hook = AfterPaint(window.conversation_view.viewport())

        def content(t: float) -> None:
            frame.result.update(t_content=t, rows_content=model.rowCount())
            if model.rowCount() >= total_rows:
                full(t)  # the first list paint already held every conversation
            else:
                hook.expect(full, armed=lambda: model.rowCount() >= total_rows)

        def full(t: float) -> None:
            frame.result.update(t_full=t, rows=model.rowCount())
            finish(window)

        hook.expect(content, armed=lambda: model.rowCount() > 0)

    def finish(window: QMainWindow) -> None:
        if "t_frame" not in frame.result:  # the list painted before the window's timer
            QTimer.singleShot(10, lambda: finish(window))
            return
        if not ops:
            emit(frame.result)
            os._exit(0)
        asyncio.get_event_loop().create_task(Ops(window, frame.result, ops).run())

    frame = FirstFrame(lambda _w: None)
    return main([])


# --- interactive measurements in the running app --------------------------------------
class Ops:
    def __init__(self, window: Any, result: dict[str, Any], rounds: int) -> None:
        from hubdesk.ui.controller import MainController

        self.w = window
        self.result = result
        self.rounds = rounds
        controller = window.findChild(MainController)
        assert controller is not None, "no MainController under the window"
        self.controller = controller
        self.loop = asyncio.get_event_loop()
        self.thread_paint = AfterPaint(window.thread_view.viewport())
        self.list_paint = AfterPaint(window.conversation_view.viewport())
        self.search_paint = AfterPaint(window.search)
        self.marks: dict[str, float] = {}
        # the moments we observe (no HubDesk code changed): debounced query out,
        # worker result back on the UI thread, conversation model changed
        window.search_changed.connect(lambda _t: self._mark("fire"))
        inbox = controller.services.inbox
        real_search = inbox.search

        async def search(query: str, limit: int = 50) -> Any:
            hits = await real_search(query, limit)
            self._mark("result")
            return hits

        inbox.search = search
        model = window.conversation_model
        for signal in (model.modelReset, model.rowsRemoved, model.rowsInserted,
                       model.rowsMoved, model.dataChanged, model.layoutChanged):  # fmt: skip
            signal.connect(lambda *_a: self._mark("model"))
        window.thread_model.modelReset.connect(lambda: self._mark("thread_reset"))

    def _mark(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic())

    def _future(self) -> asyncio.Future[float]:
        return self.loop.create_future()

    async def _wait(self, future: asyncio.Future[float]) -> float | None:
        try:
            return await asyncio.wait_for(future, TIMEOUT_S)
        except TimeoutError:
            return None

    async def open_thread(self, partner: str) -> dict[str, Any]:
        """Click the partner's row; time until the thread's viewport has painted the new
        page (the first Paint after the thread model's reset)."""
        w = self.w
        index = w.conversation_model.index_of(partner)
        w.conversation_view.scrollTo(index)
        await asyncio.sleep(0.05)
        rect = w.conversation_view.visualRect(index)
        painted = self._future()
        self.marks.clear()
        self.thread_paint.expect(painted.set_result, armed=lambda: "thread_reset" in self.marks)
        from PySide6.QtTest import QTest

        t0 = time.monotonic()
        QTest.mouseClick(w.conversation_view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())  # fmt: skip
        t_click = time.monotonic()
        t_done = await self._wait(painted)
        view = w.thread_view
        return {
            "partner": partner,
            "ms": None if t_done is None else (t_done - t0) * 1000,
            "click_sync_ms": (t_click - t0) * 1000,
            "reset_ms": (self.marks.get("thread_reset", t0) - t0) * 1000,
            "rows": w.thread_model.rowCount(),
            "entries": w.thread_model.entry_count(),
            "at_bottom": view.is_at_bottom(),
            "header": w.current_partner() == partner,
        }

    async def whole_thread(self, partner: str) -> dict[str, Any]:
        """Stress (info): all 10,000 entries handed to the model at once, then painted."""
        w = self.w
        page = await self.controller.services.inbox.thread(partner, 20_000)
        painted = self._future()
        self.marks.clear()
        self.thread_paint.expect(painted.set_result, armed=lambda: "thread_reset" in self.marks)
        t0 = time.monotonic()
        w.thread_model.set_entries(page.entries)
        w.thread_view.scroll_to_newest()
        t_set = time.monotonic()
        t_done = await self._wait(painted)
        return {
            "ms": None if t_done is None else (t_done - t0) * 1000,
            "set_ms": (t_set - t0) * 1000,
            "entries": w.thread_model.entry_count(),
        }

    async def keystroke(self, key: Qt.Key, text: str) -> dict[str, Any]:
        """One key into the search field: handling, echo painted, results applied."""
        from PySide6.QtTest import QTest

        w = self.w
        echo = self._future()
        listed = self._future()
        self.marks.clear()
        self.search_paint.expect(echo.set_result)
        self.list_paint.expect(listed.set_result, armed=lambda: "model" in self.marks)
        t0 = time.monotonic()
        QTest.keyClick(w.search, key, Qt.KeyboardModifier.NoModifier)
        t_key = time.monotonic()
        t_echo = await self._wait(echo)
        t_list = await self._wait(listed)
        marks = dict(self.marks)
        # results are back on the UI thread at "result" (worker search) or, for an empty
        # query (no search), when the debounced query goes out
        t_apply = marks.get("result", marks.get("fire"))
        return {
            "text": w.search.text(),
            "typed": text,
            "key_ms": (t_key - t0) * 1000,
            "echo_ms": None if t_echo is None else (t_echo - t0) * 1000,
            "debounce_ms": _ms(marks.get("fire"), t0),
            "search_ms": _ms(marks.get("result"), marks.get("fire")),
            "apply_ms": _ms(t_list, t_apply),
            "to_model_ms": _ms(marks.get("model"), t_apply),
            "total_ms": _ms(t_list, t0),
            "rows": w.conversation_model.rowCount(),
        }

    async def run(self) -> None:
        try:
            await asyncio.sleep(1.0)  # let start-up tasks (restore, first poll) settle
            self.result["rss_settled"] = rss_kb()
            opens: list[dict[str, Any]] = []
            keys: list[dict[str, Any]] = []
            w = self.w
            w.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            for i in range(self.rounds):
                opens.append(await self.open_thread(BIG_PARTNER))
                await asyncio.sleep(0.2)
                other = SMALL_PARTNERS[i % len(SMALL_PARTNERS)]
                opens.append(await self.open_thread(other))
                await asyncio.sleep(0.2)
                for ch in FILTER_KEYS:
                    keys.append(await self.keystroke(getattr(Qt.Key, f"Key_{ch.upper()}"), ch))
                    await asyncio.sleep(0.1)
                for _ in FILTER_KEYS:
                    keys.append(await self.keystroke(Qt.Key.Key_Backspace, "\b"))
                    await asyncio.sleep(0.1)
            gc.collect()
            await asyncio.sleep(0.5)
            self.result["rss_end"] = rss_kb()  # after the app's own paths only
            whole = [await self.whole_thread(BIG_PARTNER) for _ in range(3)]
            gc.collect()
            await asyncio.sleep(0.5)
            self.result.update(opens=opens, keys=keys, whole=whole, rss_stress=rss_kb())
            big = [o["ms"] for o in opens if o["partner"] == BIG_PARTNER and o["ms"]]
            self.result["big_open_median"] = statistics.median(big) if big else None
        except Exception as exc:  # report, don't hang the parent
            self.result["error"] = repr(exc)
        emit(self.result)
        os._exit(0)


def _ms(end: float | None, start: float | None) -> float | None:
    return None if end is None or start is None else (end - start) * 1000


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "bare"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--ops" else 0
    total = int(os.environ.get("UIBENCH_ROWS", "5000"))  # the whole list: ui_bench's 5,000
    sys.exit(run_bare() if mode == "bare" else run_app(rounds, total))
