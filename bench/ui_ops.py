"""The interactive measurements of ``ui_child.py app --ops N`` (a bench process, not run
by hand): opening threads and typing in the Messages search in the running app.

Imported once start-up has been measured: HubDesk itself loads asyncio only after its
first paint, so the child must not load it (nor ``statistics``) earlier either.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import time
from typing import Any

from PySide6.QtCore import Qt
from ui_probe import AfterPaint, emit, rss_kb

__all__ = ["Ops"]

BIG_PARTNER = "447400000000"  # store_bench.partner_number(0): the 10,000-message thread
SMALL_PARTNERS = ("447400000001", "447400000002", "447400000003")
# "tom" typed, then erased: each key a search whose hits replace the list (the results
# model is set anew), and the last Backspace shows the list of 5,000 again
FILTER_KEYS = ("t", "o", "m")
TIMEOUT_S = 5.0


class Ops:
    def __init__(self, window: Any, result: dict[str, Any], rounds: int) -> None:
        from hubdesk.ui.shell.controller import MainController

        self.w = window
        self.result = result
        self.rounds = rounds
        controller = window.findChild(MainController)
        assert controller is not None, "no MainController under the window"
        self.controller = controller
        self.loop = asyncio.get_event_loop()
        self.thread_paint = AfterPaint(window.messages_page.thread_view.viewport())
        self.list_paint = AfterPaint(window.messages_page.conversation_view.viewport())
        # A query shows its hits in place of the list (ui.messages.search.SearchResults);
        # clearing it shows the list again, as it was.
        self.results_paint = AfterPaint(window.messages_page.results.view.viewport())
        self.search_paint = AfterPaint(window.messages_page.search)
        self.marks: dict[str, float] = {}
        # the moments we observe (no HubDesk code changed): debounced query out,
        # worker result back on the UI thread, conversation model changed
        window.messages_page.search_changed.connect(lambda _t: self._mark("fire"))
        inbox = controller.services.inbox
        real_search = inbox.search

        async def search(query: str, limit: int = 50) -> Any:
            hits = await real_search(query, limit)
            self._mark("result")
            return hits

        inbox.search = search
        for model in (window.messages_page.conversation_model, window.messages_page.results.model):
            for signal in (
                model.modelReset,
                model.rowsRemoved,
                model.rowsInserted,
                model.rowsMoved,
                model.dataChanged,
                model.layoutChanged,
            ):
                signal.connect(lambda *_a: self._mark("model"))
        window.messages_page.thread_model.modelReset.connect(lambda: self._mark("thread_reset"))

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
        index = w.messages_page.conversation_model.index_of(partner)
        w.messages_page.conversation_view.scrollTo(index)
        await asyncio.sleep(0.05)
        rect = w.messages_page.conversation_view.visualRect(index)
        painted = self._future()
        self.marks.clear()
        self.thread_paint.expect(painted.set_result, armed=lambda: "thread_reset" in self.marks)
        from PySide6.QtTest import QTest

        t0 = time.monotonic()
        QTest.mouseClick(
            w.messages_page.conversation_view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            rect.center(),
        )
        t_click = time.monotonic()
        t_done = await self._wait(painted)
        view = w.messages_page.thread_view
        return {
            "partner": partner,
            "ms": None if t_done is None else (t_done - t0) * 1000,
            "click_sync_ms": (t_click - t0) * 1000,
            "reset_ms": (self.marks.get("thread_reset", t0) - t0) * 1000,
            "rows": w.messages_page.thread_model.rowCount(),
            "entries": w.messages_page.thread_model.entry_count(),
            "at_bottom": view.is_at_bottom(),
            "header": w.messages_page.open_partner() == partner,
        }

    async def whole_thread(self, partner: str) -> dict[str, Any]:
        """Stress (info): all 10,000 entries handed to the model at once, then painted."""
        w = self.w
        page = await self.controller.services.inbox.thread(partner, 20_000)
        painted = self._future()
        self.marks.clear()
        self.thread_paint.expect(painted.set_result, armed=lambda: "thread_reset" in self.marks)
        t0 = time.monotonic()
        w.messages_page.thread_model.set_entries(page.entries)
        w.messages_page.thread_view.scroll_to_newest()
        t_set = time.monotonic()
        t_done = await self._wait(painted)
        return {
            "ms": None if t_done is None else (t_done - t0) * 1000,
            "set_ms": (t_set - t0) * 1000,
            "entries": w.messages_page.thread_model.entry_count(),
        }

    async def keystroke(self, key: Qt.Key, text: str) -> dict[str, Any]:
        """One key into the search field: handling, echo painted, results applied (the
        hits painted; for the key that clears the query, the list painted again)."""
        from PySide6.QtTest import QTest

        w = self.w
        before = w.messages_page.search.text()
        clears = key == Qt.Key.Key_Backspace and len(before) <= 1
        echo = self._future()
        listed = self._future()
        self.marks.clear()
        self.search_paint.expect(echo.set_result)
        if clears:  # no search runs: the list shows again once the query goes out
            self.list_paint.expect(listed.set_result, armed=lambda: "fire" in self.marks)
        else:
            self.results_paint.expect(listed.set_result, armed=lambda: "model" in self.marks)
        t0 = time.monotonic()
        QTest.keyClick(w.messages_page.search, key, Qt.KeyboardModifier.NoModifier)
        t_key = time.monotonic()
        t_echo = await self._wait(echo)
        t_list = await self._wait(listed)
        marks = dict(self.marks)
        # results are back on the UI thread at "result" (worker search) or, for an empty
        # query (no search), when the debounced query goes out
        t_apply = marks.get("result", marks.get("fire"))
        page = w.messages_page
        shown = page.results.model if page.results.is_active() else page.conversation_model
        return {
            "text": w.messages_page.search.text(),
            "typed": text,
            "key_ms": (t_key - t0) * 1000,
            "echo_ms": None if t_echo is None else (t_echo - t0) * 1000,
            "debounce_ms": _ms(marks.get("fire"), t0),
            "search_ms": _ms(marks.get("result"), marks.get("fire")),
            "apply_ms": _ms(t_list, t_apply),
            "to_model_ms": _ms(marks.get("model"), t_apply),
            "total_ms": _ms(t_list, t0),
            "rows": shown.rowCount(),
            "searching": page.results.is_active(),
        }

    async def run(self) -> None:
        try:
            await asyncio.sleep(1.0)  # let start-up tasks (restore, first poll) settle
            self.result["rss_settled"] = rss_kb()
            opens: list[dict[str, Any]] = []
            keys: list[dict[str, Any]] = []
            w = self.w
            w.messages_page.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
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
