"""Local checks of command input: values the API wants, or one sentence naming the option."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.cli import inputs
from hubdesk.cli.errors import UsageError


def test_destination_any_valid_number_as_e164_digits() -> None:
    assert inputs.destination("07400 123456").number.digits == "447400123456"
    foreign = inputs.destination("+1 516 725 9623")
    assert foreign.number.digits == "15167259623"
    assert not foreign.number.is_uk


@pytest.mark.parametrize("text", ["123", "hello", "", "+44 7400 12345678901"])
def test_destination_refuses_invalid_numbers(text: str) -> None:
    with pytest.raises(UsageError, match="--to"):
        inputs.destination(text)


def test_uk_number_refuses_foreign_numbers() -> None:
    assert inputs.uk_number("020 7946 0958", "NUMBER").digits == "442079460958"
    with pytest.raises(UsageError, match="NUMBER: not a UK number"):
        inputs.uk_number("+1 516 725 9623", "NUMBER")


def test_sender_id_rules() -> None:
    assert inputs.sender_id(" HubWork ") == "HubWork"
    assert inputs.sender_id("447520602706") == "447520602706"
    with pytest.raises(UsageError, match="--from: .*letters and digits"):
        inputs.sender_id("Hub Work")
    with pytest.raises(UsageError, match="11 characters"):
        inputs.sender_id("HubWorkLimited")


def test_numbers_from_file_skips_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "to.txt"
    path.write_text("# customers\n\n07400 123456\n+44 7400 654321  # Bob\n   \n", "utf-8")
    found = inputs.numbers_from_file(str(path), io.StringIO())
    assert [d.number.digits for d in found] == ["447400123456", "447400654321"]
    assert found[1].origin == f"{path} line 4"


def test_numbers_from_file_reports_every_bad_line_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "to.txt"
    path.write_text("07400 123456\nnope\n\n123\n", "utf-8")
    with pytest.raises(UsageError) as caught:
        inputs.numbers_from_file(str(path), io.StringIO())
    message = str(caught.value)
    assert "2 invalid line(s)" in message
    assert "line 2:" in message and "'nope'" in message
    assert "line 4:" in message and "'123'" in message


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        # Notepad's and Excel's "Unicode text": was "cannot read: 'utf-8' codec can't
        # decode byte 0xff in position 0".
        ("utf-16", "07400 123456\r\n07400 654321\r\n"),
        ("utf-16-be", "\ufeff07400 123456\n07400 654321\n"),
        # A Windows-1252 comment ("café") refused the whole list the same way.
        ("cp1252", "# café list\n07400 123456\n07400 654321\n"),
        ("utf-8-sig", "07400 123456\r\n07400 654321"),
    ],
)
def test_numbers_from_files_saved_by_windows_tools(
    tmp_path: Path, encoding: str, text: str
) -> None:
    path = tmp_path / "to.txt"
    path.write_bytes(text.encode(encoding))
    found = inputs.numbers_from_file(str(path), io.StringIO())
    assert [d.number.digits for d in found] == ["447400123456", "447400654321"]


def test_numbers_from_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read .*missing.txt"):
        inputs.numbers_from_file(str(tmp_path / "missing.txt"), io.StringIO())


def test_numbers_from_stdin() -> None:
    found = inputs.numbers_from_file("-", io.StringIO("07400123456\n"))
    assert [d.origin for d in found] == ["stdin line 1"]


def test_destinations_dedupes_and_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "to.txt"
    path.write_text("+447400123456\n07400 654321\n", "utf-8")
    found = inputs.destinations(["07400123456"], str(path), io.StringIO())
    assert [d.number.digits for d in found] == ["447400123456", "447400654321"]
    with pytest.raises(UsageError, match="at least one destination"):
        inputs.destinations([], None, io.StringIO())


def test_message_text_from_argument_and_stdin() -> None:
    assert inputs.message_text("Hello", io.StringIO()) == "Hello"
    assert inputs.message_text("-", io.StringIO("two\nlines\n")) == "two\nlines"
    for empty in ("", "   ", "-"):
        with pytest.raises(UsageError, match="empty"):
            inputs.message_text(empty, io.StringIO("\n"))


def test_message_text_with_nul_is_refused() -> None:
    # A UTF-16 file without a BOM piped to 'send -' reads as valid UTF-8 with a NUL
    # after every letter: it was queued and sent as "H\x00i\x00".
    utf16 = "Hi there".encode("utf-16-le").decode("utf-8")
    with pytest.raises(UsageError, match="NUL character.*UTF-16"):
        inputs.message_text("-", io.StringIO(utf16))


def test_server_time_is_utc() -> None:
    assert inputs.server_time("2024-05-01 09:30:00", "--since") == datetime(
        2024, 5, 1, 9, 30, tzinfo=UTC
    )
    with pytest.raises(UsageError, match="--until: expected"):
        inputs.server_time("yesterday", "--until")


def test_filter_party_number_or_sender_id() -> None:
    assert inputs.filter_party("07400 123456", "--receiver") == "447400123456"
    assert inputs.filter_party("SMTEST", "--sender") == "SMTEST"
    with pytest.raises(UsageError, match="--sender"):
        inputs.filter_party("no spaces!", "--sender")


@pytest.mark.parametrize(
    "text",
    # An id past SQLite's integers was an internal error (OverflowError) in 'outbox
    # cancel', 'outbox send', 'thread --limit' and 'retry'.
    ["0", "-1", "x", "1.5", "9223372036854775808", "99999999999999999999999"],
)
def test_positive_int_refuses(text: str) -> None:
    with pytest.raises(UsageError, match="SMS_ID"):
        inputs.positive_int(text, "SMS_ID")


def test_positive_int_takes_the_largest_stored_integer() -> None:
    assert inputs.positive_int("9223372036854775807", "ID") == 2**63 - 1
