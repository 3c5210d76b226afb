"""Where the client ID and secret of a sign-in come from, so staff need only a username
and a password.

Precedence, for each sign-in (``SessionManager.login_with_password`` / ``relogin``):

1. given for this sign-in (``hubdesk-cli login --client-id/--client-secret``);
2. the environment (``HUBDESK_CLIENT_ID`` / ``HUBDESK_CLIENT_SECRET``);
3. the machine's managed configuration (``managed.toml``, see ``core.managed``);
4. the profile: the client ID saved at the last sign-in, with its secret from the
   keyring (only for the same server).

The client ID is taken from the first level that has one. The secret from the first
level that has one for THAT client ID: a secret given with it (levels 1-2), else the
managed file's when the managed file names the same client ID, else the keyring's when
the profile does. A secret never travels to another client ID.

A session keeps using the client it was signed in with (``SessionManager.restore``):
its secret from the keyring, or, when it was signed in with the managed file's (the
keyring then holds only a marker), from that file again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from hubdesk.core.errors import CoreError
from hubdesk.core.managed import ManagedConfig

__all__ = [
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "ClientCredentials",
    "ClientSource",
    "MissingClientCredentials",
    "choose_client",
]

ENV_CLIENT_ID = "HUBDESK_CLIENT_ID"
ENV_CLIENT_SECRET = "HUBDESK_CLIENT_SECRET"
ClientSource = Literal["option", "environment", "managed", "profile"]


class MissingClientCredentials(CoreError):
    """No client ID, or no secret for it: nothing set up on this machine or profile."""


@dataclass(frozen=True)
class ClientCredentials:
    """The client ID to sign in with and, when known, its secret (kept out of ``repr``).

    ``source`` is where the secret came from (where the client ID did, while the secret
    is unknown): ``managed`` means the secret must not be copied to the keyring."""

    client_id: str
    client_secret: str | None = field(repr=False)
    source: ClientSource

    @property
    def complete(self) -> bool:
        return self.client_secret is not None


def _clean(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def choose_client(
    *,
    option_id: str | None = None,
    option_secret: str | None = None,
    environ: Mapping[str, str] | None = None,
    managed: ManagedConfig | None = None,
    profile_id: str | None = None,
    profile_secret: str | None = None,
) -> ClientCredentials | None:
    """Apply the precedence above; None when no level names a client ID.

    ``profile_secret`` is the keyring's secret of the profile's session on the server
    being signed in to (None when there is none, or it is the managed marker).
    """
    env = environ or {}
    env_id, env_secret = _clean(env.get(ENV_CLIENT_ID)), env.get(ENV_CLIENT_SECRET)
    managed_id = managed.client_id if managed is not None else None
    ids: list[tuple[str | None, ClientSource]] = [
        (_clean(option_id), "option"),
        (env_id, "environment"),
        (managed_id, "managed"),
        (_clean(profile_id), "profile"),
    ]
    chosen = next(((cid, src) for cid, src in ids if cid is not None), None)
    if chosen is None:
        return None
    client_id, id_source = chosen
    secrets: list[tuple[str | None, ClientSource]] = [
        (option_secret if option_secret else None, "option"),
        (env_secret if env_secret and env_secret.strip() else None, "environment"),
        (
            managed.client_secret if managed is not None and managed_id == client_id else None,
            "managed",
        ),
        (profile_secret if _clean(profile_id) == client_id else None, "profile"),
    ]
    for secret, source in secrets:
        if secret is not None:
            if (
                source in ("option", "environment")
                and managed is not None
                and managed.has_client
                and (managed.client_id, managed.client_secret) == (client_id, secret)
            ):
                source = "managed"  # the managed pair, typed in: still never copied
            return ClientCredentials(client_id, secret, source)
    return ClientCredentials(client_id, None, id_source)
