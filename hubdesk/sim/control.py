"""The control surface under ``/_sim`` (loopback clients only) and the app's lifespan.

Every route mirrors a ``SimState`` method, so in-process tests can call the state directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import Response
from starlette.routing import Route

from hubdesk.sim.config import LIVE_SETTINGS
from hubdesk.sim.faults import parse_fault
from hubdesk.sim.laravel import SimError
from hubdesk.sim.state import SimState

TICK_SECONDS = 0.2


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


class JSONResponse(StarletteJSONResponse):
    """JSON with ``\\uXXXX`` escapes for everything outside ASCII, as the API itself
    answers: a lone surrogate (a text split inside an emoji) is written as ``"\\ud83d"``
    instead of failing to encode as UTF-8."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False).encode("ascii")


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


Endpoint = Callable[[Request], Awaitable[Response]]


def build_control_app(state: SimState) -> Starlette:
    """A Starlette app for ``/_sim/*`` whose lifespan runs the demo inbound generator."""

    def guarded(endpoint: Callable[[Request], Awaitable[Response]]) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            host = request.client.host if request.client else None
            if not is_loopback(host):
                return JSONResponse(
                    {"message": "The control API answers loopback clients only."},
                    status_code=403,
                )
            try:
                return await endpoint(request)
            except ValueError as exc:
                return _bad(str(exc))
            except SimError as exc:
                return JSONResponse(exc.body, status_code=exc.status)

        return wrapper

    async def inbound(request: Request) -> Response:
        body = await _json_body(request)
        source, text = body.get("source"), body.get("text")
        destination, time = body.get("destination"), body.get("time")
        for name, val in (("source", source), ("text", text)):
            if not isinstance(val, str):
                return _bad(f"{name} must be a string")
        for name, val in (("destination", destination), ("time", time)):
            if val is not None and not isinstance(val, str):
                return _bad(f"{name} must be a string")
        assert isinstance(source, str) and isinstance(text, str)
        sms_id = state.inject_inbound(source, text, destination, time)
        return JSONResponse({"sms_id": sms_id})

    async def generate(request: Request) -> Response:
        return JSONResponse({"sms_id": state.generate_inbound()})

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            state.clear_requests()
            return JSONResponse({"cleared": True})
        return JSONResponse(state.requests())

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            state.clear_faults()
            return JSONResponse({"cleared": True})
        if request.method == "POST":
            fault = parse_fault(await _json_body(request))
            state.add_fault(fault)
            return JSONResponse({"armed": fault.to_json(), "faults": state.faults()})
        return JSONResponse(state.faults())

    async def expire(request: Request) -> Response:
        return JSONResponse({"expired": state.expire_tokens()})

    async def revoke(request: Request) -> Response:
        return JSONResponse({"revoked": state.revoke_tokens()})

    async def reset(request: Request) -> Response:
        body = await _json_body(request)
        state.reset(keep_tokens=bool(body.get("keep_tokens", False)))
        return JSONResponse({"reset": True})

    async def config(request: Request) -> Response:
        if request.method == "POST":
            state.configure(**await _json_body(request))
        cfg = state.config
        return JSONResponse({name: getattr(cfg, name) for name in LIVE_SETTINGS})

    async def messages(request: Request) -> Response:
        return JSONResponse(state.messages())

    async def calls(request: Request) -> Response:
        return JSONResponse(state.calls())

    async def stats(request: Request) -> Response:
        return JSONResponse(state.stats())

    async def sender_ids(request: Request) -> Response:
        return JSONResponse(state.sender_ids())

    async def approve(request: Request) -> Response:
        body = await _json_body(request)
        sender_id = body.get("sender_id")
        if not isinstance(sender_id, str):
            return _bad("sender_id must be a string")
        try:
            state.approve_sender_id(sender_id)
        except KeyError:
            return _bad(f"no such sender id: {sender_id}", 404)
        return JSONResponse({"approved": sender_id})

    routes = [
        Route("/_sim/inbound", guarded(inbound), methods=["POST"]),
        Route("/_sim/inbound/generate", guarded(generate), methods=["POST"]),
        Route("/_sim/requests", guarded(requests), methods=["GET", "DELETE"]),
        Route("/_sim/faults", guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route("/_sim/tokens/expire", guarded(expire), methods=["POST"]),
        Route("/_sim/tokens/revoke", guarded(revoke), methods=["POST"]),
        Route("/_sim/reset", guarded(reset), methods=["POST"]),
        Route("/_sim/config", guarded(config), methods=["GET", "POST"]),
        Route("/_sim/messages", guarded(messages), methods=["GET"]),
        Route("/_sim/calls", guarded(calls), methods=["GET"]),
        Route("/_sim/stats", guarded(stats), methods=["GET"]),
        Route("/_sim/sender-ids", guarded(sender_ids), methods=["GET"]),
        Route("/_sim/sender-ids/approve", guarded(approve), methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_inbound_loop(state), name="hubdesk-sim-inbound")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return Starlette(routes=routes, lifespan=lifespan)


async def _inbound_loop(state: SimState) -> None:
    """Demo mode: every ``inbound_every`` seconds a demo contact texts in."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        state.tick()
