"""The ASGI app: the HubWork API under ``/api`` and the control surface under ``/_sim``.

``/api`` is served by a small dispatcher of its own (not Starlette's router) so that every
answer, including 404/405 and injected faults, has the real service's shape and headers.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from hubdesk import __version__
from hubdesk.sim import laravel
from hubdesk.sim.control import build_control_app
from hubdesk.sim.faults import Fault, SimulatedDrop
from hubdesk.sim.laravel import JsonDict, SimError
from hubdesk.sim.records import RateDecision
from hubdesk.sim.rules import Inputs
from hubdesk.sim.state import SimState

_SECRET_FIELDS = frozenset({"password", "client_secret", "refresh_token"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BAD_GATEWAY_HTML = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    b"<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n"
    b"<p>The proxy server received an invalid\r\nresponse from an upstream server.<br />\r\n"
    b"The proxy server could not handle the request<p>Reason: <strong>Error reading from "
    b"remote server</strong></p></p>\n</body></html>\n"
)

# Faults answered instead of the API (the request is not executed).
_ANSWERING_FAULTS = frozenset({"500", "502", "503", "429", "403"})


@dataclass(frozen=True, slots=True)
class Call:
    """One API request as the operations need it."""

    inputs: Inputs
    query: list[tuple[str, str]]
    url_path: str  # absolute URL of the route without query (the paginator's ``path``)
    params: Mapping[str, str]
    authorization: str | None


Handler = Callable[[SimState, Call], JsonDict]


def _token(state: SimState, call: Call) -> JsonDict:
    return state.token_grant(call.inputs)


def _sender_list(state: SimState, call: Call) -> JsonDict:
    return state.list_sender_ids(call.inputs, path=call.url_path, query=call.query)


def _sms_list(state: SimState, call: Call) -> JsonDict:
    return state.list_sms(call.inputs, path=call.url_path, query=call.query)


def _sms_detail(state: SimState, call: Call) -> JsonDict:
    raw = call.params["id"]
    if not raw.isascii() or not raw.isdigit():
        raise SimError(404, {"status": "error", "message": "SMS not found"})
    return state.sms_detail(int(raw))


# (path regex, method, needs a bearer token, handler)
_ROUTES: list[tuple[re.Pattern[str], str, bool, Handler]] = [
    (re.compile(r"/api/oauth/token"), "POST", False, _token),
    (re.compile(r"/api/sender-id/list"), "GET", True, _sender_list),
    (re.compile(r"/api/sender-id/add"), "POST", True, lambda s, c: s.add_sender_id(c.inputs)),
    (re.compile(r"/api/sms/send"), "POST", True, lambda s, c: s.send_sms(c.inputs)),
    (re.compile(r"/api/sms/bulk-send"), "POST", True, lambda s, c: s.bulk_send(c.inputs)),
    (re.compile(r"/api/sms/list"), "GET", True, _sms_list),
    (re.compile(r"/api/sms/detail/(?P<id>[^/]+)"), "GET", True, _sms_detail),
    (re.compile(r"/api/click-to-dial/dial"), "POST", True, lambda s, c: s.dial(c.inputs)),
    (re.compile(r"/api/click-to-dial-mask/dial"), "POST", True, lambda s, c: s.dial_mask(c.inputs)),
]


def _route(method: str, path: str) -> tuple[Handler, bool, dict[str, str]]:
    allowed: list[str] = []
    for pattern, route_method, needs_auth, handler in _ROUTES:
        match = pattern.fullmatch(path)
        if not match:
            continue
        if route_method == method or (route_method == "GET" and method == "HEAD"):
            return handler, needs_auth, match.groupdict()
        allowed.append(route_method)
    route = path.lstrip("/")
    if allowed:
        methods = ", ".join("GET, HEAD" if m == "GET" else m for m in allowed)
        raise SimError(
            405,
            {
                "message": f"The {method} method is not supported for route {route}. "
                f"Supported methods: {methods}."
            },
        )
    raise SimError(404, {"message": f"The route {route} could not be found."})


class SimApp:
    """The simulator as one ASGI app. ``state`` is the live ``SimState``."""

    def __init__(self, state: SimState | None = None) -> None:
        self.state = state or SimState()
        self._control = build_control_app(self.state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            scope["path"] == "/api" or scope["path"].startswith("/api/")
        ):
            await self._api(scope, receive, send)
        else:
            await self._control(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state
        body = await _read_body(receive)
        request = Request(scope, _replay(body, receive))
        method = scope["method"].upper()
        path = scope["path"].rstrip("/") or "/"
        query = list(request.query_params.multi_items())
        form = await _body_inputs(request, body) if method in _BODY_METHODS else {}
        inputs: dict[str, list[str]] = {}
        for key, val in query:
            inputs.setdefault(key, []).append(val)
        inputs.update(form)  # the body wins over the query string, as in Laravel's input()
        authorization = request.headers.get("authorization")
        entry = state.log_request(
            {
                "method": method,
                "path": path,
                "query": {k: v for k, v in query},
                "form": {
                    k: ["***"] * len(v) if k in _SECRET_FIELDS else list(v) for k, v in form.items()
                },
                "auth": bool(authorization and authorization.lower().startswith("bearer ")),
                "status": 0,
                "at": datetime.fromtimestamp(state.now(), UTC).isoformat(),
                "fault": None,
            }
        )

        fault = state.take_fault(method, path)
        if fault is not None:
            entry["fault"] = fault.kind
        if fault is not None and fault.kind == "drop_before":
            await _drop(send, b"")
        client = request.client.host if request.client else "unknown"
        decision = state.hit_rate_limit(client)
        latency = state.config.latency
        if fault is not None and fault.kind in _ANSWERING_FAULTS:
            status, payload, headers = _fault_answer(fault, decision, state.now())
            entry["status"] = status
            if latency > 0:
                await asyncio.sleep(latency)
            await _respond(send, state, status, payload, decision, {**headers, **fault.headers})
            return
        status, data, headers = self._execute(method, path, request, query, inputs, decision)
        if fault is not None and fault.kind == "bad_item":
            data = _spoil_first_item(data)
        payload = laravel.encode_json(data)
        if latency > 0:
            await asyncio.sleep(latency)
        if fault is None:
            entry["status"] = status
            await _respond(send, state, status, payload, decision, headers)
            return
        headers.update(fault.headers)
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay())
        if fault.kind == "huge":
            status = 200
        entry["status"] = status
        if fault.kind == "drop_after":
            await _drop(send, payload, _headers(state, decision, headers))
        if fault.kind == "malformed":
            payload = payload[: max(len(payload) // 2, 1)]
        if fault.kind in ("dribble", "huge"):
            raw_headers = _headers(state, decision, headers)
            if fault.kind == "dribble":
                head = len(payload) - 1 if len(payload) <= 8 else 8
                raw_headers.append((b"content-length", str(len(payload)).encode()))
                stream = _dribbled(payload, head, fault.delay())
            else:  # no length: the client has to count
                stream = _huge_body(fault.size())
            await send({"type": "http.response.start", "status": status, "headers": raw_headers})
            await _stream_until_gone(state, send, receive, stream)
            return
        await _respond(send, state, status, payload, decision, headers)

    def _execute(
        self,
        method: str,
        path: str,
        request: Request,
        query: list[tuple[str, str]],
        inputs: dict[str, list[str]],
        decision: RateDecision,
    ) -> tuple[int, JsonDict, dict[str, str]]:
        if not decision.allowed:
            return (
                429,
                dict(laravel.TOO_MANY_ATTEMPTS),
                {
                    "Retry-After": str(decision.retry_after),
                    "X-RateLimit-Reset": str(decision.reset_at),
                },
            )
        try:
            handler, needs_auth, params = _route(method, path)
            authorization = request.headers.get("authorization")
            if needs_auth:
                self.state.authenticate(authorization)
            url_path = str(request.base_url).rstrip("/") + path
            call = Call(inputs, query, url_path, params, authorization)
            return 200, handler(self.state, call), {}
        except SimError as error:
            return error.status, error.body, error.headers


def _spoil_first_item(data: JsonDict) -> JsonDict:
    """The ``bad_item`` fault: the first item of a paginated answer keeps its id, and
    every other field becomes ``{"unreadable": true}``."""
    page = data.get("data")
    items = page.get("data") if isinstance(page, dict) else None
    if not isinstance(page, dict) or not isinstance(items, list) or not items:
        return data
    first = {k: v if k in ("id", "sms_id") else {"unreadable": True} for k, v in items[0].items()}
    return {**data, "data": {**page, "data": [first, *items[1:]]}}


def _fault_answer(
    fault: Fault, decision: RateDecision, now: float
) -> tuple[int, bytes, dict[str, str]]:
    seconds = fault.delay()
    if fault.kind == "403":
        return 403, laravel.encode_json(laravel.INVALID_SCOPE), {}
    if fault.kind == "500":
        return 500, laravel.encode_json({"message": "Server Error"}), {}
    if fault.kind == "502":
        return 502, _BAD_GATEWAY_HTML, {"Content-Type": "text/html; charset=iso-8859-1"}
    if fault.kind == "503":
        headers = {"Retry-After": str(math.ceil(seconds))} if fault.seconds is not None else {}
        return 503, laravel.encode_json({"message": "Service Unavailable"}), headers
    retry = max(math.ceil(seconds), 0)
    return (
        429,
        laravel.encode_json(laravel.TOO_MANY_ATTEMPTS),
        {
            "Retry-After": str(retry),
            "X-RateLimit-Reset": str(int(now) + retry),
            "X-RateLimit-Remaining": "0",
        },
    )


def _headers(
    state: SimState, decision: RateDecision, extra: Mapping[str, str]
) -> list[tuple[bytes, bytes]]:
    values: dict[str, str] = {
        "date": state.http_date(),
        "server": f"hubdesk-sim/{__version__}",
        "cache-control": "no-cache, private",
        "x-ratelimit-limit": str(decision.limit),
        "x-ratelimit-remaining": str(decision.remaining),
        "vary": "Origin,Authorization",
        "content-type": "application/json",
    }
    values.update((name.lower(), value) for name, value in extra.items())
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in values.items()]


async def _respond(
    send: Send,
    state: SimState,
    status: int,
    payload: bytes,
    decision: RateDecision,
    extra: Mapping[str, str],
) -> None:
    headers = _headers(state, decision, extra)
    if not any(name == b"content-length" for name, _ in headers):  # a header fault may lie
        headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(
    send: Send, payload: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Abort the connection. Raises ``SimulatedDrop``; never returns.

    With ``headers`` (``drop_after``) the client gets the status line, the headers and
    half the body before the connection dies. Without (``drop_before``) it gets nothing:
    the response start carries a header value no HTTP server may write, so uvicorn
    fails before writing a byte, marks the response started and closes the socket.
    """
    try:
        if headers is None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"x-hubdesk-sim-drop", b"\r\n")],
                }
            )
        else:
            length = str(len(payload) + 1).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*headers, (b"content-length", length)],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": payload[: len(payload) // 2],
                    "more_body": True,
                }
            )
    except Exception as exc:  # the server refused the poisoned header: that is the point
        raise SimulatedDrop("hubdesk-sim dropped the connection") from exc
    raise SimulatedDrop("hubdesk-sim dropped the connection")


async def _dribbled(payload: bytes, head: int, interval: float) -> AsyncIterator[bytes]:
    """``payload[:head]`` at once, then the rest one byte every ``interval`` seconds."""
    yield payload[:head]
    for index in range(head, len(payload)):
        await asyncio.sleep(interval)
        yield payload[index : index + 1]


_HUGE_CHUNK = 64 * 1024


async def _huge_body(size: int) -> AsyncIterator[bytes]:
    """``size`` bytes that start like an API answer and never end like one."""
    opening = b'{"status":"success","message":"'
    yield opening
    left = max(0, size - len(opening))
    filler = b"x" * _HUGE_CHUNK
    while left > 0:
        chunk = filler[: min(left, _HUGE_CHUNK)]
        left -= len(chunk)
        yield chunk


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _stream_until_gone(
    state: SimState, send: Send, receive: Receive, body: AsyncIterator[bytes]
) -> None:
    """Send ``body`` as it comes; stop as soon as the client has gone (uvicorn's ``send``
    ignores a gone client silently, so without this a dribble would go on for hours).
    ``stats()["streaming"]`` counts the streams in progress."""
    gone = asyncio.ensure_future(_wait_disconnect(receive))
    state.count("streaming")
    try:
        async for chunk in body:
            if gone.done():
                return
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(0)  # let the disconnect watcher run
        if not gone.done():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        gone.cancel()
        state.count("streaming", -1)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _body_inputs(request: Request, body: bytes) -> dict[str, list[str]]:
    """Form fields (urlencoded or multipart) or a JSON object, as lists of strings."""
    ctype = request.headers.get("content-type", "").lower()
    out: dict[str, list[str]] = {}
    if "json" in ctype:
        try:
            decoded: Any = json.loads(body or b"null")
        except ValueError:
            return out
        if isinstance(decoded, dict):
            for key, val in decoded.items():
                if isinstance(val, list):
                    out[f"{key}[]"] = [_scalar(v) for v in val]
                elif not isinstance(val, dict):
                    out[str(key)] = [_scalar(val)]
        return out
    if "multipart/form-data" not in ctype and "application/x-www-form-urlencoded" not in ctype:
        return out
    try:
        form = await request.form()
    except Exception:  # a malformed body reads as an empty form, as PHP does
        return out
    for key, val in form.multi_items():
        text = (val.filename or "") if isinstance(val, UploadFile) else str(val)
        out.setdefault(key, []).append(text)
    await form.close()
    return out


def _scalar(val: object) -> str:
    if val is None:
        return ""
    if isinstance(val, bool):
        return "1" if val else "0"
    return str(val)


def create_app(state: SimState | None = None) -> SimApp:
    """The simulator's ASGI app around ``state`` (a fresh default ``SimState`` if None)."""
    return SimApp(state)


__all__ = ["SimApp", "create_app"]
