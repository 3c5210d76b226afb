"""HubDesk's widgets, list models and delegates.

Widgets here are dumb: they take domain values through methods and report what the user
did through signals. Nothing in this package imports ``hubdesk.api``, ``hubdesk.store``
or ``hubdesk.sync``; ``qtasync`` is the only module that imports qasync.

Importing this package also installs :func:`guard_none_refcount` (see there): the
PySide6 6.12 wheels in use return ``None`` from void methods without taking a
reference, which on CPython < 3.12 (where ``None`` is not immortal) ends in
``Fatal Python error: none_dealloc`` after a few thousand Qt calls.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

_NONE_BOOST = 1 << 40


def _none_leaks() -> bool:
    """True when a void PySide6 call drops a reference to ``None`` it never took."""
    from PySide6.QtCore import QSize  # local: keep the package import light

    size = QSize()
    before = sys.getrefcount(None)
    for _ in range(16):
        size.setWidth(1)
    return sys.getrefcount(None) < before


def guard_none_refcount() -> bool:
    """Make ``None`` effectively immortal when PySide6 mis-counts its references.

    CPython 3.12+ makes ``None`` immortal (PEP 683), and the PySide6 6.12 bindings rely on
    it: void methods (``QPainter.setPen``, ``QPalette.setColor``, ``QTextLayout
    .beginLayout``, ``QTimer.start``...) return ``None`` without ``Py_INCREF``. On 3.11
    each call costs ``None`` one reference until the interpreter aborts. ``None`` is a
    static object that is never freed, so adding a large constant to its count is what
    3.12 does by design. Applied only when a probe shows the leak; returns whether it was.
    """
    if sys.version_info >= (3, 12) or not _none_leaks():
        return False
    # The same bindings also drop references to True / False in places (seen as
    # ``bool_dealloc`` at interpreter exit), so those get the same treatment.
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _NONE_BOOST
    return True


def guarded(default: _R) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Wrap a Python override of a Qt virtual (``paint``, ``sizeHint``, ``data``...).

    With PySide6 6.12 an exception escaping an override is stored and re-raised at the
    next return into Python (killing the event loop), and some (argument ``TypeError``s)
    segfault shiboken while it formats them. Overrides therefore log and return
    ``default`` instead of raising.
    """

    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        where = getattr(fn, "__qualname__", repr(fn))

        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return fn(*args, **kwargs)
            except Exception:
                logging.getLogger(fn.__module__).exception("error in Qt override %s", where)
                return default

        functools.update_wrapper(wrapper, fn)
        return wrapper

    return decorate


NONE_GUARD_APPLIED = guard_none_refcount()

# Public widgets (imported after ``guarded`` exists: the modules use it).
from hubdesk.ui.compose import ComposePane  # noqa: E402
from hubdesk.ui.conversations import (  # noqa: E402
    ConversationDelegate,
    ConversationListModel,
    ConversationListView,
)
from hubdesk.ui.icons import IconSet  # noqa: E402
from hubdesk.ui.qtasync import async_slot, spawn  # noqa: E402
from hubdesk.ui.theme import apply_theme  # noqa: E402
from hubdesk.ui.thread import ThreadDelegate, ThreadModel, ThreadView  # noqa: E402

__all__ = [
    "NONE_GUARD_APPLIED",
    "ComposePane",
    "ConversationDelegate",
    "ConversationListModel",
    "ConversationListView",
    "IconSet",
    "ThreadDelegate",
    "ThreadModel",
    "ThreadView",
    "apply_theme",
    "async_slot",
    "guard_none_refcount",
    "guarded",
    "spawn",
]
