"""Wires scheduled messages to ``core.scheduling.Scheduler``: the actions on a
scheduled bubble and in the Scheduled list (Edit time, Send now, Cancel), the list
itself (refreshed when outbox rows change), and the overdue prompt.

Overdue messages (their time passed more than an hour ago while no HubDesk ran; the
outbox holds them) are asked about once each, in a prompt that does not block the
window; nothing is sent until the user says Send now. The check runs after every
change the inbox reports and every ``OVERDUE_CHECK_MS``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import not_signed_in
from hubdesk.core.scheduling import Scheduler
from hubdesk.domain import OutboxItem, ThreadEntry
from hubdesk.ui.messages.schedule_dialog import SendTimeDialog
from hubdesk.ui.messages.schedule_times import scheduled_phrase
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.scheduled.dialog import ScheduledDialog
from hubdesk.ui.scheduled.overdue import OverduePrompt
from hubdesk.ui.scheduled.rows import ScheduledRow, recipients_text
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.statusbar import Connection
from hubdesk.ui.shell.window import MainWindow

__all__ = ["OVERDUE_CHECK_MS", "QUEUED_OFFLINE", "ScheduledController"]

OVERDUE_CHECK_MS = 15_000
QUEUED_OFFLINE = "Queued: it goes out as soon as HubDesk is back online."
# Actions on a bubble that reach every recipient of a bulk send: title, what it does, button.
_ASK_FOR_BULK = {
    "cancel": (
        "Cancel a bulk send",
        "Cancelling it here cancels it for all {n}.",
        "Cancel for all {n}",
    ),
    "send": (
        "Send a bulk send now",
        "Sending it now sends it to all {n} now.",
        "Send to all {n} now",
    ),
    "edit": (
        "Move a bulk send",
        "Changing its time here changes it for all {n}.",
        "Change the time for all {n}",
    ),
}
_REFRESH_MS = 150


def _now() -> datetime:
    return datetime.now(UTC)


class ScheduledController(QObject):
    """The Scheduled list, the bubble actions and the overdue prompt."""

    def __init__(self, window: MainWindow, services: Services, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.contacts = contacts
        self.dialog: ScheduledDialog | None = None
        self.time_dialog: SendTimeDialog | None = None
        self.prompt: OverduePrompt | None = None
        self.confirm: QMessageBox | None = None  # "Cancel it for all N recipients?"
        self._asked: set[int] = set()  # overdue messages already asked about
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(_REFRESH_MS)
        self._refresh.timeout.connect(lambda: spawn(self.refresh(), name="ui-scheduled"))
        self._overdue_timer = QTimer(self)
        self._overdue_timer.setInterval(OVERDUE_CHECK_MS)
        self._overdue_timer.timeout.connect(self._refresh.start)
        self._overdue_timer.start()
        window.scheduled_requested.connect(self.open)
        window.messages_page.schedule_action_requested.connect(self.on_bubble)
        services.inbox.events.conversations_changed.connect(lambda _p: self._refresh.start())

    def _scheduler(self) -> Scheduler:
        if self.services.scheduler is None:
            raise not_signed_in("send_sms")
        return self.services.scheduler

    # --- the list -------------------------------------------------------------------
    def open(self) -> ScheduledDialog:
        """Show the Scheduled list (raised when already open)."""
        if self.dialog is None:
            dialog = ScheduledDialog(self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.action_requested.connect(self.on_list)
            dialog.finished.connect(lambda _r: self._forget(dialog))
            self.dialog = dialog
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        spawn(self.refresh(), name="ui-scheduled")
        return self.dialog

    def _forget(self, dialog: ScheduledDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    async def refresh(self) -> None:
        """Reload the list when it is open; ask about new overdue messages."""
        scheduler = self.services.scheduler
        if scheduler is None:
            return
        waiting = await scheduler.waiting()
        names = await self.contacts.names()
        if self.dialog is not None:
            now = _now()
            self.dialog.set_rows(ScheduledRow(i, recipients_text(i, names), now) for i in waiting)
        overdue = [i for i in waiting if i.state.held and i.state.value == "overdue"]
        fresh = [i for i in overdue if i.id not in self._asked]
        if self.prompt is not None and not self.prompt.keep_only({i.id for i in overdue}):
            self.prompt.reject()  # each one was settled elsewhere: nothing left to ask
        if fresh and self.prompt is None:
            self._ask(overdue, names)

    # --- overdue --------------------------------------------------------------------
    def check_overdue(self) -> None:
        """Look for overdue messages now (after a sign-in, a wake)."""
        spawn(self.refresh(), name="ui-scheduled")

    def _ask(self, items: list[OutboxItem], names: dict[str, str]) -> None:
        self._asked.update(i.id for i in items)
        prompt = OverduePrompt(items, names, _now(), self.window)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.decided.connect(self.decide)
        prompt.finished.connect(lambda _r: self._forget_prompt(prompt))
        self.prompt = prompt
        prompt.show()

    def _forget_prompt(self, prompt: OverduePrompt) -> None:
        if self.prompt is prompt:
            self.prompt = None

    def _on_error(self, exc: Exception) -> None:
        from hubdesk.core.errors import describe_error

        self.window.show_toast(describe_error(exc), error=True)

    @async_slot(on_error=_on_error)
    async def decide(self, what: str, ids: list[int]) -> None:
        """The prompt's answer: send every listed message now, or cancel every one."""
        scheduler = self._scheduler()
        done = 0
        problems: list[str] = []
        for outbox_id in ids:
            try:
                if what == "send":
                    await scheduler.send_now(outbox_id)
                else:
                    await scheduler.cancel(outbox_id)
                done += 1
            except Exception as exc:  # one that changed meanwhile: say so, go on
                from hubdesk.core.errors import describe_error

                problems.append(describe_error(exc))
        verb = "Sending" if what == "send" else "Cancelled"
        if what == "send" and self._offline():
            verb = "Queued"
        text = f"{verb} {done} overdue message{'s' * (done != 1)}."
        if verb == "Queued":
            text += " They go out when HubDesk is back online."
        self.window.show_toast(" ".join([text, *problems[:2]]), error=bool(problems))
        self._refresh.start()

    # --- actions --------------------------------------------------------------------
    def on_bubble(self, key: str, entry: ThreadEntry) -> None:
        if entry.outbox_id is None:
            return
        if key in _ASK_FOR_BULK:  # one person's bubble may be a bulk send to many: ask
            spawn(
                self._act_from_bubble(key, entry.outbox_id, entry.time),
                name="ui-scheduled-bubble",
            )
        else:
            self.act(key, entry.outbox_id, entry.time)

    async def _act_from_bubble(self, key: str, outbox_id: int, when: datetime) -> None:
        waiting = await self._scheduler().waiting()
        item = next((i for i in waiting if i.id == outbox_id), None)
        if item is None or len(item.destinations) <= 1:
            self.act(key, outbox_id, when)
            return
        if self.confirm is not None:
            self.confirm.close()
        count = len(item.destinations)
        title, effect, go = _ASK_FOR_BULK[key]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            f"This scheduled message is one bulk send to {count} recipients. "
            + effect.format(n=count),
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.addButton(go.format(n=count), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        moment = item.not_before or when
        box.accepted.connect(lambda: self.act(key, outbox_id, moment))
        box.finished.connect(lambda _r: self._forget_confirm(box))
        self.confirm = box
        box.open()

    def _forget_confirm(self, box: QMessageBox) -> None:
        if self.confirm is box:
            self.confirm = None

    def on_list(self, key: str, item: OutboxItem) -> None:
        self.act(key, item.id, item.not_before or item.created_at)

    def act(self, key: str, outbox_id: int, when: datetime) -> None:
        """Edit time (asks for the new time), Send now or Cancel one message."""
        if key == "edit":
            self.edit_time(outbox_id, when)
        elif key == "send":
            self.send_now(outbox_id)
        elif key == "cancel":
            self.cancel(outbox_id)

    def edit_time(self, outbox_id: int, when: datetime) -> SendTimeDialog:
        if self.time_dialog is not None:
            self.time_dialog.close()
        parent = self.dialog if self.dialog is not None else self.window
        initial = max(when, _now())
        dialog = SendTimeDialog(
            parent, initial=initial, title="Edit send time", action="Change time"
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.time_chosen.connect(lambda moment: self.reschedule(outbox_id, moment))
        dialog.finished.connect(lambda _r: self._forget_time(dialog))
        self.time_dialog = dialog
        dialog.open()
        return dialog

    def _forget_time(self, dialog: SendTimeDialog) -> None:
        if self.time_dialog is dialog:
            self.time_dialog = None

    @async_slot(on_error=_on_error)
    async def reschedule(self, outbox_id: int, when: datetime) -> None:
        item = await self._scheduler().reschedule(outbox_id, when)
        shown = scheduled_phrase(item.not_before or when, _now())
        self.window.show_toast(f"Now scheduled for {shown}.")
        self._refresh.start()

    @async_slot(on_error=_on_error)
    async def send_now(self, outbox_id: int) -> None:
        await self._scheduler().send_now(outbox_id)
        self.window.show_toast(QUEUED_OFFLINE if self._offline() else "Sending now.")
        self._refresh.start()

    def _offline(self) -> bool:
        """Nothing goes out now: the connection is down or rate-limited."""
        return self.window.status.connection in (Connection.OFFLINE, Connection.RATE_LIMITED)

    @async_slot(on_error=_on_error)
    async def cancel(self, outbox_id: int) -> None:
        """Cancel one message. Its text goes back into the box of its conversation when
        that is open and empty: one click on the bubble's Cancel took the text away for
        good (no question, no undo)."""
        item = await self._scheduler().cancel(outbox_id)
        page = self.window.messages_page
        if (
            len(item.destinations) == 1
            and page.open_partner() == item.destinations[0]
            and not page.compose.text().strip()
        ):
            page.compose.replace_text(item.text)  # kept as a draft, like typed text
            self.window.show_toast(
                "Scheduled message cancelled; it will not be sent. Its text is back in the box."
            )
        else:
            self.window.show_toast("Scheduled message cancelled; it will not be sent.")
        self._refresh.start()
