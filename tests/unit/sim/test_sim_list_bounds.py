"""``/sms/list``'s time bounds, read either way: ``SimConfig.list_bounds``."""

from __future__ import annotations

import httpx
import pytest

from hubdesk.sim import SimConfig

QUERY = {"sent_since": "2025-05-14 06:16:12", "sent_until": "2025-05-14 06:41:29"}


async def test_inclusive_by_default(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    rows = (await client.get("/sms/list", params=QUERY, headers=auth)).json()["data"]["data"]
    times = [r["time"] for r in rows]
    assert [r["sms_id"] for r in rows] == [95338, 95337, 95336, 95335, 95334]
    assert times[0] == QUERY["sent_until"] and times[-1] == QUERY["sent_since"]


@pytest.mark.sim_config(list_bounds="exclusive")
async def test_exclusive_leaves_out_both_bounds(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    rows = (await client.get("/sms/list", params=QUERY, headers=auth)).json()["data"]["data"]
    assert [r["sms_id"] for r in rows] == [95337, 95336, 95335]
    assert all(QUERY["sent_since"] < r["time"] < QUERY["sent_until"] for r in rows)


def test_an_unknown_reading_is_refused() -> None:
    with pytest.raises(ValueError, match="list_bounds"):
        SimConfig(list_bounds="sometimes")  # type: ignore[arg-type]
