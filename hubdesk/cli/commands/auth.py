"""``login``, ``logout``, ``whoami``."""

from __future__ import annotations

from argparse import Namespace
from typing import Any

from hubdesk.cli.context import Context
from hubdesk.cli.errors import NotLoggedIn, UsageError
from hubdesk.cli.output import clean
from hubdesk.store.profile import Profile

__all__ = ["login", "logout", "whoami"]


def _profile_json(profile: Profile, **extra: Any) -> dict[str, Any]:
    return {
        "user_name": profile.user_name,
        "user_id": profile.user_id,
        "username": profile.username,
        "client_id": profile.client_id,
        "base_url": profile.base_url,
        **extra,
    }


def _who(profile: Profile) -> str:
    name = clean(profile.user_name or profile.username, one_line=True)
    user_id = f" (user id {profile.user_id})" if profile.user_id is not None else ""
    return f"{name}{user_id} at {profile.base_url}"


def _client(args: Namespace) -> tuple[str | None, str | None]:
    """--client-id / --client-secret as given (None when absent); empty is bad input."""
    for option, value in (("--client-id", args.client_id), ("--client-secret", args.client_secret)):
        if value is not None and not value.strip():
            raise UsageError(f"{option} is empty")
    client_id = args.client_id.strip() if args.client_id is not None else None
    return client_id, args.client_secret


def _ask_client_secret(ctx: Context, client_id: str) -> str:
    """The secret for a client ID nothing else provides: asked on a terminal."""
    if not ctx.stdin.isatty():
        raise UsageError(
            f"no client secret for client ID {clean(client_id, one_line=True)!r}: give "
            "--client-secret or set HUBDESK_CLIENT_SECRET (or run on a terminal to be "
            "asked for it)"
        )
    return ctx.ask_secret("Client secret: ", "no client secret given")


def _username(args: Namespace, ctx: Context) -> str:
    """--username, else the last login's (signing in again after the session expired)."""
    if args.username is not None:
        if not args.username.strip():
            raise UsageError("--username is empty")
        return str(args.username).strip()
    profile = ctx.manager.saved_profile() if not ctx.options.no_store else None
    if profile is None:
        raise UsageError("--username is needed: nobody has logged in from this profile yet")
    return profile.username


def _password(args: Namespace, ctx: Context) -> str:
    if args.password_stdin:
        line = ctx.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password.removesuffix("\r")
        if not password:
            raise UsageError("--password-stdin: no password on stdin")
        return password
    if not ctx.stdin.isatty():
        raise UsageError("no terminal to ask for the password on: pipe it in with --password-stdin")
    return ctx.ask_password(_username(args, ctx))


async def login(args: Namespace, ctx: Context) -> None:
    """Sign in. The client ID and secret come from the options, the environment, the
    machine's managed configuration or the last login (``core.credentials``): staff give
    only ``--username`` and the password."""
    client_id, client_secret = _client(args)
    url = ctx.base_url
    manager = ctx.manager
    username = _username(args, ctx)
    chosen = await manager.client_credentials(url, client_id=client_id, client_secret=client_secret)
    if chosen is None:
        raise UsageError(
            "no client ID: give --client-id (or set HUBDESK_CLIENT_ID), or ask whoever "
            "installed HubDesk for the machine's managed configuration (managed.toml)"
        )
    if chosen.client_secret is None:  # typed in on the terminal: given for this login
        client_id, client_secret = chosen.client_id, _ask_client_secret(ctx, chosen.client_id)
    password = _password(args, ctx)
    profile, source = await manager.login_with_password(
        url, username, password, client_id=client_id, client_secret=client_secret
    )
    stored = not ctx.options.no_store
    if stored:
        human = f"Logged in as {_who(profile)}."
    else:
        human = (
            f"Logged in as {_who(profile)}; the session was not stored (--no-store), "
            "so it ended with this command."
        )
    ctx.out.result(_profile_json(profile, stored=stored, client_credentials=source), human)


async def logout(args: Namespace, ctx: Context) -> None:
    if ctx.options.no_store:
        raise UsageError("--no-store keeps no session, so there is nothing to log out of")
    profile = await ctx.manager.logout()
    if profile is None:
        ctx.out.result({"logged_out": False}, "Not logged in.")
        return
    ctx.out.result(
        _profile_json(profile, logged_out=True),
        f"Logged out {clean(profile.username, one_line=True)} from {profile.base_url}; "
        "the stored session was removed.",
    )


async def whoami(args: Namespace, ctx: Context) -> None:
    source: str | None = None
    if ctx.options.no_store:
        await ctx.client()  # signs in from HUBDESK_* for this command
        profile = ctx.manager.profile
        source = "environment"
    else:
        url = ctx.base_url
        profile = ctx.manager.saved_profile()
        if profile is None:
            raise NotLoggedIn("Not logged in. Run 'hubdesk-cli login' first")
        if profile.base_url != url:
            raise NotLoggedIn(
                f"Not logged in to {url} (the saved session is for {profile.base_url}). "
                "Run 'hubdesk-cli login' first"
            )
        source = await ctx.manager.stored_client_source(url)
        if source is None:
            raise NotLoggedIn(
                f"The session for {profile.username} is no longer in the keyring. "
                "Run 'hubdesk-cli login' again"
            )
    assert profile is not None
    managed = ctx.manager.managed_config()
    where = {"managed": " (client from the managed configuration)", "profile": ""}
    ctx.out.result(
        _profile_json(
            profile,
            stored=not ctx.options.no_store,
            client_credentials=source,
            managed_config=str(managed.path) if managed is not None else None,
        ),
        f"Logged in as {_who(profile)}{where.get(source or '', '')}.",
    )
