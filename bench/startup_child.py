"""The reference windows of ``startup_bench.py`` (bench processes, not run by hand).

    python bench/startup_child.py bare           a bare PySide6 QMainWindow (the baseline)
    python bench/startup_child.py floor DB_FILE  the same window holding a stock QListView
                                                 of the newest 100 conversations in DB_FILE
    python bench/startup_child.py hubdesk        HubDesk's own ``main([])`` (only with
                                                 STARTUP_EXIT_AT_SHOW, below)

Each shows its window (1000x680, the size HubDesk's opens at) and runs until it is ended
(SIGTERM): ``startup_bench`` watches the X server for the window being mapped and reads
the process's memory from outside, so these import nothing for their own timing.

With ``STARTUP_EXIT_AT_SHOW=1`` the process ends as soon as its main window's ``show()``
has returned (``QMainWindow.show`` wrapped; HubDesk's ``MainWindow`` inherits it): what
``startup_bench --instructions`` counts under valgrind, the work up to the window being
shown, free of the machine's load.

``floor`` is what any conversation list costs here: the rows come from the same query as
HubDesk's first frame (``hubdesk.store.conversations.list_conversations``, read-only, on
the stdlib's sqlite3), shown as one line each in Qt's own list view and delegate, with no
icons, styles, menus, toolbar or custom painting. Like HubDesk it installs
``hubdesk.app.importscan`` before PySide6 (else PySide6's import hook reads the source of
every module imported after it).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

WIDTH, HEIGHT = 1000, 680
FLOOR_ROWS = 100  # hubdesk.app.firstpaint.FIRST_ROWS


def floor_list(window: QMainWindow, db_file: str) -> None:
    """A stock QListView with the newest ``FLOOR_ROWS`` conversations as the central
    widget."""
    import sqlite3
    from pathlib import Path

    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    from hubdesk.store.conversations import list_conversations

    conn = sqlite3.connect(f"{Path(db_file).as_uri()}?mode=ro", uri=True)
    try:
        rows = list_conversations(conn, limit=FLOOR_ROWS)
    finally:
        conn.close()
    view = QListView(window)
    view.setModel(QStringListModel([f"{c.partner}  {c.last_text}" for c in rows], view))
    window.setCentralWidget(view)


def exit_at_show() -> None:
    """End the process once any main window's ``show()`` has returned."""
    from PySide6.QtWidgets import QMainWindow

    real_show = QMainWindow.show

    def show(self: QMainWindow) -> None:
        real_show(self)
        os._exit(0)

    QMainWindow.show = show  # type: ignore[method-assign]


def install_importscan() -> None:
    """HubDesk's ``importscan`` (``hubdesk.ui.importscan`` before the ``app`` package)."""
    try:
        from hubdesk.app import importscan
    except ImportError:  # an older checkout
        from hubdesk.ui import importscan  # type: ignore[no-redef]
    importscan.install()


def run_hubdesk() -> int:
    """HubDesk's real start (``hubdesk.app:main`` before the ``app`` package)."""
    install_importscan()  # as main does, before PySide6 (imported here for the wrapper)
    if os.environ.get("STARTUP_EXIT_AT_SHOW"):
        exit_at_show()
    try:
        from hubdesk.app.main import main as hubdesk_main
    except ImportError:  # an older checkout
        from hubdesk.app import main as hubdesk_main  # type: ignore[attr-defined,no-redef]
    return int(hubdesk_main([]))


def main(argv: list[str]) -> int:
    if argv[:1] == ["hubdesk"]:
        return run_hubdesk()
    if argv[:1] == ["floor"]:
        install_importscan()
    from PySide6.QtWidgets import QApplication, QMainWindow

    if os.environ.get("STARTUP_EXIT_AT_SHOW"):
        exit_at_show()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(WIDTH, HEIGHT)
    if argv[:1] == ["floor"]:
        floor_list(window, argv[1])
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
