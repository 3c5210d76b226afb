"""What a Laravel/Passport server says: JSON encoding, error bodies, the paginator.

Nothing here knows about HTTP transport; it only builds the bodies the real service sends.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

JsonDict = dict[str, Any]

UNAUTHENTICATED: JsonDict = {"message": "Unauthenticated."}
TOO_MANY_ATTEMPTS: JsonDict = {"message": "Too Many Attempts."}
INVALID_SCOPE: JsonDict = {"message": "Invalid scope(s) provided."}  # Passport's 403

_INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, "
    "includes a parameter more than once, or is otherwise malformed."
)


class SimError(Exception):
    """An error answer: HTTP status, JSON body and extra headers."""

    def __init__(
        self, status: int, body: JsonDict, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {body.get('message', '')}")
        self.status = status
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})


def encode_json(data: object) -> bytes:
    """Compact JSON as PHP's ``json_encode`` writes it: ``\\/`` and ``\\uXXXX`` escapes."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


# --- OAuth (league/oauth2-server as used by Passport) -------------------------------------


def _oauth(status: int, error: str, description: str, hint: str | None = None) -> SimError:
    body: JsonDict = {"error": error, "error_description": description}
    if hint:
        body["hint"] = hint
    body["message"] = description
    return SimError(status, body)


def invalid_request(parameter: str) -> SimError:
    return _oauth(400, "invalid_request", _INVALID_REQUEST, f"Check the `{parameter}` parameter")


def invalid_client() -> SimError:
    return _oauth(401, "invalid_client", "Client authentication failed")


def invalid_credentials() -> SimError:
    return _oauth(400, "invalid_grant", "The user credentials were incorrect.")


def invalid_refresh_token(hint: str) -> SimError:
    return _oauth(400, "invalid_grant", "The refresh token is invalid.", hint)


def unsupported_grant_type() -> SimError:
    return _oauth(
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
        "Check that all required parameters have been provided",
    )


# --- validation (422) ---------------------------------------------------------------------


def attribute(field: str) -> str:
    """Laravel's display name of a field: ``sent_since`` -> ``sent since``."""
    return field.replace("_", " ")


class Errors:
    """Collects validation messages per field, then raises one 422 like Laravel."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def required(self, field: str) -> None:
        self.add(field, f"The {attribute(field)} field is required.")

    def raise_if_any(self) -> None:
        if self.fields:
            raise validation_error(self.fields)


def validation_error(fields: Mapping[str, Sequence[str]]) -> SimError:
    messages = [m for ms in fields.values() for m in ms]
    message = messages[0]
    more = len(messages) - 1
    if more:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return SimError(422, {"message": message, "errors": {k: list(v) for k, v in fields.items()}})


# --- LengthAwarePaginator -----------------------------------------------------------------

_ON_EACH_SIDE = 3


def resolve_page(value: str | None) -> int:
    """Laravel's ``resolveCurrentPage``: a positive integer, else 1."""
    if value is None:
        return 1
    text = value.strip()
    if text.lstrip("+-").isdigit() and text == str(int(text)) and int(text) >= 1:
        return int(text)
    return 1


def _page_url(path: str, query: Sequence[tuple[str, str]], page: int) -> str:
    params: dict[str, str] = {}
    for key, value in query:
        params[key] = value  # PHP: a repeated key keeps its first position, last value
    params["page"] = str(page)
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())
    return f"{path}?{encoded}"


def _url_window(current: int, last: int) -> list[list[int] | None]:
    """``UrlWindow::make`` as page-number ranges; ``None`` marks a "..." gap."""

    def rng(a: int, b: int) -> list[int]:
        return list(range(a, b + 1))

    if last < _ON_EACH_SIDE * 2 + 8:
        return [rng(1, last)]
    window = _ON_EACH_SIDE + 4
    if current <= window:
        return [rng(1, window + _ON_EACH_SIDE), None, rng(last - 1, last)]
    if current > last - window:
        return [rng(1, 2), None, rng(last - (window + (_ON_EACH_SIDE - 1)), last)]
    return [
        rng(1, 2),
        None,
        rng(current - _ON_EACH_SIDE, current + _ON_EACH_SIDE),
        None,
        rng(last - 1, last),
    ]


def paginate(
    items: Sequence[JsonDict],
    *,
    page: int,
    per_page: int,
    path: str,
    query: Sequence[tuple[str, str]] = (),
) -> JsonDict:
    """One page of ``items`` as Laravel's ``LengthAwarePaginator::toArray()`` (with query)."""
    query = [(k, v) for k, v in query if k != "page"]
    total = len(items)
    last = max(math.ceil(total / per_page), 1)
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page])

    def url(n: int) -> str:
        return _page_url(path, query, n)

    prev_url = url(page - 1) if page > 1 else None
    next_url = url(page + 1) if page < last else None
    links: list[JsonDict] = [{"url": prev_url, "label": "&laquo; Previous", "active": False}]
    for part in _url_window(page, last):
        if part is None:
            links.append({"url": None, "label": "...", "active": False})
            continue
        for n in part:
            links.append({"url": url(n), "label": str(n), "active": n == page})
    links.append({"url": next_url, "label": "Next &raquo;", "active": False})
    return {
        "current_page": page,
        "data": chunk,
        "first_page_url": url(1),
        "from": start + 1 if chunk else None,
        "last_page": last,
        "last_page_url": url(last),
        "links": links,
        "next_page_url": next_url,
        "path": path,
        "per_page": per_page,
        "prev_page_url": prev_url,
        "to": start + len(chunk) if chunk else None,
        "total": total,
    }
