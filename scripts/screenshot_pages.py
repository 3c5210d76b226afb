"""Render the pages and dialogs offscreen with realistic data, light and dark, to
/tmp/hubdesk-pages/*.png.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_pages.py [outdir]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from hubdesk.core.bulk import BulkResult, Recipient, plan_bulk, split_pasted
from hubdesk.core.contacts import ImportReport, ImportRow, ImportStatus
from hubdesk.core.settings import AppSettings
from hubdesk.domain import (
    CallRecord,
    Contact,
    OutboxItem,
    OutboxState,
    SenderId,
    SenderIdStatus,
)
from hubdesk.ui.bulk.dialog import BulkSendDialog
from hubdesk.ui.calls.dial_confirm import DialConfirmDialog
from hubdesk.ui.calls.masked_call import MaskedCallDialog
from hubdesk.ui.calls.page import CallHistoryPage
from hubdesk.ui.contacts.import_report import ImportReportDialog
from hubdesk.ui.contacts.page import ContactsPage
from hubdesk.ui.messages.new_message import NewMessageDialog
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.theme import apply_theme
from hubdesk.ui.senders.page import SenderIdsPage
from hubdesk.ui.settings.dialog import SettingsDialog

NOW = datetime.now(UTC)

CONTACTS = [
    Contact("447400123456", "Alice Smith", "Prefers texts", ("Staff",), 1),
    Contact("447911100456", "Bob Jones", "", ("Patients",), 2),
    Contact("442079460000", "Carol Evans (reception)", "", ("Staff", "Managers"), 3),
    Contact("447400200123", "<b>Dr</b> Dan \u202eevil\u202c Brown", "<i>html</i>", (), 4),
    Contact("447400200456", "Eve " + "Longname" * 12, "x" * 300, ("Patients",), 5),
    Contact("441614960000", "Frank Ødegård", "", ("Patients",), 6),
]
SENDERS = [
    SenderId(1, 7, "HUBWORK", SenderIdStatus.APPROVED, NOW - timedelta(days=400), "admin"),
    SenderId(2, 7, "447400123456", SenderIdStatus.APPROVED, NOW - timedelta(days=90), "admin"),
    SenderId(3, 7, "SURGERY", SenderIdStatus.AWAITING_APPROVAL, NOW - timedelta(hours=3), "rec"),
]
CALLS = [
    CallRecord(1, "447400123456", NOW - timedelta(minutes=4), True, "Call placed", None, "c-9f3a"),
    CallRecord(
        2, "447911100456", NOW - timedelta(hours=2), True, "Call placed", "442079460000", "c-9f39"
    ),
    CallRecord(3, "447400200123", NOW - timedelta(days=1), False, "The server is busy; try again."),
    CallRecord(4, "441614960000", NOW - timedelta(days=3), True, "Call placed", None, "c-9e01"),
]


def shoot(widget: QWidget, path: Path, size: tuple[int, int] | None = None) -> None:
    if size is not None:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    widget.close()


def bulk_dialog(icons: IconSet, step: str) -> BulkSendDialog:
    d = BulkSendDialog(icons=icons)
    d.set_contacts(CONTACTS)
    d.set_groups(["Staff", "Patients", "Managers"])
    d.set_sender_ids(SENDERS, "HUBWORK")
    model = d.recipients.contacts_model
    for row in (0, 1, 2):
        model.item(row).setCheckState(Qt.CheckState.Checked)
    d.recipients.pasted.setPlainText("07400 123456\n+1 516 725 9623\n0740O 1234\n07700 900789")
    d.set_text("The surgery is closed on Friday 14 March for staff training. Call 111 if urgent.")
    if step == "compose":
        return d
    inputs = d.inputs()
    recipients = [Recipient(c.number, f"contact {c.name}") for c in inputs.contacts]
    recipients += [Recipient(t, "pasted") for t in split_pasted(inputs.pasted)]
    d.show_plan(plan_bulk(recipients, inputs.text, {"447911100456"}))
    if step == "report":
        return d
    d.next_step()
    if step == "confirm":
        return d
    d.show_progress()
    if step == "progress":
        return d
    item = OutboxItem(1, "HUBWORK", (), inputs.text, OutboxState.SENT, True, NOW)
    d.show_result(BulkResult(item, 4, 4, (), "Sent to 4 recipients."))
    return d


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hubdesk-pages")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    icons = IconSet()
    for theme in ("light", "dark"):
        apply_theme(app, theme)

        def save(
            name: str,
            make: Callable[[], QWidget],
            size: tuple[int, int] | None = None,
            theme: str = theme,
        ) -> None:
            shoot(make(), out / f"{name}-{theme}.png", size)

        def contacts() -> QWidget:
            p = ContactsPage(icons=icons)
            p.set_groups(["Staff", "Patients", "Managers"])
            p.set_contacts(CONTACTS)
            p.table.selectRow(0)
            return p

        def senders() -> QWidget:
            p = SenderIdsPage(icons=icons)
            p.set_sender_ids(SENDERS)
            p.new_id.setText("HUB WORK")
            return p

        def calls() -> QWidget:
            p = CallHistoryPage(icons=icons)
            p.set_records(CALLS)
            p.set_names({c.number: c.name for c in CONTACTS})
            p.table.selectRow(1)
            return p

        def settings() -> QWidget:
            s = AppSettings(quiet_hours=(time(19), time(8)), default_sender_id="HUBWORK")
            d = SettingsDialog(s, ["HUBWORK", "447400123456"])
            d.masked.setText("020 7946 000")
            return d

        def new_message() -> QWidget:
            d = NewMessageDialog(CONTACTS)
            d.add_number("07400 123456")
            d.to_edit.setText("+1 516 725 9623")
            return d

        def report() -> QWidget:
            rows = (
                ImportRow("row 2", 2, "Alice Smith", ImportStatus.ADDED),
                ImportRow("row 3", 3, "Bob Jones", ImportStatus.UPDATED, "updated Bob Jones"),
                ImportRow("row 4", 4, "Carol", ImportStatus.SKIPPED, "already in contacts"),
                ImportRow("row 5", 5, "<b>Zed</b>", ImportStatus.REJECTED, "not a UK number (+1)"),
            )
            return ImportReportDialog(ImportReport(rows), "patients.csv")

        save("contacts", contacts, (900, 420))
        save("senders", senders, (760, 440))
        save("calls", calls, (940, 320))
        save("settings", settings)
        save("new-message", new_message)
        save("masked-call", lambda: MaskedCallDialog("447911100456", None, icons=icons))
        save("dial-confirm", lambda: DialConfirmDialog("tel:+447400123456".removeprefix("tel:")))
        save("dial-refused", lambda: DialConfirmDialog("+1 516 725 9623"))
        save("import-report", report)
        for step in ("compose", "report", "confirm", "progress", "result"):
            save(f"bulk-{step}", lambda step=step: bulk_dialog(icons, step))  # type: ignore[misc]
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
