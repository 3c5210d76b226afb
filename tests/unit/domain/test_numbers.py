"""Phone number parsing, UK rules and display (phonenumbers is the judge)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.numbers import (
    NumberError,
    PhoneNumber,
    charge_of,
    format_number,
    is_uk,
    parse_number,
    parse_uk_number,
)

UK_MOBILE = "447400123456"
LONDON = "442073771555"


@pytest.mark.parametrize(
    "text",
    [
        "07400 123456",
        "07400123456",
        "+44 7400 123456",
        "+447400123456",
        "0044 7400 123456",
        "447400123456",
        "44 7400 123456",
        "07400-123-456",
        "07400.123.456",
        "(07400) 123456",
        "+44 (0) 7400 123456",
        "(+44) 7400 123456",
        "  07400 123456  ",
        "07400\u00a0123456",
        "7400 123456",
    ],
)
def test_common_ways_of_writing_a_uk_mobile(text: str) -> None:
    number = parse_uk_number(text)
    assert number == PhoneNumber(UK_MOBILE, "GB")
    assert number.is_uk
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["020 7377 1555", "(020) 7377 1555", "020-7377-1555", "020.7377.1555", "+44 (0)20 7377 1555"],
)
def test_common_ways_of_writing_a_london_number(text: str) -> None:
    assert parse_uk_number(text).digits == LONDON


def test_display_forms() -> None:
    mobile = parse_number("447400123456")
    assert mobile.national() == "07400 123456"
    assert mobile.international() == "+44 7400 123456"
    assert str(mobile) == "07400 123456"
    london = parse_number("+442073771555")
    assert str(london) == "020 7377 1555"
    assert london.international() == "+44 20 7377 1555"


@pytest.mark.parametrize(
    ("text", "digits", "region"),
    [
        ("01481 256789", "441481256789", "GG"),
        ("01534 456789", "441534456789", "JE"),
        ("01624 756789", "441624756789", "IM"),
        ("07781 123456", "447781123456", "GG"),
    ],
)
def test_crown_dependencies_are_uk(text: str, digits: str, region: str) -> None:
    number = parse_uk_number(text)
    assert (number.digits, number.region) == (digits, region)
    assert number.is_uk
    assert is_uk(digits)


def test_us_number_is_valid_for_sms_but_not_uk() -> None:
    number = parse_number("+1 650 253 0000")
    assert number == PhoneNumber("16502530000", "US")
    assert not number.is_uk
    assert str(number) == number.international() == "+1 650-253-0000"
    assert number.national() == number.international()
    with pytest.raises(NumberError) as caught:
        parse_uk_number("+1 650 253 0000")
    assert str(caught.value) == "not a UK number (+1)"


@pytest.mark.parametrize("text", ["15167259623", "0015167259623", "+1 516 725 9623"])
def test_digits_with_a_foreign_country_code_are_international(text: str) -> None:
    number = parse_number(text)
    assert number.digits == "15167259623"
    assert number.region == "US"
    assert not is_uk(text)


def test_other_countries_keep_their_own_digits() -> None:
    assert parse_number("+39 06 1234 5678").digits == "390612345678"  # Italian leading 0
    assert parse_number("+353 1 234 5678").region == "IE"
    with pytest.raises(NumberError, match=r"^not a UK number \(\+353\)$"):
        parse_uk_number("+353 1 234 5678")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a phone number: empty"),
        ("   ", "not a phone number: empty"),
        ("SMTEST", "not a phone number: contains letters"),
        ("07400 123456 ext 5", "not a phone number: contains letters"),
        ("O7400 123456", "not a phone number: contains letters"),  # letter O
        ("07400#123456", "not a phone number: contains '#'"),
        ("--", "not a phone number: contains no digits"),
        ("074+00123456", "not a phone number: '+' must come once, before the digits"),
        ("++447400123456", "not a phone number: '+' must come once, before the digits"),
        ("0740012345", "not a valid UK number: too short"),
        ("0790", "not a valid UK number: too short"),
        ("0", "not a valid UK number: too short"),
        ("+44", "not a valid UK number: too short"),
        ("020 7377 155", "not a valid UK number: too short"),
        ("074001234567", "not a valid UK number: too long"),
        ("07400 1234567", "not a valid UK number: too long"),
        ("447700172124234235252524", "not a valid UK number: too long"),
        ("07700 900123", "not a valid UK number: not a number range in use"),  # drama range
        ("+1 650 253 000", "not a valid +1 number: too short"),
        ("+999 1234567", "not a phone number: unknown country code"),
    ],
)
def test_rejections_say_why(text: str, reason: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert str(caught.value) == reason


def test_number_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_number("nope")


def test_uk_parser_prefers_the_country_over_the_length() -> None:
    # An invalid foreign number is refused for a dial endpoint because it is foreign.
    with pytest.raises(NumberError, match=r"^not a UK number \(\+1\)$"):
        parse_uk_number("+1 650 253 000")
    # An invalid UK number keeps its specific reason.
    with pytest.raises(NumberError, match=r"^not a valid UK number: too short$"):
        parse_uk_number("0740012345")


def test_format_number_displays_valid_numbers_and_leaves_the_rest() -> None:
    assert format_number("447400123456") == "07400 123456"
    assert format_number("442073771555") == "020 7377 1555"
    assert format_number("16502530000") == "+1 650-253-0000"
    assert format_number("SMTEST") == "SMTEST"
    assert format_number("447700172124234235252524") == "447700172124234235252524"
    assert format_number("") == ""


def test_is_uk_never_raises() -> None:
    assert is_uk("447400123456")
    assert not is_uk("16502530000")
    assert not is_uk("SMTEST")
    assert not is_uk("")
    assert not is_uk("447700900123")


def test_phone_number_refuses_non_digits() -> None:
    with pytest.raises(ValueError):
        PhoneNumber("+447400123456", "GB")


_SEPARATOR = st.sampled_from([" ", "-", ".", ""])


@st.composite
def uk_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A real-format 07400 mobile written in a random common style, with its digits."""
    subscriber = draw(st.from_regex(r"\A[0-9]{6}\Z"))
    digits = "447400" + subscriber
    prefix = draw(st.sampled_from(["0", "+44 ", "+44", "0044 ", "44", "+44 (0)"]))
    sep = draw(_SEPARATOR)
    text = f"{prefix}7400{sep}{subscriber[:3]}{sep}{subscriber[3:]}"
    return text, digits


@given(uk_mobiles())
def test_any_style_of_uk_mobile_parses_to_the_same_digits(case: tuple[str, str]) -> None:
    text, digits = case
    number = parse_uk_number(text)
    assert number.digits == digits
    assert number.national() == f"0{digits[2:6]} {digits[6:]}"


@given(uk_mobiles())
def test_display_forms_round_trip(case: tuple[str, str]) -> None:
    text, _ = case
    number = parse_number(text)
    assert parse_number(number.national()) == number
    assert parse_number(number.international()) == number
    assert parse_number(number.digits) == number
    assert format_number(number.digits) == str(number)


@given(st.text(max_size=30))
def test_parse_either_succeeds_with_digits_or_raises_number_error(text: str) -> None:
    try:
        number = parse_number(text)
    except NumberError as exc:
        assert str(exc)
        assert format_number(text) == text
    else:
        assert number.digits.isascii() and number.digits.isdigit()
        assert not number.digits.startswith("0")
        assert format_number(text) == str(number)


@given(st.text(alphabet="0123456789 +-().", max_size=25))
def test_uk_parser_accepts_only_uk_numbers(text: str) -> None:
    try:
        number = parse_uk_number(text)
    except NumberError:
        return
    assert number.is_uk
    assert number.digits.startswith("44")
    assert is_uk(number.digits)


# --- what a number may cost -----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "label"),
    [
        ("09065551234", "Premium rate"),
        ("+44 909 879 0123", "Premium rate"),
        ("449065551234", "Premium rate"),  # stored E.164 digits, as partners are
        ("07012345678", "Personal number"),
        ("08712345678", "Service charge"),
        ("0870 010 0222", "Service charge"),
        ("08445551234", "Service charge"),
        ("05512345678", "Non-geographic"),
        ("05612345678", "Internet phone"),
        ("07640123456", "Pager"),
        ("118118", "Directory enquiries"),
        ("118 500", "Directory enquiries"),
        ("+33 8 91 23 45 67", "Premium rate"),  # abroad too (an SMS may go anywhere)
        ("+34 901 123 456", "Shared cost"),
    ],
)
def test_chargeable_ranges_are_flagged(number: str, label: str) -> None:
    charge = charge_of(number)
    assert charge is not None and charge.label == label
    assert charge.warning("X").startswith("X is a")


@pytest.mark.parametrize(
    "number",
    [
        "07400123456",  # mobile
        "020 7377 1555",  # London
        "01189 123456",  # Reading: 0118 is not 118
        "441189123456",
        "0300 123 4567",  # 03 costs what 01/02 cost
        "0800 123 4567",  # freephone
        "07624 123456",  # Isle of Man mobile
        "SMTEST",
        "",
        "<b>09065551234</b>",
        "118",
    ],
)
def test_ordinary_numbers_and_non_numbers_are_not_flagged(number: str) -> None:
    assert charge_of(number) is None


def test_charge_of_takes_a_parsed_number() -> None:
    assert charge_of(parse_uk_number("09065551234")) is not None
    assert charge_of(parse_uk_number("07400123456")) is None


@given(st.text(max_size=30))
def test_charge_of_never_raises(text: str) -> None:
    charge_of(text)
