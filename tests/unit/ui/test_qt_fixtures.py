"""The shared Qt test harness: a test that leaves a window shown fails, by name, and the
window is hidden so that the next test is not blamed (``tests/qt_fixtures.py``); between
a test's phases its qasync loop is the running loop (``tests/conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

LEAKY = """
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.qt_fixtures import _no_window_left_open  # noqa: F401

kept = []


def test_forgets_its_dialog(qtbot: QtBot) -> None:
    dialog = QDialog()
    dialog.setWindowTitle("Forgotten")
    dialog.show()
    kept.append(dialog)


def test_closes_its_dialog(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.show()


def test_after_the_leak(qtbot: QtBot) -> None:
    assert not [d for d in kept if d.isVisible()]
"""


PENDING = """
import asyncio

from pytestqt.qtbot import QtBot

from hubdesk.ui.qt.async_slots import spawn
from tests.qt_fixtures import qloop  # noqa: F401

seen = []


def test_ends_with_a_task_step_pending(qloop: asyncio.AbstractEventLoop, qtbot: QtBot) -> None:
    async def later() -> None:
        seen.append(asyncio.get_running_loop() is qloop)

    spawn(later(), name="later")  # its first step: after the test's body


def test_the_step_ran_on_the_test_loop() -> None:
    assert seen == [True]
"""


def _pytest(where: Path, *args: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rE", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run.returncode, run.stdout + run.stderr


def test_a_task_step_pending_as_a_test_ends_runs_on_its_loop(tmp_path: Path) -> None:
    """pytest-qt processes Qt's events after each phase, outside the test's loop: the step
    ran with no running loop and failed ("no running event loop", an ERROR)."""
    (tmp_path / "test_pending.py").write_text(PENDING, encoding="utf-8")
    code, out = _pytest(tmp_path, "-p", "tests.conftest", str(tmp_path))
    assert code == 0 and "2 passed" in out, out
    assert "no running event loop" not in out, out


def test_a_window_left_shown_fails_its_test_and_only_that_one(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY, encoding="utf-8")
    code, out = _pytest(tmp_path, str(tmp_path))
    assert code == 1, out
    assert "3 passed, 1 error" in out, out
    assert "ERROR at teardown of test_forgets_its_dialog" in out, out
    assert "left 1 window(s) shown: QDialog 'Forgotten'" in out, out
