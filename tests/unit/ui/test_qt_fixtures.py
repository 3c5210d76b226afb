"""The shared Qt fixtures' guard (``tests/qt_fixtures.py``): a test that leaves a window
shown fails, by name, and the window is hidden so that the next test is not blamed."""

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


def test_a_window_left_shown_fails_its_test_and_only_that_one(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rE", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "3 passed, 1 error" in out, out
    assert "ERROR at teardown of test_forgets_its_dialog" in out, out
    assert "left 1 window(s) shown: QDialog 'Forgotten'" in out, out
