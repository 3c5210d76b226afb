"""HubDesk's widgets, list models and delegates.

Widgets here are dumb: they take domain values through methods and report what the user
did through signals. Nothing in this package imports ``hubdesk.api``, ``hubdesk.store``
or ``hubdesk.sync``; ``qtasync`` is the only module that imports qasync.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from hubdesk import lazy_exports

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


# Public widgets, resolved on first use (PEP 562): importing ``hubdesk.ui`` (every module
# here does, for ``guarded``) loads no widget module, nor qasync, nor QtSvg.
_LAZY: dict[str, str] = {
    "ComposePane": "hubdesk.ui.compose",
    "ConversationDelegate": "hubdesk.ui.conversations",
    "ConversationListModel": "hubdesk.ui.conversations",
    "ConversationListView": "hubdesk.ui.conversations",
    "IconSet": "hubdesk.ui.icons",
    "ThreadDelegate": "hubdesk.ui.thread",
    "ThreadModel": "hubdesk.ui.thread",
    "ThreadView": "hubdesk.ui.thread",
    "apply_theme": "hubdesk.ui.theme",
    "async_slot": "hubdesk.ui.qtasync",
    "spawn": "hubdesk.ui.qtasync",
}

if TYPE_CHECKING:
    from hubdesk.ui.compose import ComposePane
    from hubdesk.ui.conversations import (
        ConversationDelegate,
        ConversationListModel,
        ConversationListView,
    )
    from hubdesk.ui.icons import IconSet
    from hubdesk.ui.qtasync import async_slot, spawn
    from hubdesk.ui.theme import apply_theme
    from hubdesk.ui.thread import ThreadDelegate, ThreadModel, ThreadView


if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)

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
