"""Python overrides of Qt virtuals (``paint``, ``sizeHint``, ``data``, event handlers)
that never let an exception escape into Qt: :func:`guarded` and :func:`guarded_with`."""

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
