"""The bulk send's report lines read the same whether the text has placeholders or not
(a number that replied STOP: the same words on both reports)."""

from __future__ import annotations

from hubdesk.core.bulk import Recipient, plan_bulk
from hubdesk.core.personalised import Exclusion, ExclusionKind, PersonalisedPlan
from hubdesk.domain.placeholders import parse
from hubdesk.ui.bulk.report import OPTED_OUT_DETAIL, personal_lines, report_lines

STOPPED = "447400123458"


def test_an_opted_out_number_reads_the_same_on_both_reports() -> None:
    plain = plan_bulk([Recipient("07400 123458", "pasted")], "Hello", opted_out={STOPPED})
    (line,) = [r for r in report_lines(plain) if r.issue == "Opted out"]
    assert line.detail == OPTED_OUT_DETAIL

    excluded = Exclusion(
        "07400 123458", "pasted", ExclusionKind.OPTED_OUT, "opted out of messages (replied STOP)"
    )
    personal = PersonalisedPlan(parse("Hi {first_name|there}"), (), (excluded,))
    (line,) = [r for r in personal_lines(personal) if r.issue == "Opted out"]
    assert (line.input, line.origin, line.detail) == ("07400 123458", "pasted", OPTED_OUT_DETAIL)


def test_a_landline_left_out_for_a_missing_value_keeps_its_flag() -> None:
    """A day in the window: a landline without a first name showed only "No value"; the
    user filled the value in and was then told it may not receive texts. Both show, in
    the words of the plain report's "May not receive" line."""
    from datetime import UTC, datetime

    from hubdesk.core.personalised import plan_personalised

    landline, premium, mobile = "020 7946 0000", "0909 8790000", "07400 999999"
    recipients = [Recipient(n, "pasted") for n in (landline, premium, mobile)]
    personal = plan_personalised(
        parse("Hi {first_name}"), recipients, sender="HubWork", moment=datetime.now(UTC)
    )
    lines = personal_lines(personal)
    assert [(r.issue, r.input) for r in lines] == [
        ("No value", landline),
        ("No value", premium),
        ("No value", mobile),
        ("May not receive", landline),
        ("May not receive", premium),
    ]
    plain = {r.input: r.detail for r in report_lines(plan_bulk(recipients, "Hi"))}
    flags = [r for r in lines if r.issue == "May not receive"]
    for line in flags:  # the same flag as on the plain report, once it is sent to
        assert line.detail.removeprefix("Once it has a value: ") == plain[line.input].removeprefix(
            "Kept: "
        )
    assert "landline — usually cannot receive SMS" in flags[0].detail
    assert personal.missing_values[0].reach is not None
    assert personal.missing_values[2].reach is None  # a mobile: no flag
