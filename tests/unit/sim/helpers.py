"""Helpers for the simulator's own tests: an in-process client, a login, a manual clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from hubdesk.sim import SimApp

BASE = "http://127.0.0.1:8765/api"
COLLECTION = Path(__file__).resolve().parents[2] / "data" / "sms-extension.postman_collection.json"
CREDENTIALS = {
    "grant_type": "password",
    "client_id": "hubdesk-demo",
    "client_secret": "demo-secret",
    "username": "demo@hubwork.test",
    "password": "demo-password",
}


class ManualClock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def examples() -> dict[str, Any]:
    """The collection's example response bodies by request name."""
    data = json.loads(COLLECTION.read_text(encoding="utf-8"))
    return {item["name"]: json.loads(item["response"][0]["body"]) for item in data["item"]}


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return type(value).__name__


def assert_same_shape(actual: object, example: object, path: str = "$") -> None:
    """Same keys in the same order and the same JSON types, recursively."""
    assert kind(actual) == kind(example), f"{path}: {kind(actual)} != {kind(example)}"
    if isinstance(example, dict):
        assert isinstance(actual, dict)
        assert list(actual) == list(example), f"{path}: keys {list(actual)} != {list(example)}"
        for key, value in example.items():
            assert_same_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(example, list) and example:
        assert isinstance(actual, list) and actual, f"{path}: empty list"
        for index, item in enumerate(actual):
            assert_same_shape(item, example[min(index, len(example) - 1)], f"{path}[{index}]")


def make_client(app: SimApp, client: tuple[str, int] = ("127.0.0.1", 50000)) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app, client=client), base_url=BASE)


async def login(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/oauth/token", data=CREDENTIALS)
    assert response.status_code == 200, response.text
    grant: dict[str, Any] = response.json()
    return grant


def bearer(grant: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {grant['access_token']}"}
