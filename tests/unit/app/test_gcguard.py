"""GuiThreadCollector: automatic cyclic GC off, collections by generation on the timer."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication

from hubdesk.app.gcguard import GuiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle only the cyclic collector frees


def test_collects_on_the_gui_thread_when_the_young_threshold_is_crossed(
    qapp: QApplication,
) -> None:
    freed: list[str] = []
    collector = GuiThreadCollector(qapp, interval_ms=10)
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        collector.start()
        assert not gc.isenabled() and collector.active
        gc.collect()
        threshold = gc.get_threshold()[0]
        for _ in range(threshold + 50):
            node = Node()
            node.flag = threading.get_ident()  # type: ignore[attr-defined]
        del node
        assert gc.get_count()[0] > threshold  # nothing collected it automatically

        gc.callbacks.append(lambda phase, _info: freed.append(threading.current_thread().name))
        collector.check()
        assert gc.get_count()[0] < threshold
        assert freed and set(freed) == {threading.main_thread().name}
        gc.callbacks.pop()
        collector.stop()
        assert gc.isenabled() and not collector.active  # what start() found, restored
    finally:
        collector.stop()
        if not was_enabled:  # this test folder keeps automatic GC off (conftest)
            gc.disable()


def test_below_the_threshold_nothing_is_collected(qapp: QApplication) -> None:
    collector = GuiThreadCollector(qapp)
    collector.start()
    try:
        gc.collect()
        runs: list[str] = []
        gc.callbacks.append(lambda phase, _info: runs.append(phase))
        try:
            collector.check()
        finally:
            gc.callbacks.pop()
        assert runs == []
    finally:
        collector.stop()
