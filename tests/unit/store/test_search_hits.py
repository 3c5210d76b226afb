"""Search shows the hit: message hits carry a one-line snippet and the matched words as
ranges (plain text, never markup), with date, person and direction."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain import Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.search import HitKind
from hubdesk.store.snippets import SNIPPET_WIDTH, parse_marked, segments, snippet
from tests.unit.store.conftest import T0

MakeSms = Callable[..., Sms]
P = "447400123456"
LONG = (
    "Hello there, this is a reminder that your appointment with the dentist is tomorrow "
    "at 10:30. Please bring your invoice and insurance card. Reply STOP to opt out."
)


def _words(text: str, ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[s:e] for s, e in ranges]


def test_message_hits_carry_snippet_ranges_date_and_person(db: Database, make_sms: MakeSms) -> None:
    db.contacts.add(P, "Priya Plumber")
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=5, text=LONG),
            make_sms(2, P, sent=True, at=9, text="Invoices for the Café job\nare attached"),
        ]
    )
    hits = db.search.search("invoice")
    assert [(h.kind, h.sms_id) for h in hits] == [(HitKind.MESSAGE, 2), (HitKind.MESSAGE, 1)]
    short, long = hits
    assert short.snippet == "Invoices for the Café job are attached"  # one line
    assert _words(short.snippet, short.snippet_ranges) == ["Invoices"]  # the prefix's word
    assert short.direction is SmsType.SENT and long.direction is SmsType.RECEIVED
    assert (long.name, long.partner, long.time) == ("Priya Plumber", P, T0.replace(second=5))
    assert long.snippet.startswith("…") and len(long.snippet) <= SNIPPET_WIDTH + 2
    assert _words(long.snippet, long.snippet_ranges) == ["invoice"]
    assert _words(long.text, long.match_ranges) == ["invoice"]
    pieces = long.snippet_segments
    assert "".join(p for p, _ in pieces) == long.snippet
    assert [p for p, matched in pieces if matched] == ["invoice"]
    # Accents and case folded: the word as written is what is marked.
    (cafe,) = db.search.search("cafe")
    assert _words(cafe.snippet, cafe.snippet_ranges) == ["Café"]
    # Several words: each one marked.
    (two,) = db.search.search("dentist tomorrow")
    assert _words(two.snippet, two.snippet_ranges) == ["dentist", "tomorrow"]


def test_markup_and_marker_characters_in_a_message_stay_text(
    db: Database, make_sms: MakeSms
) -> None:
    tricky = "<b>bold</b> \ue000fake\ue001 mark and a real match"
    db.messages.upsert_messages([make_sms(1, P, text=tricky)])
    (hit,) = db.search.search("match")
    assert hit.snippet == tricky
    assert _words(hit.snippet, hit.snippet_ranges) == ["match"]
    (bold,) = db.search.search("bold")
    assert _words(bold.snippet, bold.snippet_ranges) == ["bold"]


def test_contact_and_number_hits_keep_their_text(db: Database, make_sms: MakeSms) -> None:
    db.contacts.add(P, "Alice")
    (hit,) = db.search.search("alic")
    assert hit.kind is HitKind.CONTACT and hit.snippet_segments == (("Alice", False),)


def test_parse_marked_refuses_a_highlight_that_does_not_rebuild_the_text() -> None:
    assert parse_marked("a [b] c", "[", "]", "a b c") == ((2, 3),)
    assert parse_marked("a [b c", "[", "]", "a b c") == ()  # unbalanced
    assert parse_marked("a [b] c", "[", "]", "a x c") == ()  # not the same text
    assert segments("abc", ((1, 2),)) == (("a", False), ("b", True), ("c", False))


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from("ab \n"), min_size=1, max_size=300),
    st.data(),
)
def test_snippet_ranges_always_point_at_the_matched_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    cut, ranges = snippet(text, ((start, end),), width=40)
    assert "\n" not in cut
    assert len(cut) <= 42
    for s, e in ranges:
        assert 0 <= s < e <= len(cut)
        piece = cut[s:e]
        assert piece in text.replace("\n", " ")[start:end]
    if len(text) <= 40:
        assert ranges == ((start, end),)
    elif end - start <= 40:  # the first match is kept whole when it fits
        assert ranges and cut[ranges[0][0] : ranges[0][1]] == text.replace("\n", " ")[start:end]
