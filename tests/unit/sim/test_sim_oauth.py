"""POST /oauth/token: both grants, single-use refresh tokens, every OAuth error."""

from __future__ import annotations

import httpx
import pytest

from hubdesk.sim import SimConfig, SimState, create_app
from hubdesk.sim.tokens import SCOPES, read_claims
from tests.unit.sim.helpers import (
    CREDENTIALS,
    ManualClock,
    assert_same_shape,
    bearer,
    examples,
    login,
    make_client,
)


def refresh_form(token: str) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": "hubdesk-demo",
        "client_secret": "demo-secret",
    }


async def test_password_grant_matches_the_example(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", data=CREDENTIALS)
    assert response.status_code == 200
    body = response.json()
    assert_same_shape(body, examples()["get access token using username/password"])
    assert body["customer_user_name"] == "200-VasimTest"
    assert body["customer_user_id"] == 2
    assert body["expires_in"] == 3600
    assert response.headers["content-type"] == "application/json"


async def test_password_grant_accepts_multipart(client: httpx.AsyncClient) -> None:
    files = {key: (None, value) for key, value in CREDENTIALS.items()}
    response = await client.post("/oauth/token", files=files)
    assert response.status_code == 200
    assert response.json()["customer_user_id"] == 2


async def test_tokens_look_like_passport_tokens(client: httpx.AsyncClient) -> None:
    grant = await login(client)
    access, refresh = grant["access_token"], grant["refresh_token"]
    assert 1100 <= len(access) <= 1200
    assert access.count(".") == 2
    claims = read_claims(access)
    assert claims["scopes"] == list(SCOPES)
    assert claims["sub"] == "2"
    assert isinstance(claims["exp"], float) and isinstance(claims["iat"], float)
    assert claims["exp"] - claims["iat"] == pytest.approx(3600, abs=1)
    assert refresh.startswith("def502") and 900 <= len(refresh) <= 1000
    other = await login(client)
    assert other["access_token"] != access and other["refresh_token"] != refresh


async def test_refresh_grant_rotates_and_is_single_use(client: httpx.AsyncClient) -> None:
    first = await login(client)
    response = await client.post("/oauth/token", data=refresh_form(first["refresh_token"]))
    assert response.status_code == 200
    second = response.json()
    assert_same_shape(second, examples()["get access token using refresh token"])
    assert second["customer_user_id"] == "2"  # a string here, as in the example
    assert second["refresh_token"] != first["refresh_token"]

    again = await client.post("/oauth/token", data=refresh_form(first["refresh_token"]))
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid.",
        "hint": "Token has been revoked",
        "message": "The refresh token is invalid.",
    }
    # the new one still works, once
    third = await client.post("/oauth/token", data=refresh_form(second["refresh_token"]))
    assert third.status_code == 200


async def test_refresh_revokes_the_old_access_token(client: httpx.AsyncClient) -> None:
    first = await login(client)
    assert (await client.get("/sender-id/list", headers=bearer(first))).status_code == 200
    new = (await client.post("/oauth/token", data=refresh_form(first["refresh_token"]))).json()
    assert (await client.get("/sender-id/list", headers=bearer(first))).status_code == 401
    assert (await client.get("/sender-id/list", headers=bearer(new))).status_code == 200


async def test_refreshed_jwt_exp_is_a_year_away_but_expires_in_rules() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False, token_ttl=60), clock=clock)
    async with make_client(create_app(state)) as client:
        first = await login(client)
        new = (await client.post("/oauth/token", data=refresh_form(first["refresh_token"]))).json()
        claims = read_claims(new["access_token"])
        assert isinstance(claims["exp"], float)
        assert claims["exp"] - clock.now > 300 * 86400
        assert new["expires_in"] == 60
        clock.advance(61)
        assert (await client.get("/sender-id/list", headers=bearer(new))).status_code == 401


async def test_unknown_refresh_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", data=refresh_form("def50200" + "ab" * 400))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_grant"
    assert body["message"] == "The refresh token is invalid."


async def test_wrong_password(client: httpx.AsyncClient, sim_state: SimState) -> None:
    response = await client.post("/oauth/token", data={**CREDENTIALS, "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The user credentials were incorrect.",
        "message": "The user credentials were incorrect.",
    }
    wrong_user = await client.post("/oauth/token", data={**CREDENTIALS, "username": "x@y.z"})
    assert wrong_user.status_code == 400
    assert sim_state.stats()["login_failures"] == 2


@pytest.mark.parametrize("field,value", [("client_id", "other"), ("client_secret", "wrong")])
async def test_wrong_client(client: httpx.AsyncClient, field: str, value: str) -> None:
    response = await client.post("/oauth/token", data={**CREDENTIALS, field: value})
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["message"] == "Client authentication failed"


@pytest.mark.parametrize("missing", ["client_id", "username", "password"])
async def test_missing_field_is_invalid_request(client: httpx.AsyncClient, missing: str) -> None:
    form = {k: v for k, v in CREDENTIALS.items() if k != missing}
    response = await client.post("/oauth/token", data=form)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["hint"] == f"Check the `{missing}` parameter"


async def test_missing_refresh_token_is_invalid_request(client: httpx.AsyncClient) -> None:
    form = refresh_form("")
    del form["refresh_token"]
    response = await client.post("/oauth/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("grant", [None, "client_credentials"])
async def test_unsupported_grant(client: httpx.AsyncClient, grant: str | None) -> None:
    form = {k: v for k, v in CREDENTIALS.items() if k != "grant_type"}
    if grant:
        form["grant_type"] = grant
    response = await client.post("/oauth/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}],
    ids=["missing", "unknown", "not-bearer"],
)
async def test_bad_bearer_is_unauthenticated(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/sms/list", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}
    assert "x-ratelimit-limit" in response.headers


async def test_expired_token_is_unauthenticated() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False, token_ttl=30), clock=clock)
    async with make_client(create_app(state)) as client:
        grant = await login(client)
        assert grant["expires_in"] == 30
        clock.advance(29)
        assert (await client.get("/sms/list", headers=bearer(grant))).status_code == 200
        clock.advance(1)
        assert (await client.get("/sms/list", headers=bearer(grant))).status_code == 401
        # the refresh token outlives the access token
        response = await client.post("/oauth/token", data=refresh_form(grant["refresh_token"]))
        assert response.status_code == 200


async def test_token_ttl_is_configurable_live(
    client: httpx.AsyncClient, sim_state: SimState
) -> None:
    sim_state.configure(token_ttl=120)
    assert (await login(client))["expires_in"] == 120
