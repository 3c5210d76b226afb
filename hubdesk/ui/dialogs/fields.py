"""Small pieces the pages and dialogs share: plain-text labels, coloured notes and the
inline phone-number check ("reason shown as you type").

Every label made here is ``Qt.TextFormat.PlainText``: received or typed text is never
interpreted as rich text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from hubdesk.domain.numbers import (
    NumberError,
    PhoneNumber,
    charge_of,
    parse_number,
    parse_uk_number,
)
from hubdesk.ui.theme import colors_for

Tone = Literal["normal", "muted", "ok", "warning", "error"]

__all__ = [
    "NumberCheck",
    "Tone",
    "charge_note",
    "country_code",
    "local_time_text",
    "non_uk_note",
    "plain_label",
    "sentence",
    "set_tone",
]


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    name: str | None = None,
    wrap: bool = False,
) -> QLabel:
    """A label that shows its text literally (never rich text)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if name:
        label.setAccessibleName(name)
    return label


def set_tone(label: QLabel, tone: Tone) -> None:
    """Colour a label's text for its meaning, from the current theme's colours."""
    colors = colors_for(label.palette())
    palette = label.palette()
    if tone == "normal":
        color = label.window().palette().color(QPalette.ColorRole.WindowText)
    else:
        color = {
            "muted": colors.muted_text,
            "ok": colors.success,
            "warning": colors.warning,
            "error": colors.failed,
        }[tone]
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
    label.setProperty("tone", tone)


def sentence(reason: str) -> str:
    """``"not a valid UK number: too short"`` -> ``"Not a valid UK number: too short."``"""
    text = reason.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def country_code(number: PhoneNumber) -> str:
    """``"+1"`` for a US number (taken from its international form)."""
    return number.international().split(" ", 1)[0]


def non_uk_note(number: PhoneNumber) -> str:
    return f"Not a UK number ({country_code(number)}): SMS only, calls unavailable"


def charge_note(number: str | PhoneNumber) -> str | None:
    """The flag for a number in a chargeable range ("⚠ Premium rate: calls and texts to
    it can cost several pounds"), None for an ordinary one (``domain.numbers.charge_of``)."""
    charge = charge_of(number)
    return None if charge is None else f"⚠ {charge.label}: {charge.cost}"


def local_time_text(moment: datetime) -> str:
    """An aware time in the computer's zone: ``11 Mar 2026 14:05``."""
    local = moment.astimezone()
    return f"{local.day} {local.strftime('%b %Y %H:%M')}"


class NumberCheck(QObject):
    """Validates a line edit as the user types and explains the result in ``note``.

    ``uk_only``: contacts and calls (parse_uk_number); otherwise any valid number is
    accepted and a non-UK one gets the "SMS only" note. ``optional``: empty is valid
    (and means "no number"). ``changed`` fires after every re-check.
    """

    changed = Signal()

    def __init__(
        self,
        edit: QLineEdit,
        note: QLabel,
        *,
        uk_only: bool,
        optional: bool = False,
        empty_hint: str = "",
        describe_ok: Callable[[PhoneNumber], str] | None = None,
    ) -> None:
        super().__init__(edit)
        self._edit = edit
        self._note = note
        self._uk_only = uk_only
        self._optional = optional
        self._empty_hint = empty_hint
        self._describe_ok = describe_ok or (lambda n: f"✓ {n}")
        self.number: PhoneNumber | None = None
        self.reason = ""
        edit.textChanged.connect(self.recheck)
        self.recheck()

    @property
    def empty(self) -> bool:
        return not self._edit.text().strip()

    @property
    def valid(self) -> bool:
        return self.number is not None or (self._optional and self.empty)

    def recheck(self, *_: object) -> None:
        text = self._edit.text()
        self.number, self.reason = None, ""
        if not text.strip():
            self._say(self._empty_hint, "muted")
            if not self._optional:
                self.reason = "Enter a phone number."
        else:
            try:
                self.number = parse_uk_number(text) if self._uk_only else parse_number(text)
            except NumberError as exc:
                self.reason = sentence(str(exc))
                self._say(self.reason, "error")
            else:
                cost = charge_note(self.number)
                if cost is not None:  # valid, but say what calling it may cost
                    self._say(f"{self._describe_ok(self.number)} — {cost}", "warning")
                elif self.number.is_uk:
                    self._say(self._describe_ok(self.number), "ok")
                else:
                    self._say(non_uk_note(self.number), "warning")
        self._edit.setAccessibleDescription(self._note.text())
        self.changed.emit()

    def _say(self, text: str, tone: Tone) -> None:
        self._note.setText(text)
        set_tone(self._note, tone)
