"""Every bearer endpoint: example shapes, data, validation errors, 404/405."""

from __future__ import annotations

import httpx
import pytest

from hubdesk.domain.segments import analyse
from hubdesk.sim import SimState
from tests.unit.sim.helpers import assert_same_shape, examples

EXAMPLE_QUERY = {
    "sender": "447520602706",
    "receiver": "447520602707",
    "sent_since": "2025-05-14 00:00:00",
    "sent_until": "2025-05-25 07:54:58",
}
SEND = {"source": "447520602706", "destination": "447520602707", "text": "Test Message 999"}


async def test_sender_id_list_is_the_example(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.get("/sender-id/list", headers=auth)
    assert response.status_code == 200
    body, example = response.json(), examples()["sender-id/list"]
    assert_same_shape(body, example)
    assert body["data"]["data"] == example["data"]["data"]
    assert body["data"]["path"] == "http://127.0.0.1:8765/api/sender-id/list"
    assert body["data"]["first_page_url"] == "http://127.0.0.1:8765/api/sender-id/list?page=1"


async def test_sender_id_add_then_listed_awaiting_approval(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    response = await client.post("/sender-id/add", data={"sender_id": "12345"}, headers=auth)
    assert response.status_code == 200
    assert response.json() == examples()["sender-id/add"]
    rows = (await client.get("/sender-id/list", headers=auth)).json()["data"]["data"]
    assert rows[0]["sender_id"] == "12345" and rows[0]["status"] == "0"
    assert rows[0]["id"] == 814 and rows[0]["created_by"] == "200-VasimTest"
    # awaiting approval: cannot send from it yet; approved: can
    blocked = await client.post("/sms/send", data={**SEND, "source": "12345"}, headers=auth)
    assert blocked.status_code == 422
    sim_state.approve_sender_id("12345")
    allowed = await client.post("/sms/send", data={**SEND, "source": "12345"}, headers=auth)
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    "form,message",
    [
        ({}, "The sender id field is required."),
        ({"sender_id": "AB-12"}, "The sender id field must only contain letters and numbers."),
        ({"sender_id": "SMTEST"}, "The sender id has already been taken."),
    ],
)
async def test_sender_id_add_validation(
    client: httpx.AsyncClient, auth: dict[str, str], form: dict[str, str], message: str
) -> None:
    response = await client.post("/sender-id/add", data=form, headers=auth)
    assert response.status_code == 422
    assert response.json() == {"message": message, "errors": {"sender_id": [message]}}


async def test_send_matches_the_example(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    response = await client.post(
        "/sms/send", files={k: (None, v) for k, v in SEND.items()}, headers=auth
    )
    assert response.status_code == 200
    body = response.json()
    assert_same_shape(body, examples()["send-message"])
    assert body["status"] == "success" and body["message"] == "SMS sent Successfully!"
    assert body["delivery_status"] == "0"
    sms = body["sms"]
    assert sms["sms_id"] == 747034  # continues after the collection's 747033
    assert sms["chat_partner"] == "447520602707" and sms["type"] == "1"
    assert sms["read_status"] == "1" and sms["delivery_status"] == "0"
    assert sms["time"] == sim_state.server_time()
    assert [m["sms_id"] for m in sim_state.messages()][-1] == 747034


@pytest.mark.parametrize("text", ["short", "x" * 161, "£ and € " * 30, "Thanks \U0001f60a " * 12])
async def test_sms_count_uses_segment_maths(
    client: httpx.AsyncClient, auth: dict[str, str], text: str
) -> None:
    body = (await client.post("/sms/send", data={**SEND, "text": text}, headers=auth)).json()
    assert body["sms"]["sms_count"] == analyse(text).parts
    detail = await client.get(f"/sms/detail/{body['sms']['sms_id']}", headers=auth)
    assert detail.json()["data"]["sms_count"] == analyse(text).parts


async def test_send_strips_a_leading_plus_and_trims_text(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    form = {**SEND, "destination": "+447520602707", "text": "  hello \n"}
    sms = (await client.post("/sms/send", data=form, headers=auth)).json()["sms"]
    assert sms["destination"] == "447520602707" and sms["text"] == "hello"


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"source": "SMTEST"}, "source", "The selected source is invalid."),
        ({"source": "999999"}, "source", "The selected source is invalid."),
        ({"source": "bad id"}, "source", "The source field must only contain letters and numbers."),
        ({"source": ""}, "source", "The source field is required."),
        ({"destination": ""}, "destination", "The destination field is required."),
        ({"destination": "07abc"}, "destination", "The destination field must be a number."),
        ({"text": "   "}, "text", "The text field is required."),
    ],
)
async def test_send_validation(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    sim_state: SimState,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = len(sim_state.messages())
    response = await client.post("/sms/send", data={**SEND, **change}, headers=auth)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {field: [message]} and body["message"] == message
    assert len(sim_state.messages()) == before


async def test_send_validation_counts_more_errors(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await client.post("/sms/send", data={}, headers=auth)
    body = response.json()
    assert set(body["errors"]) == {"source", "destination", "text"}
    assert body["message"] == "The source field is required. (and 2 more errors)"


async def test_bulk_send_creates_one_sms_per_destination(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    numbers = ["447520602707", "447700172124234235252524", "15167259623"]
    form = {
        "source": "447520602706",
        "text": "This is test message 11 (bulk)",
        "destination[]": numbers,
    }
    response = await client.post("/sms/bulk-send", data=form, headers=auth)
    assert response.status_code == 200
    assert response.json() == examples()["send-bulk-message"]  # no ids
    created = [m for m in sim_state.messages() if m["origin"] == "bulk"]
    assert [m["destination"] for m in created] == numbers
    assert [m["sms_id"] for m in created] == [747034, 747035, 747036]
    assert {m["time"] for m in created} == {sim_state.server_time()}


async def test_bulk_send_validation(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    plain = await client.post(
        "/sms/bulk-send",
        data={"source": "447520602706", "text": "x", "destination": "4475"},
        headers=auth,
    )
    assert plain.status_code == 422
    assert plain.json()["errors"] == {"destination": ["The destination field must be an array."]}
    bad = await client.post(
        "/sms/bulk-send",
        data={"source": "447520602706", "text": "x", "destination[]": ["447520602707", "x1"]},
        headers=auth,
    )
    assert bad.json()["errors"] == {"destination.1": ["The destination.1 field must be a number."]}
    missing = await client.post(
        "/sms/bulk-send", data={"source": "447520602706", "text": "x"}, headers=auth
    )
    assert missing.json()["errors"] == {"destination": ["The destination field is required."]}


async def test_sms_list_example_query(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/sms/list", params=EXAMPLE_QUERY, headers=auth)
    assert response.status_code == 200
    body, example = response.json(), examples()["sms/list"]
    assert_same_shape(body, example)
    assert body["data"]["data"] == example["data"]["data"]
    expected = example["data"]["first_page_url"].replace(
        "https://smsapi.thehubwork.com/api", "http://127.0.0.1:8765/api"
    )
    assert body["data"]["first_page_url"] == expected


async def test_sms_list_newest_first_with_received(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sms_id = sim_state.inject_inbound("447400123456", "hello")
    await client.post("/sms/send", data=SEND, headers=auth)
    rows = (await client.get("/sms/list", headers=auth)).json()["data"]["data"]
    assert [r["sms_id"] for r in rows[:2]] == [sms_id + 1, sms_id]
    times = [(r["time"], r["sms_id"]) for r in rows]
    assert times == sorted(times, reverse=True)
    received = (
        await client.get("/sms/list", params={"sender": "447400123456"}, headers=auth)
    ).json()["data"]["data"]
    assert [(r["type"], r["read_status"], r["delivery_status"]) for r in received] == [
        ("2", "0", "1")
    ]


async def test_sms_list_time_filters_are_inclusive(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    query = {"sent_since": "2025-05-14 06:16:12", "sent_until": "2025-05-14 06:41:29"}
    rows = (await client.get("/sms/list", params=query, headers=auth)).json()["data"]["data"]
    assert [r["sms_id"] for r in rows] == [95338, 95337, 95336, 95335, 95334]


@pytest.mark.parametrize(
    "query,field,message",
    [
        ({"receiver": "+447520602707"}, "receiver", "The receiver field format is invalid."),
        ({"sender": "4475 2060"}, "sender", "The sender field format is invalid."),
        (
            {"sent_since": "2025-05-14"},
            "sent_since",
            "The sent since field must match the format Y-m-d H:i:s.",
        ),
        (
            {"sent_until": "2025-05-14T00:00:00"},
            "sent_until",
            "The sent until field must match the format Y-m-d H:i:s.",
        ),
        (
            {"sent_until": "2025-02-30 00:00:00"},
            "sent_until",
            "The sent until field must match the format Y-m-d H:i:s.",
        ),
    ],
)
async def test_sms_list_validation(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    query: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = await client.get("/sms/list", params=query, headers=auth)
    assert response.status_code == 422
    assert response.json() == {"message": message, "errors": {field: [message]}}


async def test_sms_detail_is_the_example(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/sms/detail/44147", headers=auth)
    assert response.status_code == 200
    assert response.json() == examples()["sms/detail"]


@pytest.mark.parametrize("sms_id", ["1", "999999999", "abc"])
async def test_sms_detail_not_found(
    client: httpx.AsyncClient, auth: dict[str, str], sms_id: str
) -> None:
    response = await client.get(f"/sms/detail/{sms_id}", headers=auth)
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "SMS not found"}


async def test_dial_matches_the_example(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    response = await client.post(
        "/click-to-dial/dial", data={"destination": "442073771555"}, headers=auth
    )
    assert response.status_code == 200
    body = response.json()
    assert_same_shape(body, examples()["click-to-dial/dial"])
    assert body["message"] == "Call Dialed successfully to 442073771555."
    assert len(body["call_id"]) == 14 and body["call_id"].startswith("1")
    int(body["call_id"], 16)
    assert sim_state.calls()[-1]["destination"] == "442073771555"


async def test_masked_dial_tolerates_plus(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    form = {"destination": "+442035041824", "source": "442035043990"}
    response = await client.post("/click-to-dial-mask/dial", data=form, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == examples()["click-to-dial-mask"]["message"]
    again = await client.post("/click-to-dial-mask/dial", data=form, headers=auth)
    assert again.json()["call_id"] != body["call_id"]


@pytest.mark.parametrize(
    "path,form,field",
    [
        ("/click-to-dial/dial", {"destination": "15167259623"}, "destination"),
        ("/click-to-dial/dial", {"destination": "447700172124234235252524"}, "destination"),
        ("/click-to-dial-mask/dial", {"destination": "442035041824", "source": "1555"}, "source"),
        (
            "/click-to-dial-mask/dial",
            {"destination": "4420", "source": "442035043990"},
            "destination",
        ),
    ],
)
async def test_dial_needs_valid_uk_numbers(
    client: httpx.AsyncClient, auth: dict[str, str], path: str, form: dict[str, str], field: str
) -> None:
    response = await client.post(path, data=form, headers=auth)
    assert response.status_code == 422
    message = f"The {field} field must be a valid UK number."
    assert response.json()["errors"] == {field: [message]}


async def test_dial_missing_fields(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post("/click-to-dial-mask/dial", headers=auth)
    assert set(response.json()["errors"]) == {"source", "destination"}


async def test_json_bodies_are_accepted(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post(
        "/sms/bulk-send",
        json={"source": "447520602706", "text": "hi", "destination": ["447520602707"]},
        headers=auth,
    )
    assert response.status_code == 200


async def test_unknown_route_and_wrong_method(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    missing = await client.get("/sms/nothing", headers=auth)
    assert missing.status_code == 404
    assert missing.json() == {"message": "The route api/sms/nothing could not be found."}
    wrong = await client.get("/sms/send", headers=auth)
    assert wrong.status_code == 405
    assert wrong.json()["message"] == (
        "The GET method is not supported for route api/sms/send. Supported methods: POST."
    )


async def test_every_response_has_the_common_headers(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    for response in (
        await client.get("/sms/list", headers=auth),
        await client.get("/sms/list"),
        await client.post("/sms/send", headers=auth),
        await client.get("/nowhere"),
    ):
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-ratelimit-limit"] == "1200"
        assert int(response.headers["x-ratelimit-remaining"]) < 1200
        assert response.headers["date"].endswith(" GMT")


async def test_json_escapes_slashes_like_php(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    raw = (await client.get("/sender-id/list", headers=auth)).text
    assert "http:\\/\\/127.0.0.1:8765\\/api\\/sender-id\\/list" in raw
