"""Qt tests: the shared Qt fixtures (``tests/qt_fixtures.py``)."""

from tests.qt_fixtures import (  # noqa: F401  (fixtures, found by name)
    _collect_after_each_test,
    _gc_on_the_gui_thread,
    _no_window_left_open,
    qloop,
)
