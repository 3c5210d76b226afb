"""contacts list / add / remove / import / export: local, offline, no login needed."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.cli_harness import UNREACHABLE, Cli

OFFLINE = ("--base-url", UNREACHABLE)


def test_add_list_remove_with_uk_number_checks(cli: Cli) -> None:
    empty = cli(*OFFLINE, "contacts", "list")
    assert empty.code == 0 and "No contacts yet" in empty.stdout
    run = cli(*OFFLINE, "contacts", "add", "Alice Smith", "+44 7400 123456")
    assert run.code == 0, run
    assert "Alice Smith (07400 123456)" in run.stdout
    for number, reason in [
        ("0740", "too short"),
        ("+1 516 725 9623", "not a UK number"),
        ("hello", "NUMBER"),
    ]:
        bad = cli(*OFFLINE, "contacts", "add", "Bob", number)
        assert bad.code == 2, bad
        assert reason in bad.stderr
    duplicate = cli(*OFFLINE, "contacts", "add", "Alice Again", "07400123456")
    assert duplicate.code == 2, duplicate
    listed = cli(*OFFLINE, "contacts", "list")
    assert listed.stdout.splitlines()[1].split("  ")[:2] == ["Alice Smith", "07400 123456"]
    data = cli(*OFFLINE, "--json", "contacts", "list").json()
    assert data == [
        {
            "id": data[0]["id"],
            "name": "Alice Smith",
            "number": "447400123456",
            "notes": "",
            "groups": [],
        }
    ]
    assert isinstance(data[0]["id"], int)
    missing = cli(*OFFLINE, "contacts", "remove", "07400 999999")
    assert missing.code == 2 and "No contact has the number 07400 999999" in missing.stderr
    removed = cli(*OFFLINE, "contacts", "remove", "07400 123456")
    assert removed.code == 0 and "Removed Alice Smith" in removed.stdout
    assert cli("--json", "contacts", "list").json() == []
    assert cli.requests() == []


def test_import_reports_every_row_and_export_round_trips(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "name,number,notes\n"
        "Alice Smith,07400 123456,front desk\n"
        "Bob Jones,+1 516 725 9623,\n"
        "Carol White,+447400654321,\n",
        "utf-8",
    )
    run = cli(*OFFLINE, "contacts", "import", str(source))
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ROW", "NAME", "STATUS", "REASON"]
    bob = next(line for line in lines if "Bob Jones" in line)
    assert "rejected" in bob and "not a UK number" in bob
    assert "2 added" in run.stdout and "1 rejected" in run.stdout
    report = cli("--json", "contacts", "import", str(source)).json()  # again: nothing new
    assert [r["status"] for r in report["rows"]] == ["skipped", "rejected", "skipped"]
    assert report["rows"][1]["row"] == 3 and report["rows"][1]["name"] == "Bob Jones"

    for suffix in (".vcf", ".csv"):
        exported = tmp_path / f"out{suffix}"
        done = cli(*OFFLINE, "contacts", "export", str(exported))
        assert done.code == 0, done
        assert "Exported 2 contacts" in done.stdout
        other = Cli(tmp_path / f"other{suffix}", cli.sim)
        back = other(*OFFLINE, "--json", "contacts", "import", str(exported))
        assert back.code == 0, back
        assert [r["status"] for r in back.json()["rows"]] == ["added", "added"]
        names = {
            (c["name"], c["number"], c["notes"]) for c in other("--json", "contacts", "list").json()
        }
        assert names == {
            ("Alice Smith", "447400123456", "front desk"),
            ("Carol White", "447400654321", ""),
        }
    assert cli.requests() == []


def test_import_with_every_row_rejected_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("name,number\nBob,+1 516 725 9623\nEve,0740\n", "utf-8")
    run = cli("contacts", "import", str(source))
    assert run.code == 2, run
    assert "rejected" in run.stdout and "too short" in run.stdout  # the report is still shown
    assert "Every row" in run.stderr and "nothing was imported" in run.stderr
    as_json = cli("--json", "contacts", "import", str(source))  # was the bare report
    assert as_json.code == 2 and as_json.json()["error"]["exit_code"] == 2
    assert [r["status"] for r in as_json.json()["error"]["report"]["rows"]] == ["rejected"] * 2
    assert cli("--json", "contacts", "list").json() == []


def test_import_and_export_file_errors_are_exit_2(cli: Cli, tmp_path: Path) -> None:
    for args, word in [
        (("import", str(tmp_path / "missing.csv")), "cannot read"),
        (("import", str(tmp_path / "people.txt")), ".csv or .vcf"),
        (("export", str(tmp_path / "people.xlsx")), ".csv or .vcf"),
        (("export", str(tmp_path / "no" / "such" / "dir.csv")), "does not exist"),
    ]:
        run = cli("contacts", *args)
        assert run.code == 2, run
        assert word in run.stderr
    assert cli("contacts").code == 2  # an action is required


def test_list_neutralises_bidi_overrides_in_names(cli: Cli) -> None:
    run = cli(*OFFLINE, "contacts", "add", "Pay to \u202etxt.exe", "07400 123456")
    assert run.code == 0, run
    listed = cli(*OFFLINE, "contacts", "list")
    assert "Pay to ⟨U+202E⟩txt.exe" in listed.stdout and "\u202e" not in listed.stdout
    assert cli("--json", "contacts", "list").json()[0]["name"] == "Pay to \u202etxt.exe"
