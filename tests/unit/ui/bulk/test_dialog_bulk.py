"""BulkSendDialog: inputs -> plan (the real ``core.bulk.plan_bulk``) -> report -> confirm
-> progress -> result (offscreen)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from pytestqt.qtbot import QtBot

from hubdesk.core.bulk import BulkPlan, BulkResult, Recipient, plan_bulk, split_pasted
from hubdesk.domain import (
    BatchState,
    Contact,
    OutboxBatch,
    OutboxItem,
    OutboxState,
    SenderId,
    SenderIdStatus,
)
from hubdesk.domain.numbers import format_number
from hubdesk.ui.bulk.dialog import BulkSendDialog, Step
from hubdesk.ui.bulk.report import BulkInputs, BulkSendRequest
from tests.unit.ui.pagekit import unnamed_controls

ALICE = Contact("447400123456", "Alice Smith", groups=("Staff",), id=1)
BOB = Contact("447911100456", "Bob Jones", id=2)
CAROL = Contact("442079460000", "Carol Evans", id=3)
SENDERS = [
    SenderId(1, 7, "HUBWORK", SenderIdStatus.APPROVED),
    SenderId(2, 7, "PENDING", SenderIdStatus.AWAITING_APPROVAL),
    SenderId(3, 7, "CLINIC", SenderIdStatus.APPROVED),
]
OPTED_OUT = {"447911100456"}


def plan_for(inputs: BulkInputs) -> BulkPlan:
    """What the container does with ``BulkSender.plan`` (no store: contacts + pasted)."""
    recipients = [Recipient(format_number(c.number), f"contact {c.name}") for c in inputs.contacts]
    recipients += [Recipient(t, "pasted") for t in split_pasted(inputs.pasted)]
    return plan_bulk(recipients, inputs.text, OPTED_OUT)


def item(state: OutboxState) -> OutboxItem:
    return OutboxItem(1, "HUBWORK", ("447400123456",), "hi", state, True, datetime.now(UTC))


@pytest.fixture
def dialog(qtbot: QtBot) -> BulkSendDialog:
    d = BulkSendDialog()
    qtbot.addWidget(d)
    d.set_contacts([ALICE, BOB, CAROL])
    d.set_groups(["Staff", "Patients"])
    d.set_sender_ids(SENDERS, default="CLINIC")
    d.plan_requested.connect(lambda inputs: d.show_plan(plan_for(inputs)))
    QAbstractItemModelTester(d.report, QAbstractItemModelTester.FailureReportingMode.Fatal)
    d.open()
    return d


def check(dialog: BulkSendDialog, *names: str) -> None:
    model = dialog.recipients.contacts_model
    for row in range(model.rowCount()):
        if any(model.item(row).text().startswith(n) for n in names):
            model.item(row).setCheckState(Qt.CheckState.Checked)


def test_only_approved_sender_ids_are_offered(dialog: BulkSendDialog) -> None:
    combo = dialog.sender_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["HUBWORK", "CLINIC"]
    assert combo.currentText() == "CLINIC"


def test_check_needs_recipients_and_text(dialog: BulkSendDialog) -> None:
    assert not dialog.next_button.isEnabled()
    assert dialog.compose_note.text().startswith("Choose contacts or groups")
    check(dialog, "Alice")
    assert dialog.compose_note.text() == "Write the message."
    dialog.set_text("Surgery closed on Friday.")
    assert dialog.next_button.isEnabled() and dialog.next_button.isDefault()
    assert dialog.meter.full_text() == "25 characters · 1 part · GSM-7"


def test_inputs_carry_every_source(dialog: BulkSendDialog, qtbot: QtBot) -> None:
    dialog.plan_requested.disconnect()
    check(dialog, "Alice", "Carol")
    dialog.recipients.contact_search.setText("carol")
    assert dialog.recipients.contacts_proxy.rowCount() == 1
    model = dialog.recipients.groups_model
    model.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.recipients.pasted.setPlainText("07400 111111, 07400 222222")
    dialog.recipients.set_csv_path("/tmp/people.csv")
    dialog.set_text("Hello")
    with qtbot.waitSignal(dialog.plan_requested) as asked:
        dialog.next_button.click()
    inputs: BulkInputs = asked.args[0]
    assert inputs.contacts == (ALICE, CAROL) and inputs.groups == ("Staff",)
    assert inputs.pasted == "07400 111111, 07400 222222"
    assert inputs.csv_path == "/tmp/people.csv" and inputs.sender_id == "CLINIC"
    assert dialog.next_button.text() == "Checking…" and not dialog.next_button.isEnabled()


def test_report_totals_and_issues(dialog: BulkSendDialog) -> None:
    check(dialog, "Alice", "Bob")
    dialog.recipients.pasted.setPlainText("07400 123456\n+1 516 725 9623\n0740O 1\n<b>x</b>")
    dialog.set_text("ą" * 71)  # Unicode, two parts
    dialog.next_step()
    assert dialog.step() == Step.REPORT
    assert dialog.totals.text() == "2 recipients × 2 parts = 4 messages"
    lines = [
        tuple(dialog.report.cell_text(r, c) for c in range(3))
        for r in range(dialog.report.rowCount())
    ]
    assert lines == [
        ("Invalid", "0740O 1", "pasted"),
        ("Invalid", "<b>x</b>", "pasted"),
        ("Duplicate", "07400 123456", "pasted"),
        ("Opted out", "07911 100456", "contact Bob Jones"),
        ("Outside the UK", "+1 516 725 9623", "pasted"),  # as typed, and where from
    ]
    assert dialog.report.cell_text(2, 3) == "Duplicate of 07400 123456 (contact Alice Smith)."
    assert dialog.report.cell_text(4, 3).startswith("Kept: not a UK number (+1)")


def test_confirm_then_progress_then_result(dialog: BulkSendDialog, qtbot: QtBot) -> None:
    check(dialog, "Alice", "Carol")
    dialog.set_text("Hi")
    dialog.next_step()
    assert dialog.back_button.isVisible()
    dialog.next_button.click()
    assert dialog.step() == Step.CONFIRM
    assert dialog.confirm_question.text() == "Send to 2 recipients from CLINIC?"
    assert dialog.confirm_detail.text().startswith("2 recipients × 1 part = 2 messages.")
    assert dialog.preview.toPlainText() == "Hi"
    with qtbot.waitSignal(dialog.send_requested) as sent:
        dialog.next_button.click()
    request: BulkSendRequest = sent.args[0]
    assert request.sender_id == "CLINIC" and request.text == "Hi"
    assert request.plan is not None
    assert request.plan.digits == ("447400123456", "442079460000")
    assert dialog.step() == Step.PROGRESS
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # ignored while sending
    assert dialog.isVisible()
    dialog.show_progress(1, 2, "Sending to 2 recipients…")
    assert dialog.progress.maximum() == 2 and dialog.progress.value() == 1
    dialog.show_result(BulkResult(item(OutboxState.SENT), 2, 2, (), "Sent to 2 recipients."))
    assert dialog.step() == Step.RESULT
    assert dialog.result_label.text() == "Sent to 2 recipients."
    assert dialog.result_label.property("tone") == "ok"
    dialog.next_button.click()
    assert not dialog.isVisible()


def test_back_from_report_discards_the_plan(dialog: BulkSendDialog) -> None:
    check(dialog, "Alice")
    dialog.set_text("Hi")
    dialog.next_step()
    dialog.back()
    assert dialog.step() == Step.COMPOSE and dialog.plan is None


def test_nobody_left_cannot_continue(dialog: BulkSendDialog) -> None:
    check(dialog, "Bob")  # opted out
    dialog.set_text("Hi")
    dialog.next_step()
    assert dialog.totals.text() == "0 recipients × 1 part = 0 messages"
    assert "nobody left" in dialog.report_summary.text()
    assert not dialog.next_button.isEnabled()


def test_over_the_bulk_limit_is_split_and_can_continue(dialog: BulkSendDialog) -> None:
    dialog.recipients.pasted.setPlainText("\n".join(f"07400 {100000 + n}" for n in range(501)))
    dialog.set_text("Hi")
    dialog.next_step()
    assert dialog.step() == Step.REPORT
    assert "sent as 2 bulk requests of at most 500" in dialog.report_summary.text()
    assert dialog.next_button.isEnabled()


def test_send_error_returns_to_confirm(dialog: BulkSendDialog) -> None:
    check(dialog, "Alice")
    dialog.set_text("Hi")
    dialog.send_requested.connect(lambda _r: dialog.show_error("The server is busy."))
    dialog.next_step()
    dialog.next_step()
    dialog.next_step()
    assert dialog.step() == Step.CONFIRM
    assert dialog.confirm_detail.text() == "The server is busy."
    assert dialog.next_button.isEnabled()


@pytest.mark.parametrize(
    ("state", "tone"),
    [(OutboxState.QUEUED, "warning"), (OutboxState.FAILED, "error"), (None, "error")],
)
def test_result_tones(dialog: BulkSendDialog, state: OutboxState | None, tone: str) -> None:
    got = item(state) if state is not None else None
    dialog.show_result(BulkResult(got, 1, 1, (), "summary"))
    assert dialog.result_label.property("tone") == tone


def test_no_approved_sender_is_explained(qtbot: QtBot) -> None:
    d = BulkSendDialog()
    qtbot.addWidget(d)
    d.set_sender_ids([SENDERS[1]])
    d.recipients.pasted.setPlainText("07400123456")
    d.set_text("x")
    assert d.compose_note.text().startswith("No approved sender ID yet")
    assert not d.next_button.isEnabled()


def test_names_on_every_step(dialog: BulkSendDialog) -> None:
    assert unnamed_controls(dialog) == []
    check(dialog, "Alice")
    dialog.set_text("Hi")
    dialog.next_step()
    assert unnamed_controls(dialog) == []


@pytest.mark.parametrize(
    ("counts", "detail"),
    [
        ({OutboxState.SENT: 36, OutboxState.FAILED: 2}, "Retry there sends it again"),
        ({OutboxState.SENT: 30, OutboxState.CANCELLED: 8}, "cancelled recipients were not texted"),
        ({OutboxState.SENT: 38}, "Each message is in its recipient's conversation."),
    ],
)
def test_a_finished_batch_says_where_to_go_next(
    dialog: BulkSendDialog, counts: dict[OutboxState, int], detail: str
) -> None:
    """The finished page said "38 of 38 recipients settled." under every summary: jargon,
    and always N of N; it now says where the messages are and what to do about refusals."""
    batch = OutboxBatch(1, "HUBWORK", BatchState.ACTIVE, datetime.now(UTC), 38, counts)
    dialog.show_batch(batch)
    assert dialog.step() == Step.RESULT
    assert detail in dialog.result_detail.text()
    assert "settled" not in dialog.result_detail.text()
