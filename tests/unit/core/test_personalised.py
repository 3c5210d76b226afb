"""core.personalised: per-recipient texts and the pre-send report, pure and over the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hubdesk.core.bulk import Recipient
from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import InvalidInput
from hubdesk.core.personalised import (
    ExclusionKind,
    PersonalisedPlan,
    Personaliser,
    UnknownGroups,
    missing_sentence,
    plan_personalised,
)
from hubdesk.domain.numbers import parse_number
from hubdesk.domain.placeholders import parse
from hubdesk.store.worker import DbWorker

MOMENT = datetime(2025, 12, 8, 9, 30, tzinfo=timezone(timedelta(0)))  # a Monday
ALICE, BOB, CAROL, NOBODY = "447400123456", "447400123457", "447400123458", "447400999999"
LANDLINE = "442079460000"
NAMES = {ALICE: "Alice Smith", BOB: "Dr Bob Jones", CAROL: "Carol"}


def plan(text: str, *numbers: str, opted_out: tuple[str, ...] = ()) -> PersonalisedPlan:
    recipients = [Recipient(n, f"--to #{i}") for i, n in enumerate(numbers, start=1)]
    return plan_personalised(
        parse(text),
        recipients,
        sender="HubWork",
        moment=MOMENT,
        contacts=NAMES,
        opted_out=opted_out,
    )


def test_each_recipient_gets_their_own_text_and_parts() -> None:
    found = plan("Hi {first_name|there}, see you {date}.", ALICE, BOB, NOBODY)
    assert [(m.number.digits, m.name, m.text) for m in found.messages] == [
        (ALICE, "Alice Smith", "Hi Alice, see you Monday 8 December."),
        (BOB, "Dr Bob Jones", "Hi Bob, see you Monday 8 December."),
        (NOBODY, None, "Hi there, see you Monday 8 December."),
    ]
    assert [m.segments.parts for m in found.messages] == [1, 1, 1]
    assert found.recipients == 3 and found.total_parts == 3
    assert not found.uniform
    assert found.excluded == () and found.flagged == ()
    assert found.summary() == "3 recipients, 3 parts."


def test_parts_are_counted_on_each_expanded_text() -> None:
    # 150 characters of text: a long name tips that one recipient over into 2 parts.
    text = "x" * 150 + " {name|}"
    names = plan(text, ALICE, NOBODY, CAROL)
    assert [m.segments.parts for m in names.messages] == [2, 1, 1]
    assert names.total_parts == 4 and names.max_parts == 2
    accents = plan("Ça va, {first_name|toi} ? " + "é" * 60, ALICE)  # Ç and é are GSM-7
    assert accents.messages[0].segments.parts == 1
    emoji = plan("👋 {first_name}" + "a" * 63, ALICE)  # UCS-2: 70 units per part
    assert emoji.messages[0].segments.parts == 2


def test_who_is_left_out_and_why() -> None:
    found = plan(
        "Hi {first_name}",
        ALICE,
        "0740",
        NOBODY,
        ALICE,
        CAROL,
        BOB,
        "07400 123458",
        opted_out=(CAROL,),
    )
    assert [m.number.digits for m in found.messages] == [ALICE, BOB]
    kinds = [(e.kind, e.given, e.origin) for e in found.excluded]
    assert kinds == [
        (ExclusionKind.INVALID, "0740", "--to #2"),
        (ExclusionKind.DUPLICATE, ALICE, "--to #4"),
        (ExclusionKind.DUPLICATE, "07400 123458", "--to #7"),
        (ExclusionKind.OPTED_OUT, CAROL, "--to #5"),
        (ExclusionKind.NO_VALUE, NOBODY, "--to #3"),
    ]
    (missing,) = found.missing_values
    assert missing.missing == ("first_name",) and missing.reason == "no contact has this number"
    assert found.summary() == (
        "2 recipients, 2 parts (5 excluded: 1 no value, 1 invalid, 1 opted out, 2 duplicate)."
    )


def test_numbers_that_cannot_take_texts_are_flagged_not_dropped() -> None:
    found = plan("Hello", ALICE, LANDLINE)
    assert [m.number.digits for m in found.messages] == [ALICE, LANDLINE]
    (flagged,) = found.flagged
    assert flagged.number.digits == LANDLINE
    assert str(flagged.reach) == "landline — usually cannot receive SMS"
    assert found.summary() == "2 recipients, 2 parts (1 may not receive texts)."


def test_a_text_the_same_for_everyone_is_uniform() -> None:
    assert plan("Open at {time} on {date}, from {sender}", ALICE, NOBODY).uniform
    assert plan("Hi {first_name|there}", NOBODY, "07400 999998").uniform  # defaults only
    assert not plan("Your number is {number}", ALICE, BOB).uniform
    assert plan("Hi {{braces}}", ALICE).messages[0].text == "Hi {braces}"


def test_previews_show_named_contacts_first() -> None:
    found = plan("Hi {first_name|there}", NOBODY, ALICE, "07400 999998", BOB, CAROL)
    assert [m.name for m in found.previews(3)] == ["Alice Smith", "Dr Bob Jones", "Carol"]
    assert len(found.previews(10)) == 5


def test_the_refusal_names_recipients_and_placeholders() -> None:
    found = plan(
        "Dear {first_name} {last_name}",
        ALICE,
        NOBODY,
        CAROL,
        *[f"4474001000{n:02d}" for n in range(6)],
    )
    sentence = missing_sentence(found.missing_values)
    assert sentence.startswith("8 recipients have no value for {first_name}, {last_name}: ")
    assert "07400 999999 (no contact has this number)" in sentence
    assert "07400 123458 (the contact's name (Carol) has no last name)" in sentence
    assert "and 3 more" in sentence
    assert "Nothing was sent; add a default such as {first_name|there}" in sentence
    one = plan("Dear {name}", NOBODY)
    assert missing_sentence(one.missing_values).startswith("1 recipient has no value for {name}")


# --- over the store ----------------------------------------------------------------------------


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    opened = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    book = ContactBook(opened)
    await book.add("Alice Smith", ALICE, groups=["Staff", "Leeds"])
    await book.add("Dr Bob Jones", BOB, groups=["Staff"])
    await book.add("Carol", CAROL, groups=["Leeds"])
    await opened.run(lambda db: db.optouts.add(CAROL))
    yield opened
    await opened.close()


async def test_groups_contacts_and_optouts_come_from_the_store(worker: DbWorker) -> None:
    personaliser = Personaliser(worker)
    found = await personaliser.plan(
        parse("Hi {first_name|there}"),
        "HubWork",
        [Recipient("07400 999999", "--to")],
        groups=["staff", "LEEDS"],
        moment=MOMENT,
    )
    assert [(m.number.digits, m.text, m.origin) for m in found.messages] == [
        (NOBODY, "Hi there", "--to"),
        (ALICE, "Hi Alice", "group Staff: Alice Smith"),
        (BOB, "Hi Bob", "group Staff: Dr Bob Jones"),
    ]
    assert [(e.kind, e.origin) for e in found.excluded] == [
        (ExclusionKind.DUPLICATE, "group Leeds: Alice Smith"),
        (ExclusionKind.OPTED_OUT, "group Leeds: Carol"),
    ]
    overriding = await personaliser.plan(
        parse("Hi {first_name|there}"), "HubWork", groups=["Leeds"], override_optout=True
    )
    assert [m.text for m in overriding.messages] == ["Hi Alice", "Hi Carol"]
    with pytest.raises(UnknownGroups) as caught:
        await personaliser.plan(parse("Hi"), "HubWork", groups=["Staff", "Nurses", "x"])
    assert str(caught.value) == "no group named 'Nurses', 'x' (groups: 'Leeds', 'Staff')"
    assert caught.value.names == ("Nurses", "x")


async def test_one_fills_a_single_send_or_refuses_it(worker: DbWorker) -> None:
    personaliser = Personaliser(worker)
    text = parse("Hi {first_name}, from {sender} at {time}")
    filled = await personaliser.one(text, "447520602706", parse_number(ALICE), MOMENT)
    assert filled == "Hi Alice, from 07520 602706 at 09:30"
    with pytest.raises(InvalidInput) as caught:
        await personaliser.one(text, "HubWork", parse_number(NOBODY), MOMENT)
    assert str(caught.value) == (
        "no value for {first_name} for 07400 999999: no contact has this number (a default "
        "fills the gap, e.g. {first_name|there}); nothing was sent"
    )
    plain = await personaliser.one(parse("Hi {{all}}"), "HubWork", parse_number(NOBODY))
    assert plain == "Hi {all}"
