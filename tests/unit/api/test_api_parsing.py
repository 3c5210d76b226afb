"""Lenient parsing: the collection's examples, type drift, nulls, and what must be refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.api.parsing import (
    ShapeError,
    parse_bulk_send,
    parse_dial,
    parse_page,
    parse_sender_id,
    parse_sms,
    parse_token_grant,
)
from hubdesk.domain import (
    DeliveryStatus,
    ReadStatus,
    SenderIdStatus,
    SmsType,
)

SEND_SMS = {
    "source": "447520602706",
    "destination": "447520602707",
    "text": "Test Message 999",
    "type": "1",
    "sms_count": 1,
    "delivery_status": "0",
    "read_status": "1",
    "time": "2025-12-10 05:08:51",
    "sms_id": 747033,
    "chat_partner": "447520602707",
}

SENDER_IDS_PAGE: dict[str, Any] = {
    "current_page": 1,
    "data": [
        {
            "id": 813,
            "customer_user_id": 2,
            "sender_id": "44123456789",
            "status": "0",
            "created_at": "2025-06-17 04:00:58",
            "created_by": "200-VasimTest",
            "updated_at": None,
            "updated_by": None,
        },
        {
            "id": 61,
            "customer_user_id": "2",
            "sender_id": "13234710258",
            "status": "1",
            "created_at": "2025-01-27 04:27:03",
            "created_by": "200-VasimTest",
            "updated_at": "2025-02-05 10:10:25",
            "updated_by": "200-VasimTest",
        },
    ],
    "first_page_url": "https://smsapi.thehubwork.com/api/sender-id/list?page=1",
    "from": 1,
    "last_page": 1,
    "last_page_url": "https://smsapi.thehubwork.com/api/sender-id/list?page=1",
    "links": [],
    "next_page_url": None,
    "path": "https://smsapi.thehubwork.com/api/sender-id/list",
    "per_page": 10,
    "prev_page_url": None,
    "to": 2,
    "total": 2,
}


def test_send_answer_sms_parses_with_chat_partner_and_segments() -> None:
    sms = parse_sms(SEND_SMS)
    assert sms.sms_id == 747033
    assert sms.type is SmsType.SENT
    assert sms.delivery_status is DeliveryStatus.PENDING
    assert sms.read_status is ReadStatus.READ
    assert sms.time == datetime(2025, 12, 10, 5, 8, 51, tzinfo=UTC)
    assert sms.sms_count == 1
    assert sms.chat_partner == "447520602707"


def test_list_item_without_optional_keys_parses() -> None:
    item = {k: v for k, v in SEND_SMS.items() if k not in ("sms_count", "chat_partner")}
    sms = parse_sms(item)
    assert sms.sms_count is None
    assert sms.chat_partner is None


def test_type_drift_nulls_and_extra_keys_are_accepted() -> None:
    drifted = dict(
        SEND_SMS,
        sms_id="747033",
        type=2,
        delivery_status=2,
        read_status=None,
        sms_count="3",
        chat_partner=None,
        source=447520602707,
        text=None,
        something_new={"x": 1},
    )
    sms = parse_sms(drifted)
    assert sms.sms_id == 747033
    assert sms.type is SmsType.RECEIVED
    assert sms.delivery_status is DeliveryStatus.FAILED
    assert sms.read_status is ReadStatus.UNREAD  # seeded: received without a status
    assert sms.sms_count == 3
    assert sms.source == "447520602707"
    assert sms.text == ""


def test_iso_times_are_accepted_as_utc() -> None:
    sms = parse_sms(dict(SEND_SMS, time="2025-12-10T05:08:51.000000Z"))
    assert sms.time == datetime(2025, 12, 10, 5, 8, 51, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"sms_id": None}, "sms_id"),
        ({"sms_id": "abc"}, "sms_id"),
        ({"sms_id": True}, "sms_id"),
        ({"type": "9"}, "type"),
        ({"delivery_status": [1]}, "delivery_status"),
        ({"time": "yesterday"}, "time"),
        ({"source": {"n": 1}}, "source"),
    ],
)
def test_wrong_shapes_raise_shape_error_naming_the_field(
    change: dict[str, Any], named: str
) -> None:
    with pytest.raises(ShapeError, match=named):
        parse_sms(dict(SEND_SMS, **change))


def test_not_an_object_is_a_shape_error() -> None:
    with pytest.raises(ShapeError):
        parse_sms(["not", "an", "object"])
    with pytest.raises(ShapeError):
        parse_sms(None)


def test_sender_id_page_with_customer_user_id_drift() -> None:
    page = parse_page(SENDER_IDS_PAGE, parse_sender_id)
    assert [s.id for s in page] == [813, 61]
    assert [s.customer_user_id for s in page] == [2, 2]
    assert page.items[0].status is SenderIdStatus.AWAITING_APPROVAL
    assert page.items[0].updated_at is None
    assert page.items[1].approved
    assert page.items[1].updated_at == datetime(2025, 2, 5, 10, 10, 25, tzinfo=UTC)
    assert (page.current_page, page.last_page, page.per_page, page.total) == (1, 1, 10, 2)
    assert (page.first_item, page.last_item) == (1, 2)
    assert not page.has_next


def test_empty_page_has_null_from_and_to() -> None:
    empty = dict(SENDER_IDS_PAGE, data=[], **{"from": None, "to": None, "total": 0})
    page = parse_page(empty, parse_sender_id)
    assert len(page) == 0
    assert page.first_item is None and page.last_item is None


def test_page_numbers_as_strings_and_missing_last_page() -> None:
    raw = dict(SENDER_IDS_PAGE, current_page="2", per_page="10", total="25")
    del raw["last_page"]
    page = parse_page(raw, parse_sender_id)
    assert (page.current_page, page.last_page, page.total) == (2, 3, 25)
    assert page.has_next


def test_page_without_a_data_list_is_refused() -> None:
    with pytest.raises(ShapeError):
        parse_page(dict(SENDER_IDS_PAGE, data={"a": 1}), parse_sender_id)
    with pytest.raises(ShapeError):
        parse_page({"current_page": 1}, parse_sender_id)


def test_a_bad_item_inside_a_page_is_skipped_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One unreadable item used to make the whole page (and every later poll of it) fail;
    now it is skipped, counted and logged by id, and the rest of the page is kept."""
    good = SENDER_IDS_PAGE["data"]
    bad = dict(SENDER_IDS_PAGE, data=[good[0], {"id": 1}, "not an object", good[1]])
    with caplog.at_level("WARNING", logger="hubdesk.api.parsing"):
        page = parse_page(bad, parse_sender_id)
    assert [s.id for s in page] == [813, 61]
    assert page.skipped == 2
    assert (page.per_page, page.total) == (10, 2)
    assert "skipped 2 of 4 items on page 1" in caplog.text
    assert "id 1: missing 'customer_user_id'" in caplog.text


def test_a_page_of_only_bad_items_is_empty_but_not_the_end() -> None:
    raw = dict(SENDER_IDS_PAGE, data=[{"id": 1}, {"id": 2}], last_page=3)
    page = parse_page(raw, parse_sender_id)
    assert page.items == () and page.skipped == 2 and page.has_next


def test_token_grant_both_examples_and_repr_hides_tokens() -> None:
    body = {
        "customer_user_name": "200-VasimTest",
        "customer_user_id": "2",
        "expires_in": "3600",
        "access_token": "eyJ-access-secret",
        "refresh_token": "def502-refresh-secret",
    }
    grant = parse_token_grant(body)
    assert grant.customer_user_id == 2
    assert grant.expires_in == 3600
    assert "secret" not in repr(grant)


@pytest.mark.parametrize("missing", ["access_token", "refresh_token", "customer_user_id"])
def test_token_grant_without_required_keys_is_refused(missing: str) -> None:
    body: dict[str, Any] = {
        "customer_user_name": "x",
        "customer_user_id": 2,
        "expires_in": 3600,
        "access_token": "a",
        "refresh_token": "r",
    }
    del body[missing]
    with pytest.raises(ShapeError):
        parse_token_grant(body)


def test_token_that_is_not_text_is_refused() -> None:
    with pytest.raises(ShapeError):
        parse_token_grant(
            {"customer_user_id": 2, "expires_in": 1, "access_token": 5, "refresh_token": "r"}
        )


def test_bulk_and_dial_answers() -> None:
    bulk = parse_bulk_send(
        {"status": "success", "message": "SMS sent Successfully!", "delivery_status": "0"}
    )
    assert bulk.delivery_status is DeliveryStatus.PENDING
    assert bulk.message == "SMS sent Successfully!"
    dial = parse_dial({"status": "success", "message": "Call Dialed", "call_id": 16939009})
    assert dial.call_id == "16939009"
    with pytest.raises(ShapeError):
        parse_dial({"status": "success", "message": "no id"})


@given(st.integers(min_value=0, max_value=2**53), st.sampled_from(["int", "str", "padded"]))
def test_ids_parse_from_any_integer_spelling(value: int, spelling: str) -> None:
    raw: object = {"int": value, "str": str(value), "padded": f" {value} "}[spelling]
    assert parse_sms(dict(SEND_SMS, sms_id=raw)).sms_id == value
