"""No token, client secret or password in any log record, error text or repr."""

from __future__ import annotations

import logging

import pytest

from hubdesk.api import ApiError, BadCredentials, HubClient, ServerError, ValidationFailed
from tests.integration.api.simhttp import Control
from tests.unit.api.simclient import CLIENT_SECRET, PASSWORD, SENDER, USERNAME, MakeClient, Recorder

pytestmark = pytest.mark.network

WRONG_PASSWORD = "Wr0ng-but-still-a-secret"


def record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), repr(vars(record))]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


async def test_full_session_leaks_no_secret(
    make_client: MakeClient,
    control: Control,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: httpx, httpcore, stamina, hubdesk ...
    errors: list[ApiError] = []
    client = make_client()

    with pytest.raises(BadCredentials) as bad:
        await client.login(USERNAME, WRONG_PASSWORD)
    errors.append(bad.value)
    await client.login(USERNAME, PASSWORD)
    await client.list_sender_ids()
    await control.expire_tokens()
    await client.list_sms()  # 401 -> refresh -> retry
    await client.refresh()
    await client.send_sms(SENDER, "447520602707", "secret-free text")
    await control.fault("503", count=1, path="/api/sms/list")
    await client.list_sms()  # retried: stamina logs the cause
    with pytest.raises(ValidationFailed) as invalid:
        await client.send_sms("NOPE", "447520602707", "x")
    errors.append(invalid.value)
    await control.fault("500", path="/api/sms/send")
    with pytest.raises(ServerError) as failed:
        await client.send_sms(SENDER, "447520602707", "y")
    errors.append(failed.value)
    restored = make_client(refresh_token=recorder.grants[-1].refresh_token)
    await restored.list_sms()

    secrets = {PASSWORD, WRONG_PASSWORD, CLIENT_SECRET}
    for grant in recorder.grants:
        secrets |= {grant.access_token, grant.refresh_token}
    assert len(recorder.grants) == 4  # login, 401 refresh, explicit refresh, restore

    records = caplog.records
    assert any(r.name.startswith("httpcore") for r in records), "DEBUG capture is not working"
    assert any(r.name == "stamina" for r in records), "the retry was not logged"
    texts = [record_text(r) for r in records]
    texts += [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [repr(client), repr(restored), repr(recorder.grants[-1])]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_client_repr_and_attributes_hide_secrets() -> None:
    client = HubClient(
        "https://smsapi.thehubwork.com/api",
        client_id="hubdesk-demo",
        client_secret="s3cret-value",
        refresh_token="def502-refresh-value",
    )
    assert "s3cret" not in repr(client) and "def502" not in repr(client)
    assert "s3cret" not in str(client) and "def502" not in str(client)
