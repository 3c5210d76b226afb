"""templates, and send / bulk-send with templates, placeholders, --group and --at: the real
hubdesk-cli against a real hubdesk-sim over loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubdesk.domain.placeholders import format_date
from tests.integration.cli.cli_harness import SENDER, UNREACHABLE, Cli

OFFLINE = ("--base-url", UNREACHABLE)
GREETING = "Hi {first_name|there}, your table is ready."


def _no_outbox_rows(cli: Cli) -> bool:
    run = cli("--json", "outbox")
    assert run.code == 0, run
    return bool(run.json()["outbox"] == [])


def _contacts(cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "name,number,groups\n"
        "Alice Smith,07400 123456,Staff\n"
        "Dr Bob Jones,07400 123457,Staff; Leeds\n"
        "Front desk,020 7946 0000,Leeds\n",
        "utf-8",
    )
    assert cli(*OFFLINE, "contacts", "import", str(people)).code == 0


def test_add_list_show_remove_offline(cli: Cli) -> None:
    empty = cli(*OFFLINE, "templates", "list")
    assert empty.code == 0 and "No templates yet" in empty.stdout
    assert cli(*OFFLINE, "templates", "list", "--json").json() == []
    added = cli(*OFFLINE, "templates", "add", "Table ready", GREETING)
    assert added.code == 0, added
    assert added.stdout == "Saved template 'Table ready' (placeholders: {first_name}).\n"
    piped = cli(*OFFLINE, "templates", "add", "Late", "-", input="Running {time} late?\n")
    assert piped.code == 0, piped
    unknown = cli(*OFFLINE, "templates", "add", "Typo", "Dear {firstname}")
    assert unknown.code == 2, unknown
    assert "Unknown placeholder {firstname}" in unknown.stderr
    assert "did you mean {first_name}?" in unknown.stderr
    assert "{first_name}, {last_name}, {name}, {number}, {sender}, {date}, {time}" in (
        unknown.stderr
    )
    assert unknown.stdout == ""
    taken = cli(*OFFLINE, "templates", "add", "TABLE READY", "Other")
    assert taken.code == 2 and "'Table ready' already exists" in taken.stderr
    assert cli(*OFFLINE, "templates", "add", "Empty", "-", input="\n").code == 2

    data = cli(*OFFLINE, "templates", "list", "--json").json()
    assert [(t["name"], t["text"], t["placeholders"], t["position"]) for t in data] == [
        ("Table ready", GREETING, ["first_name"], 0),
        ("Late", "Running {time} late?", ["time"], 1),
    ]
    assert data[0]["created_at"].endswith("Z")
    listed = cli(*OFFLINE, "templates", "list").stdout.splitlines()
    assert listed[0].split() == ["NAME", "TEXT"]
    assert listed[1].startswith("Table ready") and listed[1].endswith(GREETING)
    shown = cli(*OFFLINE, "templates", "show", "table READY")
    assert shown.code == 0, shown
    assert shown.stdout.splitlines() == [
        "Template:     Table ready",
        "Placeholders: {first_name}",
        "",
        GREETING,
    ]
    assert cli(*OFFLINE, "--json", "templates", "show", "late").json()["text"] == (
        "Running {time} late?"
    )
    removed = cli(*OFFLINE, "templates", "remove", "late")
    assert removed.code == 0 and removed.stdout == "Removed template 'Late'.\n"
    again = cli(*OFFLINE, "templates", "remove", "Late")
    assert again.code == 2 and "There is no template named 'Late'" in again.stderr
    assert cli(*OFFLINE, "templates", "show", "Nope").code == 2
    assert [t["name"] for t in cli("templates", "list", "--json").json()] == ["Table ready"]
    assert cli.requests() == []


def test_export_import_between_profiles(cli: Cli, tmp_path: Path) -> None:
    assert cli("templates", "add", "Table ready", GREETING).code == 0
    assert cli("templates", "add", "Quote", 'Say "cheese", {name|friend}\nsee you').code == 0
    exported = tmp_path / "team.csv"
    done = cli("templates", "export", str(exported))
    assert done.code == 0 and done.stdout == f"Exported 2 templates to {exported}.\n"
    assert exported.read_bytes().startswith(b"\xef\xbb\xbfname,text\r\n")

    other = Cli(tmp_path / "other", cli.sim)
    assert other("templates", "add", "table ready", "Older text").code == 0
    first = other("templates", "import", str(exported))
    assert first.code == 0, first
    rows = first.stdout.splitlines()
    assert rows[0].split() == ["ROW", "NAME", "STATUS", "REASON"]
    assert "skipped" in rows[1] and "already exists" in rows[1]
    assert "added" in rows[2]
    assert rows[-1] == (
        "1 added, 0 replaced, 1 skipped, 0 rejected. Add --replace to overwrite the templates "
        "that already exist."
    )
    replaced = other("--json", "templates", "import", "--replace", str(exported)).json()
    assert [r["status"] for r in replaced["rows"]] == ["replaced", "skipped"]
    assert [(t["name"], t["text"]) for t in other("--json", "templates", "list").json()] == [
        ("table ready", GREETING),
        ("Quote", 'Say "cheese", {name|friend}\nsee you'),
    ]

    bad = tmp_path / "bad.csv"
    bad.write_text("name,text\nTypo,{firstname}\n,no name\n", "utf-8")
    rejected = other("templates", "import", str(bad))
    assert rejected.code == 2, rejected
    assert "unknown placeholder {firstname}" in rejected.stdout
    assert "Every row of" in rejected.stderr and "nothing was imported" in rejected.stderr
    as_json = other("--json", "templates", "import", str(bad))  # was the bare report
    assert as_json.code == 2 and as_json.json()["error"]["exit_code"] == 2
    assert as_json.json()["error"]["report"]["rejected"] == 2
    missing = other("templates", "import", str(tmp_path / "missing.csv"))
    assert missing.code == 2 and "cannot read" in missing.stderr
    nowhere = other("templates", "export", str(tmp_path / "no" / "dir" / "t.csv"))
    assert nowhere.code == 2 and "does not exist" in nowhere.stderr
    assert cli.requests() == []


def test_send_fills_placeholders_from_the_contacts(logged_in: Cli, tmp_path: Path) -> None:
    _contacts(logged_in, tmp_path)
    assert logged_in("templates", "add", "Table ready", GREETING).code == 0
    run = logged_in("send", "--from", SENDER, "--to", "07400 123456", "--template", "table ready")
    assert run.code == 0, run
    assert run.stderr == ""
    run = logged_in("send", "--from", SENDER, "--to", "+447400123457", "{last_name}: {{ok}}?")
    assert run.code == 0, run
    run = logged_in("send", "--from", SENDER, "--to", "07400 999999", "--template", "Table ready")
    assert run.code == 0, run
    texts = [p["form"]["text"] for p in logged_in.api_requests("/sms/send")]
    assert texts == [
        ["Hi Alice, your table is ready."],
        ["Jones: {ok}?"],
        ["Hi there, your table is ready."],  # no contact: the default
    ]


def test_a_missing_value_is_refused_before_anything_is_queued(logged_in: Cli) -> None:
    run = logged_in("send", "--from", SENDER, "--to", "07400 999999", "Dear {first_name},")
    assert run.code == 2, run
    assert run.stderr.startswith("No value for {first_name} for 07400 999999: no contact")
    assert "{first_name|there}" in run.stderr and "nothing was sent" in run.stderr
    for args, words in [
        (("Dear {firstname}",), "TEXT: unknown placeholder {firstname}"),
        (("Smile :-}",), 'write "}}" for a literal brace'),
        (("--template", "Nope"), "There is no template named 'Nope'"),
        (("--template", "Nope", "text too"), "either a TEXT or --template NAME, not both"),
        ((), "the message as TEXT"),
    ]:
        bad = logged_in("send", "--from", SENDER, "--to", "07400 999999", *args)
        assert bad.code == 2, bad
        assert words in bad.stderr
    assert logged_in.requests() == []
    assert _no_outbox_rows(logged_in)


def test_a_landline_is_flagged_but_sent(logged_in: Cli) -> None:
    run = logged_in("send", "--from", SENDER, "--to", "020 7946 0000", "Your order is ready")
    assert run.code == 0, run
    assert run.stderr == (
        "Warning: 020 7946 0000 (--to) is a landline — usually cannot receive SMS.\n"
    )
    (post,) = logged_in.api_requests("/sms/send")
    assert post["form"]["destination"] == ["442079460000"]


def test_at_queues_a_scheduled_message_and_sends_nothing_now(logged_in: Cli) -> None:
    base = ("send", "--from", SENDER, "--to", "07400 123456")
    past = logged_in(*base, "--at", "2020-01-01 09:00", "Hi")
    assert past.code == 2 and "--at: 2020-01-01 09:00 is in the past" in past.stderr
    vague = logged_in(*base, "--at", "tomorrow", "Hi")
    assert vague.code == 2 and "--at: expected a date and time" in vague.stderr
    assert _no_outbox_rows(logged_in)
    day = datetime.now(UTC) + timedelta(days=1)
    later = logged_in("--json", *base, "--at", day.strftime("%Y-%m-%d 09:00"), "Hi at {time}")
    assert later.code == 0, later
    single = later.json()
    assert single["outbox_state"] == "scheduled" and single["text"] == "Hi at 09:00"
    assert single["not_before"] == day.strftime("%Y-%m-%dT09:00:00Z")  # TZ=UTC here
    offset = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT09:00+01:00")
    bulk = logged_in(
        "bulk-send", "--from", SENDER, "--to", "07400 123456", "--to", "07400 123457",
        "--at", offset, "Open {date}",
    )  # fmt: skip
    assert bulk.code == 0, bulk
    assert "a bulk send to 2 numbers" in bulk.stdout and "outbox cancel 2" in bulk.stdout
    assert logged_in.requests() == []  # nothing reaches the server before its time
    rows = logged_in("--json", "outbox").json()["outbox"]
    assert [(r["id"], r["state"], r["bulk"]) for r in rows] == [
        (2, "scheduled", True),
        (1, "scheduled", False),
    ]
    assert rows[0]["not_before"].endswith("T08:00:00Z")
    listing = logged_in("outbox")
    assert "2 scheduled, the next at" in listing.stdout, listing
    flush = logged_in("outbox", "--flush")  # nothing due yet: no session needed, no request
    assert flush.code == 0 and "The next scheduled message is due at" in flush.stdout
    assert logged_in.requests() == []


def test_personalised_bulk_reports_then_sends_one_request_per_recipient(
    logged_in: Cli, tmp_path: Path
) -> None:
    _contacts(logged_in, tmp_path)
    assert logged_in("templates", "add", "Hello", "Hello {first_name}!").code == 0
    missing = logged_in(
        "bulk-send", "--from", SENDER, "--group", "staff", "--to", "07400 999999",
        "--template", "Hello",
    )  # fmt: skip
    assert missing.code == 2, missing
    assert missing.stderr.startswith(
        "1 recipient has no value for {first_name}: 07400 999999 (no contact has this number)."
    )
    assert missing.stdout.startswith(
        "Personalised template 'Hello': 2 recipients, 2 parts (1 excluded: 1 no value)."
    )
    assert "Hello Alice!" in missing.stdout and "07400 999999" in missing.stdout
    # --json: one document, the error a script looks for with the report under "plan"
    # (was the bare report, no "error", exit 2).
    refused = logged_in(
        "--json", "bulk-send", "--from", SENDER, "--group", "staff", "--to", "07400 999999",
        "--template", "Hello",
    )  # fmt: skip
    assert refused.code == 2, refused
    error = refused.json()["error"]
    assert error["exit_code"] == 2 and error["message"].startswith("1 recipient has no value")
    assert error["plan"]["excluded"][0]["kind"] == "no_value"

    run = logged_in(
        "--json", "bulk-send", "--from", SENDER, "--group", "Staff", "--group", "leeds",
        "--to", "07400 999999", "Hello {first_name|there}!",
    )  # fmt: skip
    assert run.code == 0, run
    sent = run.json()
    report = sent["plan"]
    assert report["recipients"] == 4 and report["total_parts"] == 4
    wanted = [
        ("447400999999", "Hello there!"),
        ("447400123456", "Hello Alice!"),
        ("447400123457", "Hello Bob!"),
        ("442079460000", "Hello Front!"),
    ]
    assert [(m["number"], m["text"]) for m in report["messages"]] == wanted
    assert [(e["kind"], e["origin"]) for e in report["excluded"]] == [
        ("duplicate", "group Leeds: Dr Bob Jones")
    ]
    assert report["flagged"] == [
        {"number": "442079460000", "flag": "landline — usually cannot receive SMS"}
    ]
    assert sent["batch"]["counts"] == {"sent": 4} and sent["batch"]["recipients"] == 4
    # One request per recipient, each with its own text; no bulk request.
    posts = logged_in.api_requests("/sms/send")
    assert sorted((p["form"]["destination"][0], p["form"]["text"][0]) for p in posts) == sorted(
        wanted
    )
    assert logged_in.api_requests("/sms/bulk-send") == []
    assert "bulk send 1: 4 of 4 sent" in run.stderr
    logged_in.sim.state.clear_requests()
    unknown = logged_in("bulk-send", "--from", SENDER, "--group", "Nurses", "Hi")
    assert unknown.code == 2, unknown
    assert unknown.stderr == "--group: no group named 'Nurses' (groups: 'Leeds', 'Staff').\n"
    assert logged_in.requests() == []


def test_a_bulk_text_the_same_for_everyone_goes_as_one_bulk_send(
    logged_in: Cli, tmp_path: Path
) -> None:
    _contacts(logged_in, tmp_path)
    before = format_date(datetime.now().astimezone())
    run = logged_in(
        "bulk-send", "--from", SENDER, "--group", "Leeds", "--to", "07400 123456",
        "Open today, {date}, {{all day}}",
    )  # fmt: skip
    after = format_date(datetime.now().astimezone())
    assert run.code == 0, run
    assert "Bulk send accepted (3 numbers" in run.stdout
    assert run.stderr == (
        "Warning: 020 7946 0000 (group Leeds: Front desk) is a landline — usually cannot "
        "receive SMS.\n"
    )
    (post,) = logged_in.api_requests("/sms/bulk-send")
    assert post["form"]["destination[]"] == ["447400123456", "447400123457", "442079460000"]
    assert post["form"]["text"] in (
        [f"Open today, {before}, {{all day}}"],
        [f"Open today, {after}, {{all day}}"],
    )
    assert logged_in.api_requests("/sms/send") == []
