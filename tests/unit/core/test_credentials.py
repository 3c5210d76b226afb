"""core.credentials: the precedence of the client ID and secret (option > environment >
managed > profile), and a secret never travelling to another client ID."""

from __future__ import annotations

from pathlib import Path

from hubdesk.core.credentials import ENV_CLIENT_ID, ENV_CLIENT_SECRET, choose_client
from hubdesk.core.managed import ManagedConfig

MANAGED = ManagedConfig(Path("/etc/xdg/hubdesk/managed.toml"), None, "managed-id", "m-secret")
ENV = {ENV_CLIENT_ID: "env-id", ENV_CLIENT_SECRET: "e-secret"}


def _pair(**kwargs: object) -> tuple[str, str | None, str] | None:
    chosen = choose_client(**kwargs)  # type: ignore[arg-type]
    return None if chosen is None else (chosen.client_id, chosen.client_secret, chosen.source)


def test_each_level_wins_over_the_ones_below() -> None:
    everything = {
        "option_id": "opt-id",
        "option_secret": "o-secret",
        "environ": ENV,
        "managed": MANAGED,
        "profile_id": "profile-id",
        "profile_secret": "p-secret",
    }
    assert _pair(**everything) == ("opt-id", "o-secret", "option")
    del everything["option_id"], everything["option_secret"]
    assert _pair(**everything) == ("env-id", "e-secret", "environment")
    del everything["environ"]
    assert _pair(**everything) == ("managed-id", "m-secret", "managed")
    del everything["managed"]
    assert _pair(**everything) == ("profile-id", "p-secret", "profile")
    del everything["profile_id"]
    assert _pair(**everything) is None


def test_a_secret_stays_with_its_client_id() -> None:
    # The managed secret is used for the managed client ID only ...
    assert _pair(option_id="managed-id", managed=MANAGED) == ("managed-id", "m-secret", "managed")
    assert _pair(option_id="other-id", managed=MANAGED) == ("other-id", None, "option")
    # ... and the keyring's for the profile's client ID only.
    assert _pair(option_id="profile-id", profile_id="profile-id", profile_secret="p") == (
        "profile-id",
        "p",
        "profile",
    )
    assert _pair(environ={ENV_CLIENT_ID: "x"}, profile_id="y", profile_secret="p") == (
        "x",
        None,
        "environment",
    )
    # A secret given with a client ID belongs to it.
    assert _pair(option_id="other-id", option_secret="o", managed=MANAGED) == (
        "other-id",
        "o",
        "option",
    )


def test_the_managed_pair_typed_in_still_counts_as_managed() -> None:
    # So that it is not copied to the keyring either.
    chosen = choose_client(option_id="managed-id", option_secret="m-secret", managed=MANAGED)
    assert chosen is not None and chosen.source == "managed" and chosen.complete


def test_blank_values_count_as_unset() -> None:
    env = {ENV_CLIENT_ID: "  ", ENV_CLIENT_SECRET: ""}
    assert _pair(option_id=" ", environ=env, managed=MANAGED) == (
        "managed-id",
        "m-secret",
        "managed",
    )
