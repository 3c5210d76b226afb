"""The "Send later…" button beside Send (compose, Bulk send): a menu of quick picks
("In 1 hour", "Tomorrow 9:00", "Next Monday 9:00") and "Pick date and time…", which
opens :class:`SendTimeDialog`. The button only names a time; its owner sends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from hubdesk.ui.messages.schedule_dialog import SendTimeDialog
from hubdesk.ui.messages.schedule_times import quick_picks

__all__ = ["PICK_LABEL", "SendLaterButton"]

PICK_LABEL = "Pick date and time…"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SendLaterButton(QToolButton):
    """ "Send later…" with its menu of times.

    Signals:
        time_chosen(object): a quick pick or a picked time: the moment, aware UTC.
    """

    time_chosen = Signal(object)

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.dialog: SendTimeDialog | None = None
        self.setText("Send &later…")  # Alt+L opens the menu
        self.setAccessibleName("Send later")
        self.setToolTip("Schedule the message: it is queued now and sent at the time you pick")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.later_menu = QMenu(self)
        self.later_menu.setAccessibleName("Send later")
        for pick in quick_picks():
            action = self.later_menu.addAction(pick.label)
            action.triggered.connect(
                lambda _c=False, p=pick: self.time_chosen.emit(p.when(clock()))
            )
        self.later_menu.addSeparator()
        self.later_menu.addAction(PICK_LABEL).triggered.connect(self.pick)
        self.setMenu(self.later_menu)

    def choose(self, label: str) -> bool:
        """Trigger the menu entry named ``label`` (tests, keyboard scripting)."""
        for action in self.later_menu.actions():
            if action.text() == label and action.isEnabled():
                action.trigger()
                return True
        return False

    def pick(self) -> SendTimeDialog:
        """Open the date-and-time dialog (non-modal to the event loop: ``open()``)."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = SendTimeDialog(self.window(), clock=self._clock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.time_chosen.connect(self.time_chosen)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: SendTimeDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
