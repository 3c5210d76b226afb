"""Placeholders: parsing, the errors people see, defaults, escapes, names, filling in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.numbers import parse_number
from hubdesk.domain.placeholders import (
    PLACEHOLDERS,
    MissingValue,
    PlaceholderContext,
    PlaceholderError,
    TemplateSyntaxError,
    UnknownPlaceholder,
    escape,
    expand,
    expand_each,
    format_date,
    format_time,
    parse,
    split_name,
)

MOMENT = datetime(2025, 12, 8, 14, 5, tzinfo=timezone(timedelta(hours=0)))  # a Monday
ALICE = parse_number("07400 123456")
STRANGER = parse_number("07400 999999")


def context(
    number: str = "07400 123456", name: str | None = None, sender: str = "HubWork"
) -> PlaceholderContext:
    return PlaceholderContext(parse_number(number), sender, MOMENT, name)


# --- parsing -------------------------------------------------------------------------------


def test_a_text_splits_into_literals_and_placeholders() -> None:
    parsed = parse("Hi {first_name|there}, table for {name}? {{ok}}")
    pieces = [p if isinstance(p, str) else str(p) for p in parsed.pieces]
    assert pieces == ["Hi ", "{first_name|there}", ", table for ", "{name}", "? {ok}"]
    assert parsed.names == ("first_name", "name")
    assert parsed.has_placeholders
    first = parsed.placeholders[0]
    assert (first.start, first.end) == (3, 21)  # indexes into the source, for highlighting
    assert parsed.source[first.start : first.end] == "{first_name|there}"


def test_names_ignore_case_and_spaces_and_defaults_are_trimmed() -> None:
    parsed = parse("{ First_Name | there }{LAST_NAME}{time|}")
    assert [(p.name, p.default) for p in parsed.placeholders] == [
        ("first_name", "there"),
        ("last_name", None),
        ("time", ""),
    ]


def test_a_default_keeps_further_bars() -> None:
    (placeholder,) = parse("{name|a|b}").placeholders
    assert placeholder.default == "a|b"


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("Hi {", 4, 'is not closed; end the placeholder with "}", or write "{{"'),
        ("Hi {first_name", 4, "is not closed"),
        ("a{b{c}", 2, 'is not closed before the next "{"'),
        ("a } b", 3, 'closes no placeholder; write "}}" for a literal brace'),
        ("x{}", 2, "an empty placeholder at character 2"),
        ("x{ |there}", 2, "an empty placeholder"),
    ],
)
def test_braces_out_of_place_are_refused_with_where_and_how(
    text: str, position: int, words: str
) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        parse(text)
    assert caught.value.position == position
    assert words in str(caught.value)
    assert f"character {position}" in str(caught.value)


def test_an_unknown_placeholder_lists_the_known_ones_and_guesses() -> None:
    with pytest.raises(UnknownPlaceholder) as caught:
        parse("Dear {firstname},")
    message = str(caught.value)
    assert "unknown placeholder {firstname} at character 6" in message
    assert "did you mean {first_name}?" in message
    for name in PLACEHOLDERS:
        assert f"{{{name}}}" in message
    assert caught.value.suggestion == "first_name"
    with pytest.raises(UnknownPlaceholder) as far:
        parse("{shoe_size}")
    assert far.value.suggestion is None and "did you mean" not in str(far.value)
    with pytest.raises(UnknownPlaceholder) as typo:
        parse("{naem}")
    assert typo.value.suggestion == "name"


def test_a_long_unknown_name_is_shortened_in_the_message() -> None:
    with pytest.raises(UnknownPlaceholder) as caught:
        parse("{" + "x" * 500 + "}")
    assert len(str(caught.value)) < 400


def test_every_error_is_a_placeholder_error_and_a_value_error() -> None:
    assert issubclass(TemplateSyntaxError, PlaceholderError)
    assert issubclass(MissingValue, PlaceholderError)
    assert issubclass(PlaceholderError, ValueError)


# --- property tests ------------------------------------------------------------------------


@given(st.text())
def test_parse_raises_nothing_but_its_own_error(text: str) -> None:
    try:
        parsed = parse(text)
    except PlaceholderError:
        return
    assert parsed.source == text


@given(st.text().filter(lambda t: "{" not in t and "}" not in t))
def test_a_text_without_braces_round_trips(text: str) -> None:
    parsed = parse(text)
    assert not parsed.has_placeholders
    assert parsed.fill({}) == text
    assert expand(parsed, context()) == text


@given(st.text())
def test_any_escaped_text_parses_back_to_itself(text: str) -> None:
    parsed = parse(escape(text))
    assert not parsed.has_placeholders
    assert parsed.fill({}) == text


@given(
    st.lists(
        st.one_of(
            st.text().filter(lambda t: "{" not in t and "}" not in t),
            st.sampled_from(PLACEHOLDERS).map(lambda n: "{" + n + "|x}"),
        )
    )
)
def test_placeholders_with_defaults_always_fill(parts: list[str]) -> None:
    text = "".join(parts)
    filled = expand(parse(text), context(number="07400 999999", name=None))
    assert "{" not in filled and "}" not in filled


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Priya Patel", "Priya", "Patel"),
        ("  Priya   Patel ", "Priya", "Patel"),
        ("Mary Ann Smith", "Mary", "Smith"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("José de la Cruz", "José", "de la Cruz"),
        ("Smith, John", "John", "Smith"),
        ("Smith, Dr John Paul", "John", "Smith"),
        ("Dr Priya Patel", "Priya", "Patel"),
        ("Mrs. Jane Doe Jr.", "Jane", "Doe"),
        ("Dr Patel", None, "Patel"),
        ("Reception", "Reception", None),
        ("Alice Smith (work)", "Alice", "Smith"),
        ("Dr", "Dr", None),
        ("", None, None),
        ("(no name)", None, None),
    ],
)
def test_contact_names_split_sensibly(name: str, first: str | None, last: str | None) -> None:
    assert split_name(name) == (first, last)


# --- filling in ------------------------------------------------------------------------------


def test_dates_and_times_are_uk_style() -> None:
    assert format_date(MOMENT) == "Monday 8 December"
    assert format_date(datetime(2026, 1, 1)) == "Thursday 1 January"
    assert format_time(MOMENT) == "14:05"
    assert format_time(datetime(2026, 1, 1, 9, 3)) == "09:03"


def test_every_placeholder_is_filled_for_a_contact() -> None:
    text = "{first_name}|{last_name}|{name}|{number}|{sender}|{date}|{time}"
    filled = expand(parse(text), context(name="Dr Priya  Patel", sender="447520602706"))
    assert filled.split("|") == [
        "Priya",
        "Patel",
        "Dr Priya Patel",
        "07400 123456",
        "07520 602706",  # a numeric sender ID in national form
        "Monday 8 December",
        "14:05",
    ]
    assert expand(parse("{sender}"), context(sender="HubWork")) == "HubWork"
    foreign = expand(parse("{number}"), context(number="+1 516 725 9623"))
    assert foreign == "+1 516-725-9623"


def test_defaults_fill_what_a_recipient_lacks() -> None:
    parsed = parse("Hi {first_name|there}, {last_name|}!")
    assert expand(parsed, context(name="Priya Patel")) == "Hi Priya, Patel!"
    assert expand(parsed, context(name=None)) == "Hi there, !"
    assert expand(parsed, context(name="Reception")) == "Hi Reception, !"


def test_a_missing_value_names_the_placeholder_number_and_reason() -> None:
    parsed = parse("Hi {first_name}, {name} {last_name}")
    with pytest.raises(MissingValue) as caught:
        expand(parsed, context(number="07400 999999", name=None))
    message = str(caught.value)
    assert caught.value.placeholders == ("first_name", "name", "last_name")
    assert "no value for {first_name}, {name}, {last_name} for 07400 999999" in message
    assert "no contact has this number" in message
    assert "{first_name|there}" in message  # how to fix it
    with pytest.raises(MissingValue) as titled:
        expand(parse("Hi {first_name}"), context(name="Dr Patel"))
    assert "the contact's name (Dr Patel) has no first name" in str(titled.value)
    with pytest.raises(MissingValue) as single:
        expand(parse("{last_name}"), context(name="Reception"))
    assert "has no last name" in str(single.value)


def test_expand_each_never_raises_and_reports_per_recipient() -> None:
    parsed = parse("Hi {first_name}, {time}")
    found = expand_each(
        parsed,
        [context(name="Priya Patel"), context(number="07400 999999"), context(name="Dr Who")],
    )
    assert [e.text for e in found] == ["Hi Priya, 14:05", None, None]
    assert [e.ok for e in found] == [True, False, False]
    assert found[1].missing == ("first_name",)
    assert found[1].reason == "no contact has this number"
    assert "has no first name" in found[2].reason
    assert found[1].context.number == STRANGER


def test_values_are_worked_out_only_for_the_placeholders_used() -> None:
    from hubdesk.domain.placeholders import placeholder_values

    every = placeholder_values(context(name="Priya Patel"))
    assert set(every) == set(PLACEHOLDERS)
    assert placeholder_values(context(name="Priya Patel"), ("time",)) == {"time": "14:05"}
    assert placeholder_values(context(), ["last_name"]) == {
        "first_name": None,
        "last_name": None,
        "name": None,
    }
