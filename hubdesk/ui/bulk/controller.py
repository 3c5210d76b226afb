"""Bulk send (File > Bulk send…, Ctrl+Shift+B, or a new message to several numbers):
the dialog wired to ``core.bulk.BulkSender`` (the plan) and ``core.batches.BulkSends``
(the send).

"Check recipients" plans: one text for all (``BulkSender.plan``), or, when the text has
placeholders, each recipient's own text (``BulkSender.plan_personalised``). "Send now"
(or a time from "Send later…") writes every row of the send in one transaction, as a
batch: one bulk row per 500 numbers for one text, one row per recipient for a
personalised text. The outbox loop sends it a few at a time under the rate limit; the
dialog follows the batch (n of N) with Pause / Resume and Cancel the rest. A batch still
going when the app starts (after a restart or a crash) opens the dialog on its progress.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from hubdesk.core.batches import BulkSends
from hubdesk.core.bulk import BulkSender
from hubdesk.core.bulk_personal import has_placeholders
from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error, not_signed_in
from hubdesk.domain import BatchState, OutboxBatch, OutboxState
from hubdesk.domain.numbers import format_number
from hubdesk.ui.bulk.dialog import BulkSendDialog
from hubdesk.ui.bulk.report import BulkInputs, BulkSendRequest
from hubdesk.ui.messages.schedule_times import scheduled_phrase
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.qt.errors import show_error
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import MainWindow

__all__ = ["PROGRESS_MS", "BulkController"]

PROGRESS_MS = 250  # how often the progress is read while a batch goes
_GOING = (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.UNKNOWN)


class BulkController(QObject):
    """Opens the Bulk send dialog and runs its plan, its send and its progress.

    Signals:
        dialog_opened(object): a new ``BulkSendDialog`` was opened (for Ctrl+T's
            templates, wired in ``app.shell``).
    """

    dialog_opened = Signal(object)

    def __init__(self, window: MainWindow, services: Services, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.contacts = contacts
        self.dialog: BulkSendDialog | None = None
        self.batch_id: int | None = None  # the batch the dialog follows
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(self._tick)
        window.bulk_send_requested.connect(self.open)

    def open(self, numbers: Sequence[str] = ()) -> BulkSendDialog:
        """The dialog, with ``numbers`` (E.164 digits) already in "Paste numbers"."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = BulkSendDialog(self.window, self.window.icons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        settings = self.services.settings.current
        dialog.set_sender_ids(self.services.sender_ids.items, settings.default_sender_id)
        if numbers:
            dialog.prefill_numbers([format_number(n) for n in numbers])
        dialog.plan_requested.connect(self.plan)
        dialog.send_requested.connect(self.send)
        dialog.pause_requested.connect(self.pause)
        dialog.resume_requested.connect(self.resume)
        dialog.stop_requested.connect(self.stop)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        self.batch_id = None
        dialog.open()
        self.dialog_opened.emit(dialog)
        spawn(self._fill(dialog), name="ui-bulk-contacts")
        return dialog

    async def _fill(self, dialog: BulkSendDialog) -> None:
        contacts = await self.contacts.list()
        groups = await self.contacts.groups()
        if dialog is self.dialog:
            dialog.set_contacts(contacts)
            dialog.set_groups(groups)

    def _forget(self, dialog: BulkSendDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self.batch_id = None
            self._timer.stop()

    def _sender(self) -> BulkSender:
        if self.services.bulk is None:
            raise not_signed_in("bulk_send")
        return self.services.bulk

    def _sends(self) -> BulkSends:
        if self.services.bulk_sends is None:
            raise not_signed_in("bulk_send")
        return self.services.bulk_sends

    def _on_error(self, exc: Exception) -> None:
        if self.dialog is not None:
            self.dialog.show_error(describe_error(exc))
        else:
            show_error(self.window, exc)

    @async_slot(on_error=_on_error)
    async def plan(self, inputs: BulkInputs) -> None:
        dialog = self.dialog
        csv_path = Path(inputs.csv_path) if inputs.csv_path else None
        if has_placeholders(inputs.text) and inputs.sender_id is not None:
            personal = await self._sender().plan_personalised(
                inputs.text, inputs.sender_id, contacts=inputs.contacts,
                groups=inputs.groups, pasted=inputs.pasted, csv_path=csv_path,
            )  # fmt: skip
            if dialog is not None and dialog is self.dialog:
                dialog.show_personal_plan(personal)
            return
        plan = await self._sender().plan(
            inputs.text,
            contacts=inputs.contacts,
            groups=inputs.groups,
            pasted=inputs.pasted,
            csv_path=csv_path,
        )
        if dialog is not None and dialog is self.dialog:
            dialog.show_plan(plan)

    @async_slot(on_error=_on_error)
    async def send(self, request: BulkSendRequest) -> None:
        dialog = self.dialog
        people = request.recipients
        if dialog is not None:
            dialog.show_progress(0, 0, f"Queueing for {people} recipient{'s' * (people != 1)}…")
        sends, key = self._sends(), uuid.uuid4().hex
        if request.personal is not None:
            batch = await sends.start_personalised(
                request.personal, request.sender_id, when=request.when, uuid=key
            )
        else:
            assert request.plan is not None
            batch = await sends.start_uniform(
                request.plan.digits, request.text, request.sender_id, when=request.when, uuid=key
            )
        if request.when is not None:
            shown = scheduled_phrase(request.when, datetime.now(UTC))
            self.window.show_toast(
                f"Bulk send to {batch.recipients} recipients scheduled for {shown}."
            )
            if dialog is not None and dialog is self.dialog:
                dialog.accept()
            return
        self.follow(batch)

    # --- following a batch ------------------------------------------------------------
    def follow(self, batch: OutboxBatch) -> None:
        """Show ``batch`` in the dialog and keep its progress current until it ends."""
        if self.dialog is None:
            return
        self.batch_id = batch.id
        self.dialog.show_batch(batch)
        if batch.finished:
            self._timer.stop()
            self.services.poke()  # the sent messages come back with the next poll
        else:
            self._timer.start()

    def _tick(self) -> None:
        if self.batch_id is None or self.dialog is None:
            self._timer.stop()
            return
        spawn(self.refresh(), name="ui-bulk-progress")

    async def refresh(self) -> None:
        batch_id, sends = self.batch_id, self.services.bulk_sends
        if batch_id is None or sends is None:
            return
        batch = await sends.progress(batch_id)
        if batch_id == self.batch_id:
            self.follow(batch)

    @async_slot(on_error=_on_error)
    async def pause(self) -> None:
        if self.batch_id is not None:
            self.follow(await self._sends().pause(self.batch_id))

    @async_slot(on_error=_on_error)
    async def resume(self) -> None:
        if self.batch_id is not None:
            self.follow(await self._sends().resume(self.batch_id))

    @async_slot(on_error=_on_error)
    async def stop(self) -> None:
        """Cancel the rest: rows not yet claimed are cancelled, rows on their way finish."""
        if self.batch_id is not None:
            self.follow(await self._sends().cancel(self.batch_id))

    async def resume_unfinished(self) -> OutboxBatch | None:
        """At start: a bulk send that was going (or paused) when the app stopped opens
        the dialog on its progress (the outbox loop goes on with it; a paused one waits
        for Resume). One waiting for its time is left to its time."""
        sends = self.services.bulk_sends
        if sends is None or self.dialog is not None:
            return None
        going = [
            b
            for b in await sends.unfinished()
            if b.state is not BatchState.CANCELLED
            and (b.state is BatchState.PAUSED or b.count(*_GOING))
        ]
        if not going or self.dialog is not None:
            return None
        batch = going[0]
        self.open()
        self.follow(batch)
        return batch
