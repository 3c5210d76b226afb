"""``domain.text``: what a hostile name or preview can and cannot do once neutralised."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.text import marker, neutralise, neutralise_body, one_line

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"

BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
INVISIBLE = [ZWSP, WJ, BOM, "\u180e", "\u2061", "\u2064", "\u206a", "\u206f", "\ufff9"]


def test_the_exe_txt_trick_is_visible() -> None:
    shown = neutralise(f"Pay to {RLO}txt.exe")
    assert shown == "Pay to ⟨U+202E⟩txt.exe"
    assert RLO not in shown


@pytest.mark.parametrize("ch", BIDI_CONTROLS + INVISIBLE)
def test_reordering_and_invisible_characters_become_markers(ch: str) -> None:
    assert neutralise(f"a{ch}b") == f"a{marker(ch)}b"


def test_marker_names_the_code_point() -> None:
    assert marker(RLO) == "⟨U+202E⟩"
    assert marker(ZWSP) == "⟨U+200B⟩"


def test_look_alike_sender_ids_stay_different() -> None:
    real, fake = "HSBC", f"HS{ZWSP}BC"
    assert neutralise(real) == "HSBC"
    assert neutralise(fake) != neutralise(real)


@pytest.mark.parametrize("mark", [LRM, RLM, ALM])
def test_implicit_marks_are_removed(mark: str) -> None:
    assert neutralise(f"{mark}שלום{mark} 123") == "שלום 123"


def test_joiners_stay_where_a_script_or_emoji_needs_them() -> None:
    family = f"👨{ZWJ}👩{ZWJ}👧"
    persian = f"می{ZWNJ}خواهم"  # "I want": the ZWNJ is spelling
    devanagari = f"क्{ZWJ}ष"
    rainbow = f"🏳\ufe0f{ZWJ}🌈"
    for text in (family, persian, devanagari, rainbow):
        assert neutralise(text) == text


@pytest.mark.parametrize("text", [f"Al{ZWJ}ice", f"Al{ZWNJ}ice", f"{ZWJ}Bob", f"Bob{ZWNJ}"])
def test_joiners_in_latin_names_or_at_an_edge_become_markers(text: str) -> None:
    shown = neutralise(text)
    assert ZWJ not in shown and ZWNJ not in shown
    assert "⟨U+200" in shown


def test_tag_characters_only_inside_a_flag() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert neutralise(england) == england
    smuggled = "hi\U000e0041\U000e0042"
    assert neutralise(smuggled) == "hi⟨U+E0041⟩⟨U+E0042⟩"


def test_lone_surrogates_are_repaired() -> None:
    assert neutralise("a\ud83db") == "a\ufffdb"
    assert neutralise_body("a\udc00") == "a\ufffd"
    neutralise("\ud83d").encode("utf-8")  # encodable now


def test_plain_text_is_returned_unchanged() -> None:
    for text in (
        "",
        "Alice Example",
        "07400 123456",
        "مرحبا",
        "日本語",
        "😀👍🏽",
        "<b>x</b> &amp;",
    ):
        assert neutralise(text) == text


def test_bodies_keep_marks_joiners_and_zero_width_spaces() -> None:
    text = f"{RLM}שלום{RLM} 👨{ZWJ}👩 ไทย{ZWSP}ภาษา"
    assert neutralise_body(text) == text


@pytest.mark.parametrize("ch", BIDI_CONTROLS)
def test_bodies_show_every_bidi_control(ch: str) -> None:
    assert neutralise_body(f"x{ch}y") == f"x{marker(ch)}y"


def test_one_line_removes_controls_and_breaks() -> None:
    assert one_line("a\x00b\nc\r\n\td\u2028e\x85f\x7f") == "a b c d e f"
    assert one_line(f"  {RLO}x  ") == "⟨U+202E⟩x"


_FORMAT = st.sampled_from(BIDI_CONTROLS + INVISIBLE + [ZWJ, ZWNJ, LRM, RLM, ALM, "\ud800"])
_TEXT = st.lists(st.one_of(st.characters(), _FORMAT), max_size=40).map("".join)


@given(_TEXT)
def test_nothing_that_reorders_or_hides_survives(text: str) -> None:
    shown = neutralise(text)
    for ch in BIDI_CONTROLS + INVISIBLE + [LRM, RLM, ALM]:
        assert ch not in shown
    assert not any("\ud800" <= c <= "\udfff" for c in shown)
    shown.encode("utf-8")
    assert neutralise(shown) == shown  # idempotent


@given(_TEXT)
def test_bodies_never_keep_a_bidi_control(text: str) -> None:
    shown = neutralise_body(text)
    assert not any(ch in shown for ch in BIDI_CONTROLS)
    assert neutralise_body(shown) == shown


@given(_TEXT)
def test_one_line_has_no_control_left(text: str) -> None:
    line = one_line(text)
    assert "\n" not in line and "\x00" not in line
    assert all(unicodedata.category(c) != "Cc" for c in line)
