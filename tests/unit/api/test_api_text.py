"""Text from the server repaired at the parsing boundary (issue 11, item 1)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.api import HubClient, UnexpectedResponse
from hubdesk.api.parsing import MAX_ID, ShapeError, parse_page, parse_sms, parse_token_grant
from hubdesk.api.text import repair_text
from hubdesk.sim import SimState
from tests.unit.api.simclient import PASSWORD, USERNAME, Gate, MakeClient

SMS = {
    "source": "447400123456",
    "destination": "447520602706",
    "text": "hello",
    "type": "2",
    "delivery_status": "1",
    "read_status": "0",
    "time": "2025-06-01 10:00:00",
    "sms_id": 900001,
}


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("\ud83d", "\ufffd"),  # half an emoji: a gateway split it across SMS parts
        ("ok \udc00 ok", "ok \ufffd ok"),
        ("\ud83d\ude00", "\U0001f600"),  # two halves of a pair: joined
        ("\ude00\ud83d", "\ufffd\ufffd"),  # the wrong way round: two lone halves
        ("\U0001f600", "\U0001f600"),
        ("a\x00b", "a\u2400b"),
        ("\x1b[31mred", "\u241b[31mred"),
        ("bell\x07", "bell\u2407"),
        ("del\x7f", "del\u2421"),
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("tab\tkept", "tab\tkept"),
        ("\x85\u202e\u200b", "\x85\u202e\u200b"),  # C1, bidi, zero-width: for the views
    ],
)
def test_repair_text(raw: str, repaired: str) -> None:
    assert repair_text(raw) == repaired


def test_json_escapes_decode_to_what_the_repair_expects() -> None:
    decoded = json.loads(r'["\ud83d", "\ud83d\ude00", "a\u0000b"]')
    assert [repair_text(t) for t in decoded] == ["\ufffd", "\U0001f600", "a\u2400b"]


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_repaired_text_always_encodes_and_holds_no_raw_controls(text: str) -> None:
    repaired = repair_text(text)
    repaired.encode("utf-8")  # never raises
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in repaired)
    assert "\x7f" not in repaired and "\r" not in repaired
    assert repair_text(repaired) == repaired  # repairing twice changes nothing
    with sqlite3.connect(":memory:") as conn:
        conn.execute("SELECT ?", (repaired,))


def test_every_text_field_of_an_sms_is_repaired() -> None:
    sms = parse_sms(dict(SMS, text="x\ud83d\x00", source="4474\x00", chat_partner="\udcff"))
    assert sms.text == "x\ufffd\u2400"
    assert sms.source == "4474\u2400"
    assert sms.chat_partner == "\ufffd"


@pytest.mark.parametrize(
    "change",
    [
        {"sms_id": 2**70},
        {"sms_id": -1},
        {"sms_id": "9" * 5000},
        {"sms_count": 10**12},
        {"sms_id": 1e300},
        {"time": "9999-12-31T23:59:59-23:59"},
    ],
)
def test_numbers_and_times_out_of_range_are_shape_errors(change: dict[str, Any]) -> None:
    with pytest.raises(ShapeError):
        parse_sms(dict(SMS, **change))
    assert parse_sms(dict(SMS, sms_id=MAX_ID)).sms_id == MAX_ID


@pytest.mark.parametrize("token", ["", "t\u00f6ken", "tok en", "tok\ud83d", "a\nb"])
def test_tokens_are_checked_never_repaired(token: str) -> None:
    body = {"customer_user_id": 2, "access_token": "ok", "refresh_token": token}
    with pytest.raises(ShapeError):
        parse_token_grant(body)


def test_an_unreadable_sms_does_not_hide_the_rest_of_its_page() -> None:
    raw = {
        "current_page": 1,
        "last_page": 1,
        "data": [
            dict(SMS, sms_id=1),
            dict(SMS, sms_id=2, time="not a time"),
            dict(SMS, sms_id=3, type="7"),
            dict(SMS, sms_id=4, text="\ud83d"),
        ],
    }
    page = parse_page(raw, parse_sms)
    assert [m.sms_id for m in page] == [1, 4]
    assert page.items[1].text == "\ufffd"
    assert page.skipped == 2


# ------------------------------------------------------------------ through the client


async def test_hostile_inbound_texts_arrive_repaired(
    client: HubClient, sim_state: SimState
) -> None:
    ids = [
        sim_state.inject_inbound("447400123456", text)
        for text in ("\ud83d", "a\x00b", "line\r\nbreak", "fine")
    ]
    texts = {m.sms_id: m.text for m in (await client.list_sms()).items}
    assert [texts[i] for i in ids] == ["\ufffd", "a\u2400b", "line\nbreak", "fine"]
    assert (await client.sms_detail(ids[0])).text == "\ufffd"


async def test_a_bad_item_is_skipped_and_paging_goes_on(
    make_client: MakeClient, gate: Gate
) -> None:
    def page(number: int, items: list[dict[str, Any]]) -> dict[str, Any]:
        paginator = {"current_page": number, "last_page": 2, "per_page": 2, "total": 4}
        return {"status": "success", "message": "", "data": {**paginator, "data": items}}

    gate.answer("/sms/list", 200, page(1, [dict(SMS, sms_id=1, time="?"), {"sms_id": 2}]))
    gate.answer("/sms/list", 200, page(2, [dict(SMS, sms_id=3), dict(SMS, sms_id=4)]))
    client = make_client()
    await client.login(USERNAME, PASSWORD)
    pages = [p async for p in client.iter_sms_pages()]
    assert [(p.current_page, len(p.items), p.skipped) for p in pages] == [(1, 0, 2), (2, 2, 0)]


async def test_a_token_grant_with_unusable_tokens_is_an_unexpected_response(
    make_client: MakeClient, gate: Gate
) -> None:
    grant = {"customer_user_id": 2, "access_token": "a\u00e9", "refresh_token": "r"}
    gate.answer("/oauth/token", 200, grant)
    with pytest.raises(UnexpectedResponse):
        await make_client().login(USERNAME, PASSWORD)


async def test_text_sent_with_a_lone_surrogate_goes_out_with_the_replacement(
    client: HubClient, sim_state: SimState
) -> None:
    """A form value that cannot be encoded used to fail the request with a
    UnicodeEncodeError, outside the ApiError contract."""
    sms = await client.send_sms("447520602706", "447520602707", "half \ud83d, pair \ud83d\ude00")
    assert sms.text == "half \ufffd, pair \U0001f600"
    assert sim_state.messages()[-1]["text"] == "half \ufffd, pair \U0001f600"
