"""HubDesk's widgets, list models and delegates.

Widgets here are dumb: they take domain values through methods and report what the user
did through signals. Nothing in this package imports ``hubdesk.api``, ``hubdesk.store``
or ``hubdesk.sync``; ``qtasync`` is the only module that imports qasync.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded(default: _R) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Wrap a Python override of a Qt virtual (``paint``, ``sizeHint``, ``data``...).

    With PySide6 6.12 an exception escaping an override is stored and re-raised at the
    next return into Python (killing the event loop), and some (argument ``TypeError``s)
    segfault shiboken while it formats them. Overrides therefore log and return
    ``default`` instead of raising.
    """

    return guarded_with(lambda: default)


def guarded_with(make_default: Callable[[], _R]) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """:func:`guarded` for a default that cannot be built at import time (a ``QPixmap``
    needs a ``QGuiApplication``): ``make_default()`` is called only after an error."""

    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        where = getattr(fn, "__qualname__", repr(fn))

        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return fn(*args, **kwargs)
            except Exception:
                logging.getLogger(fn.__module__).exception("error in Qt override %s", where)
                return make_default()

        functools.update_wrapper(wrapper, fn)
        return wrapper

    return decorate


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
    "guarded",
    "guarded_with",
    "spawn",
]
