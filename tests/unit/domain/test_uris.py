"""tel: and sms: links: what is accepted, what is refused, and that nothing else escapes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.uris import (
    MAX_URI_LENGTH,
    ComposeRequest,
    DialRequest,
    UriError,
    parse_sms_uri,
    parse_tel_uri,
    parse_uri,
)

MOBILE = "447400123456"
MOBILE2 = "447400123457"
LONDON = "442073771555"


# --- tel: ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "digits"),
    [
        ("tel:+447400123456", MOBILE),
        ("tel:07400%20123456", MOBILE),
        ("tel:0044-7400-123456", MOBILE),
        ("tel:020-7377-1555", LONDON),
        ("tel:+44.20.7377.1555", LONDON),
        ("tel:(020) 7377 1555", LONDON),
        ("tel:+44%20(0)20%207377%201555", LONDON),
        ("TEL:+447400123456", MOBILE),
        ("Tel:07400123456", MOBILE),
        ("tel://+447400123456", MOBILE),
        ("tel://07400123456/", MOBILE),
        ("tel:%2B447400123456", MOBILE),
        ("tel:07400123456;phone-context=+44", MOBILE),
        ("tel:+447400123456;foo=bar", MOBILE),
        ("  tel:07400123456  ", MOBILE),
        ("tel:447400123456", MOBILE),
    ],
)
def test_tel_links_become_dial_requests(uri: str, digits: str) -> None:
    request = parse_uri(uri)
    assert isinstance(request, DialRequest)
    assert request.number.digits == digits
    assert request.number.is_uk
    assert parse_tel_uri(uri) == request


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("tel:+16502530000", "not a UK number"),
        ("tel:", "empty"),
        ("tel:   ", "empty"),
        ("tel:%20", "empty"),
        ("tel:---", "no digits"),
        ("tel:0740012345", "too short"),
        ("tel:07400ABC456", "letters"),
        ("tel:1-800-FLOWERS", "letters"),
        ("tel:07400123456;ext=123", "extensions"),
        ("tel:07400123456;EXT=1", "extensions"),
        ("tel:07400123456;isub=1", "subaddress"),
        ("tel:07400123456;postd=pp22", "post-dial"),
        ("tel:2073771555;phone-context=+1", "phone-context"),
        ("tel:07400123456;phone-context=example.com", "phone-context"),
        ("tel:07400123456;=x", "malformed parameter"),
        ("tel:07400123456?body=x", "query"),
        ("tel:*31#07400123456", "'*'"),
        ("tel:07400123456%", "percent-escape"),
        ("tel:07400123456%zz", "percent-escape"),
        ("tel:07400%FF123456", "UTF-8"),
        ("tel:07400%0A123456", "'\\n'"),
        ("tel:07400%00123456", "'\\x00'"),
        ("tel:07400\u0661\u0662\u0663456", "contains"),  # Arabic-Indic digits
    ],
)
def test_bad_tel_links_are_refused_with_a_reason(uri: str, reason: str) -> None:
    with pytest.raises(UriError) as info:
        parse_uri(uri)
    assert reason in str(info.value)


def test_parse_tel_uri_refuses_an_sms_link() -> None:
    with pytest.raises(UriError, match="not a tel: link"):
        parse_tel_uri("sms:+447400123456")


# --- sms: ------------------------------------------------------------------------------


def test_sms_with_body() -> None:
    request = parse_uri("sms:+447400123456?body=Hello%20there")
    assert request == parse_sms_uri("sms:+447400123456?body=Hello%20there")
    assert isinstance(request, ComposeRequest)
    assert [n.digits for n in request.numbers] == [MOBILE]
    assert request.body == "Hello there"
    assert not request.bulk


def test_several_recipients_make_a_bulk_compose() -> None:
    request = parse_sms_uri("sms:07400123456,07400123457")
    assert [n.digits for n in request.numbers] == [MOBILE, MOBILE2]
    assert request.body == ""
    assert request.bulk


def test_repeated_recipients_are_kept_once_in_order() -> None:
    request = parse_sms_uri("sms:07400123457,+447400123456,0044%207400%20123457")
    assert [n.digits for n in request.numbers] == [MOBILE2, MOBILE]


@pytest.mark.parametrize(
    "uri",
    [
        "sms://+447400123456",
        "sms://+447400123456/",
        "SMS:+447400123456",
        "sms:+447400123456?",
        "sms:+447400123456;phone-context=+44",
    ],
)
def test_sms_variants_browsers_emit(uri: str) -> None:
    assert [n.digits for n in parse_sms_uri(uri).numbers] == [MOBILE]


def test_ios_style_ampersand_body() -> None:
    assert parse_sms_uri("sms:+447400123456&body=Hi").body == "Hi"


def test_sms_may_go_abroad() -> None:
    request = parse_sms_uri("sms:+16502530000")
    assert request.numbers[0].digits == "16502530000"
    assert not request.numbers[0].is_uk


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("body=1+1%3D2", "1+1=2"),  # '+' stays '+'
        ("body=caf%C3%A9%20%F0%9F%98%80", "caf\u00e9 \U0001f600"),
        ("body=line%0Aline%0D%0Atab%09", "line\nline\r\ntab\t"),
        ("body=", ""),
        ("body", ""),
        ("subject=x&body=y", "y"),
        ("Body=Hi", "Hi"),
        ("body=%24(rm%20-rf%20%2F)%3B%60id%60", "$(rm -rf /);`id`"),  # text, kept as text
        ("body=<script>alert(1)</script>", "<script>alert(1)</script>"),
    ],
)
def test_sms_body_is_percent_decoded_utf8(query: str, body: str) -> None:
    assert parse_sms_uri(f"sms:07400123456?{query}").body == body


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("sms:", "no recipient"),
        ("sms:?body=hi", "no recipient"),
        ("sms://", "no recipient"),
        ("sms:07400123456,,07400123457", "recipient 2 is empty"),
        ("sms:07400123456,", "recipient 2 is empty"),
        ("sms:07400123456,0740", "recipient 2"),
        ("sms:hello", "letters"),
        ("sms:07400123456?body=a&body=b", "twice"),
        ("sms:07400123456?body=%00", "control character"),
        ("sms:07400123456?body=%1B%5B2J", "control character"),
        ("sms:07400123456?body=%C2%85", "control character"),  # C1 NEL
        ("sms:07400123456?body=%E2%80%AElive", "direction override"),  # RLO: shows "evil"
        ("sms:07400123456?body=a%E2%80%ADb", "direction override"),  # LRO
        ("sms:07400123456?body=%E9", "UTF-8"),
        ("sms:07400123456?bo%64y=x", "malformed field"),
        ("sms:07400123456;ext=1", "extensions"),
    ],
)
def test_bad_sms_links_are_refused_with_a_reason(uri: str, reason: str) -> None:
    with pytest.raises(UriError) as info:
        parse_uri(uri)
    assert reason in str(info.value)


def test_parse_sms_uri_refuses_a_tel_link() -> None:
    with pytest.raises(UriError, match="not an sms: link"):
        parse_sms_uri("tel:+447400123456")


# --- hostile and malformed text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("javascript:alert(1)", "unsupported link type 'javascript'"),
        ("file:///etc/passwd", "unsupported link type 'file'"),
        ("http://evil.example/tel:07400123456", "unsupported link type 'http'"),
        ("callto:07400123456", "unsupported link type"),
        ("07400123456", "expected tel: or sms:"),
        ("", "empty link"),
        ("   ", "empty link"),
        ("tel:07400123456\n", "control character"),
        ("tel:07400123456\x00", "control character"),
        ("tel:\x1b[31m07400123456", "control character"),
        ("tel:07400123456\r\nsms:07400123457", "control character"),
        ("tel:07400123456;rm -rf /", "malformed parameter"),
        ("tel:07400123456&&calc.exe", "'&'"),
        ("tel:07400123456|nc evil 1", "'|'"),
        ("tel:$(reboot)", "'$'"),
        ("tel:`id`", "'`'"),
        ("tel:07400123456%3Bls", "';'"),
        ('tel:07400123456" --evil "', "'\"'"),
        ("tel:07400123456 > /tmp/x", "'>'"),
        ("sms:07400123456%2C07400123457", "','"),  # an encoded comma is not a separator
        ("tel:\u202e6543210047", "U+202E"),  # bidi override
        ("tel:+44\ud8007400123456", "surrogate"),
        ("tel:" + "0" * (MAX_URI_LENGTH + 1), "too long"),
    ],
)
def test_hostile_links_are_refused(uri: str, reason: str) -> None:
    with pytest.raises(UriError) as info:
        parse_uri(uri)
    assert reason in str(info.value)


def test_length_cap_is_exactly_the_limit() -> None:
    padded = "tel:07400123456" + " " * (MAX_URI_LENGTH - len("tel:07400123456"))
    assert parse_tel_uri(padded).number.digits == MOBILE  # exactly at the limit: fine
    with pytest.raises(UriError, match="too long"):
        parse_uri(padded + " ")


def test_error_messages_stay_short_for_long_schemes() -> None:
    with pytest.raises(UriError) as info:
        parse_uri("x" * 2000 + ":1")
    assert len(str(info.value)) < 150


# --- properties ------------------------------------------------------------------------

_URI_ALPHABET = st.sampled_from(list("0123456789+-.() ;=,?&%#/:*abcEFtelsmsbody\x00\n\u00e9"))


@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_uri_error(text: str) -> None:
    try:
        parse_uri(text)
    except UriError:
        pass


@given(
    st.sampled_from(["tel:", "sms:", "TEL://", "sms://", "sms:07400123456?body="]),
    st.text(_URI_ALPHABET, max_size=80) | st.text(max_size=80),
)
def test_link_shaped_text_raises_only_uri_error(prefix: str, rest: str) -> None:
    try:
        result = parse_uri(prefix + rest)
    except UriError:
        return
    if isinstance(result, DialRequest):
        assert result.number.is_uk
    else:
        assert result.numbers
        assert len({n.digits for n in result.numbers}) == len(result.numbers)


_BODY_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u202d\u202e")
    | st.sampled_from(["\n", "\t", "\r"]),
    max_size=200,
)


@given(_BODY_TEXT)
def test_body_round_trips_through_percent_encoding(body: str) -> None:
    request = parse_sms_uri("sms:+447400123456?body=" + quote(body, safe=""))
    assert request.body == body


@given(st.integers(min_value=0, max_value=999_999))
def test_uk_mobiles_round_trip_in_any_spelling(n: int) -> None:
    national = f"07400{n:06d}"
    expected = f"447400{n:06d}"
    for spelling in (
        f"tel:{national}",
        f"tel:+44{national[1:]}",
        f"tel:0044-{national[1:5]}-{national[5:]}",
        f"tel:{national[:5]}%20{national[5:]}",
    ):
        assert parse_tel_uri(spelling).number.digits == expected
