"""Under the compose box: the text as it will be sent, and numbers that cannot take texts.

``ComposePreview`` knows the open conversation's number and contact name
(:meth:`ComposePreview.set_recipient`). Given the text and the sender ID it returns the
text the recipient will get (``expanded``: placeholders filled from the contact, the
sender ID, today's date and the time now, ``domain.placeholders``), which the segment
meter counts, and shows it on a line under the box when the text has placeholders; a
placeholder without a value, or a brace out of place, is said there instead (the send
is refused with the same sentence). A second line flags a number that probably cannot
receive texts ("⚠ landline — usually cannot receive SMS", ``domain.numbers``); a mobile
is quiet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number, sms_reachability
from hubdesk.domain.placeholders import (
    MissingValue,
    PlaceholderContext,
    TemplateSyntaxError,
    expand,
    parse,
)
from hubdesk.domain.text import one_line
from hubdesk.ui.qt.fields import plain_label, sentence, set_tone

__all__ = ["ComposePreview", "reach_flag"]

PREVIEW_LIMIT = 300  # characters of the expanded text shown on the line


def reach_flag(number: PhoneNumber) -> str | None:
    """ "⚠ landline — usually cannot receive SMS" for a number texts probably do not
    reach; None for a mobile (or a number of unknown kind)."""
    reach = sms_reachability(number)
    return None if reach is None else f"⚠ {reach}"


class ComposePreview(QWidget):
    """The preview line and the number-type flag (each hidden when there is nothing to say)."""

    def __init__(
        self, parent: QWidget | None = None, now: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        self._now = now or (lambda: datetime.now().astimezone())
        self._number: PhoneNumber | None = None
        self._contact: str | None = None
        self.line = plain_label("", self, name="Message preview", wrap=True)
        self.flag = plain_label("", self, name="Number type warning", wrap=True)
        for label in (self.line, self.flag):  # a long unbroken word (a 2,000-character
            label.setMinimumWidth(1)  # template) is cut at the edge, never widens the window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line)
        layout.addWidget(self.flag)
        self.line.hide()
        self.flag.hide()
        self._sync_visible()

    # --- methods in ---------------------------------------------------------------
    def set_recipient(self, digits: str | None, contact_name: str | None = None) -> None:
        """The open conversation's number (E.164 digits; None: none open) and its
        contact's name (None: no contact)."""
        try:
            self._number = parse_number(digits) if digits else None
        except NumberError:
            self._number = None
        self._contact = contact_name
        flag = reach_flag(self._number) if self._number is not None else None
        self.flag.setText(flag or "")
        set_tone(self.flag, "warning")
        self.flag.setVisible(flag is not None)
        self._sync_visible()

    # --- values out ---------------------------------------------------------------
    def expanded(self, text: str, sender: str | None) -> str:
        """The text the recipient gets (the text itself when it cannot be filled), shown
        on the preview line when it differs from what is typed."""
        if "{" not in text and "}" not in text:
            self._say("", "muted")
            return text
        try:
            parsed = parse(text)
        except TemplateSyntaxError as exc:
            self._say(f"⚠ {sentence(str(exc))}", "error")
            return text
        if not parsed.has_placeholders:
            self._say("", "muted")
            return parsed.fill({})
        if self._number is None:
            self._say("Placeholders are filled for each recipient when sent.", "muted")
            return text
        context = PlaceholderContext(self._number, sender or "", self._now(), self._contact)
        try:
            filled = expand(parsed, context)
        except MissingValue as exc:
            self._say(f"⚠ {sentence(str(exc))}", "error")
            return text
        shown = one_line(filled)
        if len(shown) > PREVIEW_LIMIT:
            shown = shown[: PREVIEW_LIMIT - 1] + "…"
        self._say(f"Sends as: {shown}", "muted")
        return filled

    def preview_text(self) -> str:
        return self.line.text() if not self.line.isHidden() else ""

    def flag_text(self) -> str:
        return self.flag.text() if not self.flag.isHidden() else ""

    # --- internals ----------------------------------------------------------------
    def _say(self, text: str, tone: str) -> None:
        self.line.setText(text)
        set_tone(self.line, "error" if tone == "error" else "muted")
        self.line.setVisible(bool(text))
        self._sync_visible()

    def _sync_visible(self) -> None:
        self.setVisible(not (self.line.isHidden() and self.flag.isHidden()))
