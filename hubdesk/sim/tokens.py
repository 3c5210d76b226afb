"""Token strings that look like Passport's: RS256-shaped JWTs and ``def502…`` refresh tokens.

They are not verifiable signatures: the simulator recognises its own tokens by keeping
every issued one (see ``SimState``).
"""

from __future__ import annotations

import base64
import json
import os
import uuid

SCOPES = (
    "sms:send",
    "sms:list",
    "sms:detail",
    "sender-id:list",
    "sender-id:add",
    "call:click_to_dial",
)
_HEADER = {"typ": "JWT", "alg": "RS256"}
_SIGNATURE_BYTES = 512  # a 4096-bit RSA signature, as in the collection's examples
_REFRESH_HEX_CHARS = 938  # "def50200" + 938 hex digits = 946 characters, as in the examples


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def client_audience(client_id: str) -> str:
    """The OAuth client's id as Passport shows it in ``aud`` (a UUID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hubdesk-sim:{client_id}"))


def make_access_token(*, client_id: str, subject: str, iat: float, exp: float) -> str:
    """A JWT-shaped access token (~1,150 characters) carrying ``scopes`` and ``exp``."""
    payload = {
        "aud": client_audience(client_id),
        "jti": os.urandom(40).hex(),
        "iat": round(iat, 6),
        "nbf": round(iat, 6),
        "exp": round(exp, 6),
        "sub": subject,
        "scopes": list(SCOPES),
    }
    head = _b64url(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{head}.{body}.{_b64url(os.urandom(_SIGNATURE_BYTES))}"


def read_claims(token: str) -> dict[str, object]:
    """The payload of a JWT-shaped token (no signature check). Raises ``ValueError``."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT")
    decoded = json.loads(b64url_decode(parts[1]))
    if not isinstance(decoded, dict):
        raise ValueError("JWT payload is not an object")
    return decoded


def make_refresh_token() -> str:
    """An opaque ``def502…`` refresh token of the real service's length."""
    return "def50200" + os.urandom(_REFRESH_HEX_CHARS // 2).hex()
