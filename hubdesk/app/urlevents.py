"""macOS link opens: ``tel:``/``sms:`` URLs arrive as ``QFileOpenEvent``, not in ``argv``.

When the user clicks a ``tel:`` link and HubDesk is the handler, macOS sends the running
(or just launched) app a "get URL" Apple Event; Qt turns it into a ``QEvent.FileOpen``
sent to the application object. :class:`HubDeskApplication` (the process's
``QApplication``, made by ``app.main``) emits ``uri_received(str)`` for those with the
schemes HubDesk handles, with the link as fully percent-encoded text (:func:`link_of`),
for ``hubdesk.domain.uris.parse_uri``. Other file-open events (documents, other schemes)
go on to Qt. On Windows and Linux links come in ``argv``; the same code runs there.

Why a subclass and not an event filter installed on the application: Qt calls such a
filter for every event of every object in the process (it is an application-wide
filter), so each widget's construction, layout and paint went through Python once more,
~7 % of the instructions up to the main window being mapped (``bench/README.md``).
``event()`` is called only for the application object's own few events.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from hubdesk.ui.qt.overrides import guarded

__all__ = ["SCHEMES", "HubDeskApplication", "link_of"]

SCHEMES = frozenset({"tel", "sms"})


def link_of(event: QEvent, schemes: frozenset[str] = SCHEMES) -> str | None:
    """The link a file-open ``event`` carries when its scheme is one of ``schemes`` (any
    case), fully percent-encoded (``parse_uri`` decodes escapes itself, strictly, once);
    None for any other event, a document, another scheme or an invalid URL."""
    if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
        return None
    url = event.url()
    if not url.isValid() or url.scheme().lower() not in {s.lower() for s in schemes}:
        return None
    return bytes(url.toEncoded().data()).decode("ascii", errors="replace")


class HubDeskApplication(QApplication):
    """The ``QApplication`` that reports link opens.

    Signals:
        uri_received(str): a ``tel:``/``sms:`` link handed over as an event (macOS).
    """

    uri_received = Signal(str)

    def __init__(self, argv: Sequence[str], *, schemes: frozenset[str] = SCHEMES) -> None:
        super().__init__(list(argv))
        self._schemes = schemes

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and self._open_link(event):
            return True
        return super().event(event)

    @guarded(False)
    def _open_link(self, event: QEvent) -> bool:
        link = link_of(event, self._schemes)
        if link is None:
            return False
        self.uri_received.emit(link)
        return True
