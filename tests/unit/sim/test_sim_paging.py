"""The Laravel LengthAwarePaginator: shape, pages, empty pages, links window, query kept."""

from __future__ import annotations

import httpx
import pytest

from hubdesk.sim import SimState
from hubdesk.sim.laravel import paginate, resolve_page

PATH = "http://h/api/sms/list"


def labels(page: dict[str, object]) -> list[str]:
    links = page["links"]
    assert isinstance(links, list)
    return [link["label"] for link in links]


def test_single_page() -> None:
    page = paginate([{"n": i} for i in range(4)], page=1, per_page=10, path=PATH)
    assert list(page) == [
        "current_page",
        "data",
        "first_page_url",
        "from",
        "last_page",
        "last_page_url",
        "links",
        "next_page_url",
        "path",
        "per_page",
        "prev_page_url",
        "to",
        "total",
    ]
    assert (page["from"], page["to"], page["total"], page["last_page"]) == (1, 4, 4, 1)
    assert page["next_page_url"] is None and page["prev_page_url"] is None
    assert page["links"] == [
        {"url": None, "label": "&laquo; Previous", "active": False},
        {"url": f"{PATH}?page=1", "label": "1", "active": True},
        {"url": None, "label": "Next &raquo;", "active": False},
    ]


def test_middle_page_and_query_kept() -> None:
    items = [{"n": i} for i in range(25)]
    query = [("sender", "447520602706"), ("page", "2"), ("sent_since", "2025-05-14 00:00:00")]
    page = paginate(items, page=2, per_page=10, path=PATH, query=query)
    assert page["data"] == items[10:20]
    assert (page["from"], page["to"], page["last_page"]) == (11, 20, 3)
    assert page["prev_page_url"] == (
        f"{PATH}?sender=447520602706&sent_since=2025-05-14%2000%3A00%3A00&page=1"
    )
    assert page["next_page_url"] == (
        f"{PATH}?sender=447520602706&sent_since=2025-05-14%2000%3A00%3A00&page=3"
    )
    assert [link["active"] for link in page["links"]] == [False, False, True, False, False]


@pytest.mark.parametrize("total,page_no", [(0, 1), (4, 3)])
def test_empty_page_has_null_from_and_to(total: int, page_no: int) -> None:
    page = paginate([{"n": i} for i in range(total)], page=page_no, per_page=10, path=PATH)
    assert page["data"] == [] and page["from"] is None and page["to"] is None
    assert page["last_page"] == 1 and page["total"] == total
    assert page["next_page_url"] is None


@pytest.mark.parametrize(
    "current,expected",
    [
        (1, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "...", "49", "50"]),
        (25, ["1", "2", "...", "22", "23", "24", "25", "26", "27", "28", "...", "49", "50"]),
        (50, ["1", "2", "...", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50"]),
    ],
)
def test_links_window_for_many_pages(current: int, expected: list[str]) -> None:
    page = paginate([{"n": i} for i in range(500)], page=current, per_page=10, path=PATH)
    assert labels(page) == ["&laquo; Previous", *expected, "Next &raquo;"]


@pytest.mark.parametrize(
    "raw,page", [(None, 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("2.5", 1), ("", 1)]
)
def test_resolve_page(raw: str | None, page: int) -> None:
    assert resolve_page(raw) == page


async def test_walking_every_page_of_sms_list(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    for n in range(25):
        sim_state.inject_inbound("447400100000", f"message {n}")
    seen: list[int] = []
    url: str | None = "/sms/list?sender=447400100000"
    while url:
        body = (await client.get(url, headers=auth)).json()["data"]
        assert body["per_page"] == 10 and body["total"] == 25
        seen += [row["sms_id"] for row in body["data"]]
        url = body["next_page_url"]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 25
