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

import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

APP_MODE = sys.argv[1:2] == ["app"]
if APP_MODE:
    # As ``hubdesk.app.main`` does before PySide6, which this file imports below for its
    # own hooks: without this the child would measure a different order. The
    # measurements after start-up (``ui_ops``) load asyncio once it is over, as HubDesk
    # does; the bare window imports no more than its own timing needs.
    from hubdesk.app import importscan

    importscan.install()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402
from ui_probe import AfterPaint, emit, rss_kb  # noqa: E402


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
    import hubdesk.ui.shell.window as window_module
    from hubdesk.app.main import main

    real_show = window_module.MainWindow.show

    def show(self: QMainWindow) -> None:
        if not hasattr(show, "attached"):
            show.attached = True  # type: ignore[attr-defined]
            frame.attach(self)
            watch_list(self)
        real_show(self)

    window_module.MainWindow.show = show  # type: ignore[method-assign]

    def watch_list(window: Any) -> None:
        model = window.messages_page.conversation_model
        hook = AfterPaint(window.messages_page.conversation_view.viewport())

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
        import asyncio

        from ui_ops import Ops

        asyncio.get_event_loop().create_task(Ops(window, frame.result, ops).run())

    frame = FirstFrame(lambda _w: None)
    return main([])


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "bare"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--ops" else 0
    total = int(os.environ.get("UIBENCH_ROWS", "5000"))  # the whole list: ui_bench's 5,000
    sys.exit(run_bare() if mode == "bare" else run_app(rounds, total))
