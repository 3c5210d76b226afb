"""The standard way a failure reaches the user: the sentence ``core.errors.describe_error``
makes of it, in the window's toast, tinted as an error.

:func:`show_error` is that one line; ``async_slot`` uses it for every slot without an
error handler of its own, and handlers that do more (refresh a page, keep a dialog open)
call it too.
"""

from __future__ import annotations

from typing import Protocol

from hubdesk.core.errors import describe_error

__all__ = ["ToastHost", "show_error"]


class ToastHost(Protocol):
    """What shows a transient notice: ``MainWindow``."""

    def show_toast(self, text: str, *, error: bool = False) -> None: ...


def show_error(host: ToastHost, exc: BaseException) -> None:
    """Show ``exc`` to the user as one plain sentence (never a traceback) in ``host``'s
    toast, tinted as an error."""
    host.show_toast(describe_error(exc), error=True)
