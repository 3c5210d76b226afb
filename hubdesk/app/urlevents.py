"""macOS link opens: ``tel:``/``sms:`` URLs arrive as ``QFileOpenEvent``, not in ``argv``.

When the user clicks a ``tel:`` link and HubDesk is the handler, macOS sends the running
(or just launched) app a "get URL" Apple Event; Qt turns it into a ``QEvent.FileOpen``
delivered to the application object. :class:`UrlEventFilter`, installed on the
``QApplication`` before the event loop starts, catches those for the schemes HubDesk
handles and emits ``uri_received(str)`` with the link as fully percent-encoded text, for
``hubdesk.domain.uris.parse_uri``. Other file-open events (documents, other schemes)
are left alone. Harmless on Windows and Linux, where links come in ``argv``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent

from hubdesk.ui.qt.overrides import guarded

__all__ = ["SCHEMES", "UrlEventFilter"]

SCHEMES = frozenset({"tel", "sms"})


class UrlEventFilter(QObject):
    """Reports each ``tel:``/``sms:`` URL-open event it sees.

    Signals:
        uri_received(str): the URL, as the system gave it.
    """

    uri_received = Signal(str)

    def __init__(self, parent: QObject | None = None, *, schemes: frozenset[str] = SCHEMES) -> None:
        super().__init__(parent)
        self._schemes = frozenset(s.lower() for s in schemes)
        self._target: QObject | None = None

    def install(self, app: QObject) -> None:
        """Watch ``app``'s events (call once the QApplication exists, before its loop)."""
        if self._target is not None:
            self._target.removeEventFilter(self)
        app.installEventFilter(self)
        self._target = app

    def uninstall(self) -> None:
        if self._target is not None:
            self._target.removeEventFilter(self)
            self._target = None

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        url = event.url()
        if not url.isValid() or url.scheme().lower() not in self._schemes:
            return False
        # Fully encoded: parse_uri decodes percent-escapes itself, strictly, once.
        text = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
        self.uri_received.emit(text)
        return True
