from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.search import HitKind, fts_query, number_pattern

MakeSms = Callable[..., Sms]
P = "447400123456"
Q = "447911123456"


def _fill(db: Database, make_sms: MakeSms) -> None:
    db.contacts.add(P, "Alice O'Neil")
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=1, text="Can we meet near the station?"),
            make_sms(2, Q, at=2, text='She said "café" -- not the pub'),
            make_sms(3, Q, sent=True, at=3, text="Meeting moved to Friday"),
            make_sms(4, "15551234567", at=4, text="from abroad"),
        ]
    )


def test_text_search_newest_first_with_prefix(db: Database, make_sms: MakeSms) -> None:
    _fill(db, make_sms)
    hits = db.search.search("meet")
    assert [(h.kind, h.sms_id) for h in hits] == [(HitKind.MESSAGE, 3), (HitKind.MESSAGE, 1)]
    assert hits[1].name == "Alice O'Neil" and hits[1].partner == P
    assert [h.sms_id for h in db.search.search("CAFE")] == [2]  # case and accents folded


def test_name_search(db: Database, make_sms: MakeSms) -> None:
    _fill(db, make_sms)
    hits = db.search.search("alic")
    assert [(h.kind, h.partner, h.text) for h in hits] == [(HitKind.CONTACT, P, "Alice O'Neil")]


def test_number_search_forms(db: Database, make_sms: MakeSms) -> None:
    _fill(db, make_sms)
    for query in ("07400 123", "+44 7400", "447400123456", "(0)7400-123-456", "7400 123"):
        hits = db.search.search(query)
        assert hits and hits[0].kind is HitKind.CONTACT and hits[0].partner == P, query
    conv = db.search.search("07911 123")
    assert [(h.kind, h.partner, h.text) for h in conv] == [
        (HitKind.CONVERSATION, Q, "Meeting moved to Friday")
    ]
    assert [h.partner for h in db.search.search("+1 555")] == ["15551234567"]
    assert db.search.search("07999") == []


def test_fts_syntax_is_plain_text(db: Database, make_sms: MakeSms) -> None:
    _fill(db, make_sms)
    assert [h.sms_id for h in db.search.search('"café')] == [2]
    assert [h.sms_id for h in db.search.search("NEAR the")] == [1]
    assert db.search.search("* - ( ) : ^") == []
    assert db.search.search("meet AND") == []  # "and" is a word here, not an operator
    assert db.search.search("") == [] and db.search.search("   ") == []


def test_limit(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(i, P, at=i, text="same words") for i in range(1, 30)])
    assert [h.sms_id for h in db.search.search("same", limit=5)] == [29, 28, 27, 26, 25]
    assert db.search.search("same", limit=0) == []


def test_helpers() -> None:
    assert fts_query('say "hi') == '"say" """hi"*'
    assert fts_query("- *") is None
    assert number_pattern("07400 123") == "447400123%"
    assert number_pattern("+44 7400") == "447400%"
    assert number_pattern("0044 7400") == "447400%"
    assert number_pattern("7400") == "%7400%"
    assert number_pattern("hello 07400") is None
    assert number_pattern("7") is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet=st.sampled_from("ab \"*-+():^NEAROR07\\'{}.,\t"), max_size=20))
def test_no_query_raises(tmp_path: Path, query: str) -> None:
    path = tmp_path / "s.sqlite3"
    with Database.open(path, check=False) as db:
        if db.messages.count() == 0:
            db.contacts.add(P, "Ann")
            db.messages.upsert_messages(
                [
                    Sms(
                        1,
                        P,
                        "447700900000",
                        "a b NEAR OR",
                        SmsType.RECEIVED,
                        DeliveryStatus.SENT,
                        ReadStatus.UNREAD,
                        datetime(2024, 1, 1, tzinfo=UTC),
                    )
                ]
            )
        hits = db.search.search(query)
    assert isinstance(hits, list)


def test_control_characters_and_lone_surrogates_separate_words(
    db: Database, make_sms: MakeSms
) -> None:
    # NUL once ended the FTS5 string early ("unterminated string"); a lone surrogate
    # (undecodable input) could not be encoded for SQLite at all.
    _fill(db, make_sms)
    assert [h.sms_id for h in db.search.search("near\x00station")] == [1]
    assert [h.sms_id for h in db.search.search("station\x1b")] == [1]
    assert db.search.search("\x00") == []
    assert [h.sms_id for h in db.search.search("caf\ud83d")] == [2]  # U+FFFD: a separator
    assert [h.partner for h in db.search.search("07400\x00123")][:1] == [P]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(
        alphabet=st.one_of(
            st.characters(), st.sampled_from(["\x00", "\x7f", "\x85", "\ud83d", "\udcff", '"'])
        ),
        max_size=12,
    )
)
def test_no_text_at_all_raises(tmp_path: Path, query: str) -> None:
    with Database.open(tmp_path / "any.sqlite3", check=False) as db:
        assert isinstance(db.search.search(query), list)
