"""SMS segment maths, checked against an independent encoder written here.

The reference below really encodes the text (GSM 03.38 septet codes, or UTF-16 code
units), builds the parts greedily one encoded character at a time, and counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.segments import (
    Encoding,
    SegmentInfo,
    analyse,
    describe,
    make_gsm_safe,
    unicode_positions,
)

# --- the reference encoder -----------------------------------------------------------

# The GSM 03.38 default alphabet in code order (0x00 … 0x7F); 0x1B is the escape.
GSM_DEFAULT = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
ESCAPE = 0x1B
GSM_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}


def encode_gsm7(ch: str) -> list[int] | None:
    """The septets for one character, or None when GSM-7 cannot carry it."""
    code = GSM_DEFAULT.find(ch)
    if code >= 0 and code != ESCAPE:
        return [code]
    for ext_code, ext_char in GSM_EXTENSION.items():
        if ext_char == ch:
            return [ESCAPE, ext_code]
    return None


def encode_ucs2(ch: str) -> list[int]:
    raw = ch.encode("utf-16-be")
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]


@dataclass
class Reference:
    encoding: str
    units: int
    parts: list[list[int]]
    capacity: int


def reference(text: str) -> Reference:
    gsm = [encode_gsm7(ch) for ch in text]
    groups: list[list[int]]
    if all(g is not None for g in gsm):
        groups = [g for g in gsm if g is not None]
        encoding, single, multi = "GSM-7", 160, 153
    else:
        groups = [encode_ucs2(ch) for ch in text]
        encoding, single, multi = "Unicode", 70, 67
    flat = [unit for group in groups for unit in group]
    if len(flat) <= single:
        return Reference(encoding, len(flat), [flat] if flat else [], single)
    parts: list[list[int]] = [[]]
    for group in groups:
        if len(parts[-1]) + len(group) > multi:
            parts.append([])
        parts[-1].extend(group)
    return Reference(encoding, len(flat), parts, multi)


def decode(parts: list[list[int]], encoding: str) -> str:
    """Decode each part on its own (as a phone would) and join them."""
    out = []
    for part in parts:
        if encoding == "GSM-7":
            text, escaped = "", False
            for septet in part:
                if escaped:
                    text += GSM_EXTENSION[septet]
                    escaped = False
                elif septet == ESCAPE:
                    escaped = True
                else:
                    text += GSM_DEFAULT[septet]
            assert not escaped, "an escape was split from its character"
        else:
            text = b"".join(u.to_bytes(2, "big") for u in part).decode("utf-16-be")
        out.append(text)
    return "".join(out)


def test_reference_alphabet_is_the_full_table() -> None:
    assert len(GSM_DEFAULT) == 128
    assert len(set(GSM_DEFAULT)) == 128


# --- property tests against the reference --------------------------------------------

GSM_CHARS = "".join(ch for ch in GSM_DEFAULT if ch != "\x1b") + "".join(GSM_EXTENSION.values())
OTHER_CHARS = "жéêçñ’“”…😀👍🏽\u00a0\u200b中"

gsm_texts = st.text(alphabet=GSM_CHARS, max_size=480)
extension_heavy = st.text(alphabet="ab €{}[]^~|\\\f", max_size=480)
mixed_texts = st.text(alphabet=GSM_CHARS[:40] + OTHER_CHARS, max_size=240)


@st.composite
def near_a_boundary(draw: st.DrawFn) -> str:
    """Two-unit characters placed right around a part boundary (where mistakes hide)."""
    wide = draw(st.sampled_from(["€", "{", "^", "\f", "😀", "👍"]))
    boundary = draw(st.sampled_from([67, 70, 134, 153, 160, 306]))
    before = boundary + draw(st.integers(min_value=-3, max_value=1))
    after = draw(st.integers(min_value=0, max_value=160))
    filler = draw(st.sampled_from(["a", "ж"])) if ord(wide[0]) > 0xFFFF else "a"
    return filler * before + wide + "b" * after


any_texts = st.one_of(
    gsm_texts, extension_heavy, mixed_texts, near_a_boundary(), st.text(max_size=200)
)


@given(any_texts)
def test_analyse_matches_the_reference_encoder(text: str) -> None:
    ref = reference(text)
    info = analyse(text)
    assert info.encoding.value == ref.encoding
    assert info.units == ref.units
    assert info.parts == len(ref.parts)
    assert info.per_part == ref.capacity
    last_used = len(ref.parts[-1]) if ref.parts else 0
    assert info.remaining == ref.capacity - last_used
    assert decode(ref.parts, ref.encoding) == text


@given(any_texts)
def test_unicode_chars_and_positions_agree_with_the_reference(text: str) -> None:
    forcing = [i for i, ch in enumerate(text) if encode_gsm7(ch) is None]
    assert unicode_positions(text) == forcing
    distinct: list[str] = []
    for i in forcing:
        if text[i] not in distinct:
            distinct.append(text[i])
    assert analyse(text).unicode_chars == tuple(distinct)
    assert (analyse(text).encoding is Encoding.UCS2) == bool(forcing)


@given(any_texts)
def test_appending_a_character_never_reduces_parts(text: str) -> None:
    before = analyse(text)
    after = analyse(text + "a")
    if before.encoding is after.encoding:
        assert after.parts >= before.parts
        assert after.units == before.units + 1


@given(st.text(max_size=200))
def test_make_gsm_safe_is_idempotent(text: str) -> None:
    once = make_gsm_safe(text)
    assert make_gsm_safe(once) == once


@given(gsm_texts)
def test_make_gsm_safe_leaves_gsm_text_alone(text: str) -> None:
    assert make_gsm_safe(text) == text


@given(st.text(alphabet="жß中😀é€{", max_size=50))
def test_make_gsm_safe_leaves_other_characters_alone(text: str) -> None:
    assert make_gsm_safe(text) == text


# --- fixed examples at the boundaries -------------------------------------------------


def info(text: str) -> tuple[Encoding, int, int, int, int]:
    i = analyse(text)
    return i.encoding, i.units, i.parts, i.per_part, i.remaining


G, U = Encoding.GSM7, Encoding.UCS2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (G, 0, 0, 160, 160)),
        ("a", (G, 1, 1, 160, 159)),
        ("a" * 160, (G, 160, 1, 160, 0)),
        ("a" * 161, (G, 161, 2, 153, 145)),
        ("a" * 306, (G, 306, 2, 153, 0)),
        ("a" * 307, (G, 307, 3, 153, 152)),
        ("ж" * 70, (U, 70, 1, 70, 0)),
        ("ж" * 71, (U, 71, 2, 67, 63)),
        ("ж" * 134, (U, 134, 2, 67, 0)),
        ("ж" * 135, (U, 135, 3, 67, 66)),
        ("€" * 80, (G, 160, 1, 160, 0)),
        ("a" * 159 + "€", (G, 161, 2, 153, 145)),
    ],
)
def test_boundaries(text: str, expected: tuple[Encoding, int, int, int, int]) -> None:
    assert info(text) == expected


def test_extension_character_is_not_split_across_parts() -> None:
    # 152 + 2 + 152 = 306 septets would fit 2 x 153, but the € cannot straddle parts:
    # part 1 holds 152, part 2 holds € + 151, part 3 holds the last "a".
    text = "a" * 152 + "€" + "a" * 152
    assert info(text) == (G, 306, 3, 153, 152)
    # One fewer "a" before the € and it fits exactly.
    assert info("a" * 151 + "€" + "a" * 153) == (G, 306, 2, 153, 0)


def test_emoji_are_two_units_and_never_split() -> None:
    assert info("😀") == (U, 2, 1, 70, 68)
    assert info("😀" * 35) == (U, 70, 1, 70, 0)
    # Part 1 takes 33 emoji (66 units; a 34th would need 68), part 2 the other 2 + "a".
    assert info("😀" * 35 + "a") == (U, 71, 2, 67, 62)
    assert info("😀" * 2 + "a" * 67) == (U, 71, 2, 67, 63)
    # 66 + 2 + 66 = 134 code units; the surrogate pair moves whole to part 2.
    assert info("a" * 66 + "😀" + "a" * 66) == (U, 134, 3, 67, 66)


def test_one_unicode_character_switches_the_whole_text() -> None:
    text = "a" * 100 + "ж"
    assert info(text) == (U, 101, 2, 67, 33)
    assert analyse(text).unicode_chars == ("ж",)
    assert unicode_positions(text) == [100]


def test_escape_character_itself_is_not_gsm7() -> None:
    assert analyse("\x1b").encoding is U


def test_unicode_chars_are_distinct_in_first_seen_order() -> None:
    text = "Café ж 😀 ж “x”"
    assert analyse(text).unicode_chars == ("ж", "😀", "“", "”")
    assert unicode_positions(text) == [5, 7, 9, 11, 13]


def test_make_gsm_safe_on_smart_typography() -> None:
    text = (
        "\u201cHello\u201d \u2018there\u2019 \u201ayes\u201b \u201eok\u201f \u2013 "
        "wait\u2014no\u2026 \u2022 item\u00a0one\u2009two\u2002x\u2003y\u200bz "
        "\u2010\u2011\u2012\u2015"
    )
    safe = make_gsm_safe(text)
    assert safe == "\"Hello\" 'there' 'yes' \"ok\" - wait-no... - item one two x yz ----"
    assert analyse(text).encoding is U
    assert analyse(safe).encoding is G
    assert analyse(safe).unicode_chars == ()


def test_make_gsm_safe_keeps_what_it_cannot_replace() -> None:
    assert make_gsm_safe("Привет \u2019😀\u2019") == "Привет '😀'"


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Hello world!", "12 characters · 1 part · GSM-7"),
        ("ж" * 71, "71 characters · 2 parts · Unicode"),
        ("a", "1 character · 1 part · GSM-7"),
        ("", "0 characters · 0 parts · GSM-7"),
        ("{}", "4 characters · 1 part · GSM-7"),
    ],
)
def test_describe(text: str, summary: str) -> None:
    assert describe(analyse(text)) == summary


def test_segment_info_is_frozen() -> None:
    value = analyse("hi")
    assert isinstance(value, SegmentInfo)
    with pytest.raises(AttributeError):
        value.parts = 3  # type: ignore[misc]
