"""cli.compose and the parsing of templates, --template, --group and --at."""

from __future__ import annotations

import io
import json
from argparse import Namespace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from hubdesk.cli import compose, inputs
from hubdesk.cli.app import build_parser, main
from hubdesk.cli.errors import UsageError
from hubdesk.core.bulk import Recipient
from hubdesk.core.personalised import plan_personalised
from hubdesk.domain.placeholders import parse

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_templates_and_the_new_send_options_parse() -> None:
    parser = build_parser()
    listed = parser.parse_args(["templates", "list", "--json"])
    assert (listed.command, listed.templates_command, listed.json) == ("templates", "list", True)
    assert parser.parse_args(["templates", "list"]).json is False
    assert parser.parse_args(["--json", "templates", "list"]).json is True
    add = parser.parse_args(["templates", "add", "Late", "-"])
    assert (add.name, add.text) == ("Late", "-")
    assert parser.parse_args(["templates", "import", "t.csv", "--replace"]).replace is True
    assert parser.parse_args(["templates", "import", "t.csv"]).replace is False
    for action in ("show", "remove", "export"):
        assert parser.parse_args(["templates", action, "x", "--json"]).json is True
    send = parser.parse_args(["send", "--from", "S", "--to", "1", "--template", "Late"])
    assert (send.text, send.template, send.at, send.long) == (None, "Late", None, False)
    send = parser.parse_args(["send", "--from", "S", "--to", "1", "--at", "2025-06-01 09:00", "t"])
    assert (send.text, send.at) == ("t", "2025-06-01 09:00")
    bulk = parser.parse_args(["bulk-send", "--from", "S", "--group", "A", "--group", "B", "t"])
    assert (bulk.group, bulk.to, bulk.text) == (["A", "B"], None, "t")


@pytest.mark.parametrize(
    "argv",
    [
        ["templates"],
        ["templates", "add", "OnlyName"],
        ["templates", "show"],
        ["templates", "frobnicate"],
        ["send", "--from", "S", "--to", "1", "--template"],
    ],
)
def test_bad_template_usage_is_exit_2(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 2
    assert err.getvalue().count("\n") == 1 and out.getvalue() == ""
    assert main([*argv, "--json"], stdout=out, stderr=io.StringIO()) == 2
    assert json.loads(out.getvalue())["error"]["exit_code"] == 2


def test_exactly_one_of_text_and_template() -> None:
    with pytest.raises(UsageError, match="either a TEXT or --template NAME, not both"):
        compose.check_text_choice(Namespace(text="hi", template="Late"))
    with pytest.raises(UsageError, match="as TEXT .* or --template NAME"):
        compose.check_text_choice(Namespace(text=None, template=None))
    compose.check_text_choice(Namespace(text="hi", template=None))
    compose.check_text_choice(Namespace(text=None, template="Late"))


def test_at_is_checked() -> None:
    assert compose.scheduled_for(Namespace(at=None), NOW) is None
    when = compose.scheduled_for(Namespace(at="2025-06-01T09:00+01:00"), NOW)
    assert when == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    with pytest.raises(UsageError, match="--at: 2025-02-01 09:00 is in the past"):
        compose.scheduled_for(Namespace(at="2025-02-01 09:00"), NOW)
    with pytest.raises(UsageError, match="--at: expected a date and time"):
        compose.scheduled_for(Namespace(at="next tuesday"), NOW)


def test_send_time_names_the_option() -> None:
    with pytest.raises(UsageError, match="^--when: "):
        inputs.send_time("soon", NOW, "--when")


def test_the_report_for_people_and_for_scripts() -> None:
    moment = datetime(2025, 12, 8, 9, 30, tzinfo=timezone(timedelta(0)))
    recipients = [
        Recipient("07400 123456", "--to"),
        Recipient("020 7946 0000", "--to"),
        Recipient("07400 999999", "list.txt line 3"),
        Recipient("07400 123456", "group Staff: Alice Smith"),
    ]
    plan = plan_personalised(
        parse("Hi {first_name}\x1b[31m"),
        recipients,
        sender="HubWork",
        moment=moment,
        contacts={"447400123456": "Alice Smith", "442079460000": "Front desk"},
    )
    text = compose.plan_text(plan, "template 'Hello'")
    lines = text.splitlines()
    assert lines[0] == (
        "Personalised template 'Hello': 2 recipients, 2 parts (2 excluded: 1 no value, "
        "1 duplicate; 1 may not receive texts)."
    )
    assert lines[1] == "Parts per recipient: 2 × 1 part."
    assert "\x1b" not in text and "\\x1b[31m" in text  # terminal escapes shown, not run
    assert "07400 999999  list.txt line 3" in text and "no contact has this number" in text
    assert "(first_name)" not in text and "({first_name})" in text
    assert "020 7946 0000  --to  landline — usually cannot receive SMS" in text
    data = compose.plan_json(plan, "template 'Hello'")
    assert json.loads(json.dumps(data)) == data
    assert data["recipients"] == 2 and data["total_parts"] == 2
    assert data["same_text_for_all"] is False
    assert data["parts_per_recipient"] == {"1": 2}
    assert [m["number"] for m in data["messages"]] == ["447400123456", "442079460000"]
    assert data["messages"][1]["flag"] == "landline — usually cannot receive SMS"
    assert [(e["kind"], e["missing"]) for e in data["excluded"]] == [
        ("duplicate", []),
        ("no_value", ["first_name"]),
    ]
    assert data["flagged"] == [
        {"number": "442079460000", "flag": "landline — usually cannot receive SMS"}
    ]
