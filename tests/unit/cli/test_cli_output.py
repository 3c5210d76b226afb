"""Output helpers: JSON typing, terminal safety, tables, the one-result rule."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from hubdesk.cli.output import Output, clean, party, sms_json, table, utc_iso
from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType

SMS = Sms(
    sms_id=7,
    source="SMTEST",
    destination="447400123456",
    text="hi\x1b[31m",
    type=SmsType.SENT,
    delivery_status=DeliveryStatus.PENDING,
    read_status=ReadStatus.READ,
    time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
)


def test_sms_json_is_typed() -> None:
    data = sms_json(SMS)
    assert data["sms_id"] == 7
    assert data["type"] == "sent"
    assert data["delivery_status"] == "pending"
    assert data["read_status"] == "read"
    assert data["time"] == "2024-05-01T09:30:00Z"
    assert data["destination"] == "447400123456"


def test_clean_makes_control_characters_visible() -> None:
    assert clean("a\x1b[31mb") == "a\\x1b[31mb"
    assert clean("a\nb") == "a\nb"
    assert clean("a\nb", one_line=True) == "a ⏎ b"
    assert clean("x\u202ey\x9b") == "x\u202ey\\x9b"


def test_party_formats_numbers_and_keeps_sender_ids() -> None:
    assert party("447400123456") == "07400 123456"
    assert party("SMTEST") == "SMTEST"


def test_utc_iso_converts() -> None:
    from datetime import timedelta, timezone

    moment = datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert utc_iso(moment) == "2024-05-01T09:30:00Z"
    assert utc_iso(None) is None


def test_table_pads_columns() -> None:
    assert table(["A", "BB"], [["xxx", "y"]]) == "A    BB\nxxx  y"


def test_output_json_mode_prints_one_document_and_notes_to_stderr() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(json_mode=True, verbose=False, stdout=stdout, stderr=stderr)
    out.note("a note")
    out.detail("hidden")
    out.result({"a": "é"}, "human")
    assert json.loads(stdout.getvalue()) == {"a": "é"}
    assert stdout.getvalue().isascii()
    assert stderr.getvalue() == "a note\n"
    with pytest.raises(RuntimeError):
        out.result({}, "again")


def test_wait_notice_wording() -> None:
    stderr = io.StringIO()
    out = Output(json_mode=False, verbose=False, stdout=io.StringIO(), stderr=stderr)
    out.wait_notice(3.0, "rate limited by the server while trying to send the SMS")
    out.wait_notice(0.75, "could not connect while trying to list the messages")
    assert stderr.getvalue().splitlines() == [
        "Rate limited by the server; waiting 3 s…",
        "Could not connect while trying to list the messages; retrying in 0.8 s…",
    ]


def test_table_cells_cannot_reorder_or_hide() -> None:
    """ "Pay to <RLO>txt.exe" would print as "Pay to exe.txt" on a bidi terminal, and a
    zero-width space makes "HS<ZWSP>BC" look like "HSBC": cells show markers instead;
    JSON keeps the data exact."""
    shown = table(
        ["NAME", "NUMBER"], [["Pay to \u202etxt.exe", "07400 123456"], ["HS\u200bBC", "x"]]
    )
    lines = shown.splitlines()
    assert lines[1].startswith("Pay to ⟨U+202E⟩txt.exe  07400 123456")
    assert lines[2].startswith("HS⟨U+200B⟩BC ")
    assert "\u202e" not in shown and "\u200b" not in shown
