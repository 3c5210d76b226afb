"""Turn httpx outcomes (exceptions, responses, headers) into bodies or ``ApiError``s."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from hubdesk.api.errors import (
    ApiError,
    BadCredentials,
    ConnectFailed,
    ConnectionDropped,
    DeadlineExceeded,
    InvalidClient,
    PermissionDenied,
    RateLimited,
    Refused,
    RequestTimedOut,
    ResponseTooLarge,
    ServerError,
    SessionExpired,
    Unauthenticated,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.api.headers import rate_limited_wait, retry_after
from hubdesk.api.operations import Operation
from hubdesk.api.text import repair_text

__all__ = [
    "Scrub",
    "compressed",
    "deadline_exceeded",
    "decode_json",
    "error_for_response",
    "error_for_transport",
    "json_body",
    "refusal_in_body",
    "session_expired",
    "too_large",
    "unexpected",
]

Scrub = Callable[[str], str]
_MAX_SERVER_TEXT = 200


def _server_text(value: object, scrub: Scrub) -> str:
    """A server-provided message made safe for a sentence: one line, short, scrubbed."""
    if not isinstance(value, str):
        return ""
    text = re.sub(r"\s+", " ", scrub(repair_text(value))).strip()
    if len(text) > _MAX_SERVER_TEXT:
        text = text[: _MAX_SERVER_TEXT - 1].rstrip() + "…"
    return text.rstrip(".")


def _header_text(value: str) -> str:
    """A header value quoted in a sentence: repaired, one line, short."""
    return re.sub(r"\s+", " ", repair_text(value)).strip()[:40] or "none"


def _endpoint(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path}"


def _unseen_outcome(op: Operation, status: int | None) -> bool:
    """Whether an unreadable answer may follow an executed request.

    True for a request that changes something (not an OAuth grant), unless the status
    is a client error (4xx): the server said it did not act on it.
    """
    return op.may_execute_unseen and not (status is not None and 400 <= status < 500)


def _maybe_clause(op: Operation) -> str:
    """The clause "; it may or may not have been sent": ``op.unconfirmed``'s second half."""
    _, _, effect = op.unconfirmed.partition("; ")
    return "; " + (effect.rstrip(".") or "it may or may not have taken effect")


def unexpected(op: Operation, response: httpx.Response, detail: str) -> UnexpectedResponse:
    """``UnexpectedResponse`` naming the endpoint and status. For a request that changes
    something the server may have acted before its answer went wrong (the simulator's
    ``malformed`` fault executes the send, then garbles the reply): ``may_have_executed``
    is set and the sentence says it may or may not have taken effect."""
    status = response.status_code
    maybe = _unseen_outcome(op, status)
    return UnexpectedResponse(
        f"The server sent an unexpected answer while trying to {op.doing} "
        f"({_endpoint(response)}, HTTP {status}: {detail})"
        + (_maybe_clause(op) if maybe else "")
        + ".",
        operation=op.name,
        status=status,
        may_have_executed=maybe,
    )


def session_expired(op: Operation, status: int | None) -> SessionExpired:
    return SessionExpired(
        "Your session has expired; please sign in again.", operation=op.name, status=status
    )


def error_for_transport(op: Operation, exc: httpx.HTTPError) -> ApiError:
    """Map an httpx exception; ``may_have_executed`` when a changing request may have arrived."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.ProxyError):
        return ConnectFailed(
            f"Could not reach the HubWork server to {op.doing}; check the network "
            "connection and the server address.",
            operation=op.name,
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ConnectFailed(f"The server address is not usable to {op.doing}.", operation=op.name)
    if isinstance(exc, httpx.PoolTimeout):  # no connection was free: nothing was sent
        return RequestTimedOut(
            f"Too many requests were waiting for a connection to {op.doing}; try again.",
            operation=op.name,
        )
    if isinstance(exc, httpx.TimeoutException):
        if op.changes:
            return RequestTimedOut(op.unconfirmed, operation=op.name, may_have_executed=True)
        return RequestTimedOut(
            f"The server did not answer in time while trying to {op.doing}.", operation=op.name
        )
    if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.DecodingError):
        if op.changes:
            return ConnectionDropped(op.unconfirmed, operation=op.name, may_have_executed=True)
        return ConnectionDropped(
            f"The connection to the server broke while trying to {op.doing}.",
            operation=op.name,
        )
    maybe = _unseen_outcome(op, None)
    return UnexpectedResponse(
        f"The server sent an answer that could not be read while trying to {op.doing}"
        + (_maybe_clause(op) if maybe else "")
        + ".",
        operation=op.name,
        may_have_executed=maybe,
    )


_MAX_JSON_INT_DIGITS = 40  # longer integers become nan: no field of the API is one


def _json_int(digits: str) -> int | float:
    """JSON integers as ints, except absurd ones: Python refuses to convert more than
    4,300 digits (ValueError for the whole body); as nan the one field holding it fails
    to parse and its item alone is skipped."""
    return int(digits) if len(digits) <= _MAX_JSON_INT_DIGITS else math.nan


def decode_json(content: bytes) -> Any:
    """``content`` as JSON; ValueError (saying why) when it is not.

    JSON between systems is UTF-8 (RFC 8259): a leading byte-order mark is ignored and a
    byte sequence that is not UTF-8 becomes U+FFFD, so one badly encoded message does not
    make a whole page unreadable (``hubdesk.api.text`` repairs the rest). Nesting deeper
    than the interpreter's recursion limit is refused, not a RecursionError.
    """
    text = content.decode("utf-8", "replace").removeprefix("\ufeff")
    try:
        return json.loads(text, parse_int=_json_int)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def json_body(op: Operation, response: httpx.Response) -> Any:
    """The decoded JSON body, or ``UnexpectedResponse`` naming the endpoint and status."""
    try:
        return decode_json(response.content)
    except ValueError:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise unexpected(op, response, f"not valid JSON ({_header_text(kind)})") from None


def _maybe_json(response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = decode_json(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, Mapping) else {}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def too_large(op: Operation, response_status: int, limit: int) -> ResponseTooLarge:
    """The answer passed the size cap (``hubdesk.api.limits``) and was not read."""
    maybe = _unseen_outcome(op, response_status)
    return ResponseTooLarge(
        f"The server's answer was larger than {_megabytes(limit)} while trying to "
        f"{op.doing}, so it was not read" + (_maybe_clause(op) if maybe else "") + ".",
        operation=op.name,
        status=response_status,
        may_have_executed=maybe,
    )


def compressed(op: Operation, response_status: int, encoding: str) -> UnexpectedResponse:
    """The answer came compressed although the client asked for it uncompressed."""
    maybe = _unseen_outcome(op, response_status)
    return UnexpectedResponse(
        f"The server sent a compressed answer ({_header_text(encoding)}) that HubDesk did not "
        f"ask for while trying to {op.doing}, so it was not read"
        + (_maybe_clause(op) if maybe else "")
        + ".",
        operation=op.name,
        status=response_status,
        may_have_executed=maybe,
    )


def deadline_exceeded(op: Operation, seconds: float) -> DeadlineExceeded:
    """The whole request took longer than the client's deadline."""
    within = f"within {seconds:g} s"
    if op.changes:
        return DeadlineExceeded(
            f"{op.unconfirmed.rstrip('.')} (the server did not finish answering {within}).",
            operation=op.name,
            may_have_executed=True,
        )
    return DeadlineExceeded(
        f"The server did not finish answering {within} while trying to {op.doing}; "
        "try again later.",
        operation=op.name,
    )


def _field_errors(value: object, scrub: Scrub) -> dict[str, list[str]]:
    if not isinstance(value, Mapping):
        return {}
    errors: dict[str, list[str]] = {}
    for key, messages in value.items():
        items = messages if isinstance(messages, list) else [messages]
        errors[repair_text(str(key))] = [
            _server_text(m, scrub) for m in items if isinstance(m, str)
        ]
    return errors


def _oauth_error(
    op: Operation, response: httpx.Response, body: Mapping[str, Any], grant: str, scrub: Scrub
) -> ApiError | None:
    code = body.get("error")
    status = response.status_code
    if code == "invalid_client":
        return InvalidClient(
            "The server refused HubDesk's client id or client secret; check the account settings.",
            operation=op.name,
            status=status,
        )
    if grant == "refresh_token" and code in ("invalid_grant", "invalid_request"):
        return session_expired(op, status)
    if grant == "password" and code in ("invalid_grant", "invalid_request"):
        return BadCredentials(
            "The username or password was not accepted.", operation=op.name, status=status
        )
    if isinstance(code, str) and status in (400, 401):
        said = _server_text(body.get("error_description") or body.get("message") or code, scrub)
        return Unauthenticated(
            f"The server refused to {op.doing} ({said}).", operation=op.name, status=status
        )
    return None


def error_for_response(
    op: Operation, response: httpx.Response, *, grant: str | None, scrub: Scrub
) -> ApiError | None:
    """The error this response means, or None for a success status (2xx)."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    body = _maybe_json(response)
    if grant is not None:
        oauth = _oauth_error(op, response, body, grant, scrub)
        if oauth is not None:
            return oauth
    said = _server_text(body.get("message"), scrub)
    if status == 401:
        return Unauthenticated(
            f"The server did not accept the session while trying to {op.doing}; please sign "
            "in again.",
            operation=op.name,
            status=status,
        )
    if status == 403:
        return PermissionDenied(
            f"Your account is not allowed to {op.doing}"
            + (f" (the server said: {said})." if said else "."),
            operation=op.name,
            status=status,
        )
    if status == 422:
        errors = _field_errors(body.get("errors"), scrub)
        listed = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items() if v) or said
        return ValidationFailed(
            f"The server refused to {op.doing}" + (f": {listed}." if listed else "."),
            errors=errors,
            operation=op.name,
            status=status,
        )
    if status == 429:
        wait = rate_limited_wait(response.headers)  # finite, within a day
        return RateLimited(
            f"The server is limiting requests and did not {op.doing}; try again in "
            f"{max(1, round(wait))} s.",
            retry_after=wait,
            operation=op.name,
            status=status,
        )
    if status >= 500:
        if op.changes:
            message = op.unconfirmed
        else:
            message = f"The server failed while trying to {op.doing} (HTTP {status})."
        return ServerError(
            message,
            retry_after=retry_after(response.headers),
            operation=op.name,
            status=status,
            may_have_executed=op.changes,
        )
    if 400 <= status < 500 and said:
        return Refused(
            f"The server refused to {op.doing}: {said}.", operation=op.name, status=status
        )
    return unexpected(op, response, "an unexpected status")


def refusal_in_body(
    op: Operation, response: httpx.Response, body: Mapping[str, Any], scrub: Scrub
) -> Refused | None:
    """``{"status": "error", "message": ...}`` with a 2xx status is a refusal."""
    status = body.get("status")
    if not isinstance(status, str) or status.lower() not in ("error", "failed", "fail"):
        return None
    said = _server_text(body.get("message"), scrub) or "no reason given"
    return Refused(
        f"The server refused to {op.doing}: {said}.",
        errors=_field_errors(body.get("errors"), scrub),
        operation=op.name,
        status=response.status_code,
    )
