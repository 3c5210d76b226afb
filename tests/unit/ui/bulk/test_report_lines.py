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
