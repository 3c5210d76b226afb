"""The vendor's Postman collection, run by newman against the simulator over loopback.

Each request gets a generated test script: status 200, and the response's keys (in order)
and JSON value types equal the example response's, recursively.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubdesk.sim import SimConfig, SimServer, SimState
from tests.missing import require_tool

pytestmark = pytest.mark.network

COLLECTION = Path(__file__).resolve().parents[1] / "data" / "sms-extension.postman_collection.json"
PRODUCTION = "https://smsapi.thehubwork.com/api"
CONFIG = SimConfig(demo_data=False)

_SHAPE_SCRIPT = """
var example = %s;
function kind(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}
function check(actual, expected, path) {
  pm.expect(kind(actual), path).to.eql(kind(expected));
  if (kind(expected) === "object") {
    pm.expect(Object.keys(actual), path + " keys").to.eql(Object.keys(expected));
    Object.keys(expected).forEach(function (k) { check(actual[k], expected[k], path + "." + k); });
  } else if (kind(expected) === "array" && expected.length > 0) {
    pm.expect(actual.length, path + " length").to.be.above(0);
    actual.forEach(function (item, i) {
      check(item, expected[Math.min(i, expected.length - 1)], path + "[" + i + "]");
    });
  }
}
pm.test("status is 200", function () { pm.response.to.have.status(200); });
pm.test("keys and types match the example", function () {
  check(pm.response.json(), example, "$");
});
"""


def _login(base_url: str) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": CONFIG.client_id,
            "client_secret": CONFIG.client_secret,
            "username": CONFIG.username,
            "password": CONFIG.password,
        },
    )
    response.raise_for_status()
    grant: dict[str, Any] = response.json()
    return grant


def _rewrite(collection: dict[str, Any], base_url: str, access_token: str) -> dict[str, Any]:
    """Point every URL at the sim, fill in the bearer token, add the shape tests."""
    rewritten: dict[str, Any] = json.loads(json.dumps(collection).replace(PRODUCTION, base_url))
    for item in rewritten["item"]:
        auth = item["request"].get("auth")
        if auth and auth["type"] == "bearer":
            # The published export writes the bearer as {"basicConfig": [{"key": "token",
            # "value": "<token>"}]}, which newman ignores (no Authorization header is sent).
            # Write it in the v2.0 schema's own form, with a real token.
            placeholder = auth["bearer"]["basicConfig"][0]["value"]
            assert placeholder == "<token>"
            auth["bearer"] = {"token": access_token}
        example = json.loads(item["response"][0]["body"])
        script = _SHAPE_SCRIPT % json.dumps(example)
        item["event"] = [
            {"listen": "test", "script": {"type": "text/javascript", "exec": script.splitlines()}}
        ]
    return rewritten


def test_collection_runs_green_against_the_sim(tmp_path: Path) -> None:
    newman = require_tool("newman", "npm install -g newman")
    collection = json.loads(COLLECTION.read_text(encoding="utf-8"))
    assert len(collection["item"]) == 10
    state = SimState(CONFIG)
    with SimServer(state) as sim:
        # two sessions: refreshing revokes the paired access token (as Passport does),
        # so the collection's refresh request must not use the bearer requests' session
        for_refresh = _login(sim.base_url)
        for_bearer = _login(sim.base_url)
        rewritten = tmp_path / "collection.json"
        rewritten.write_text(
            json.dumps(_rewrite(collection, sim.base_url, for_bearer["access_token"])),
            encoding="utf-8",
        )
        report = tmp_path / "report.json"
        variables = {
            "client_id": CONFIG.client_id,
            "client_secret": CONFIG.client_secret,
            "username": CONFIG.username,
            "password": CONFIG.password,
            "refresh_token": for_refresh["refresh_token"],
        }
        command = [
            newman,
            "run",
            str(rewritten),
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            str(report),
            "--disable-unicode",
            "--color",
            "off",
        ]
        for key, value in variables.items():
            command += ["--global-var", f"{key}={value}"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        stats = state.stats()

    assert report.exists(), result.stdout + result.stderr
    run = json.loads(report.read_text(encoding="utf-8"))["run"]
    executions = run["executions"]
    assert [e["item"]["name"] for e in executions] == [i["name"] for i in collection["item"]]
    failures = [
        f"{e['item']['name']}: {a['assertion']}: {a['error']['message']}"
        for e in executions
        for a in e.get("assertions", [])
        if a.get("error")
    ]
    assert failures == [], "\n".join(failures) + "\n" + result.stdout[-3000:]
    codes = {e["item"]["name"]: e["response"]["code"] for e in executions}
    assert set(codes.values()) == {200}, codes
    assert all(len(e.get("assertions", [])) == 2 for e in executions)
    assert run["stats"]["requests"]["total"] == 10 and run["stats"]["requests"]["failed"] == 0
    assert run["stats"]["assertions"]["failed"] == 0
    assert result.returncode == 0, result.stdout[-3000:]
    # what newman did really happened on the sim
    assert stats["refreshes"] == 1 and stats["password_grants"] == 3
    assert stats["sms_sent"] == 1 and stats["bulk_messages"] == 2 and stats["dials"] == 2
    assert stats["sender_ids_added"] == 1
