"""``login``, ``logout``, ``whoami``."""

from __future__ import annotations

import os
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


def _client_secret(args: Namespace, ctx: Context) -> str:
    """--client-secret, else $HUBDESK_CLIENT_SECRET, else asked for without echo."""
    if args.client_secret is not None:
        if not args.client_secret.strip():
            raise UsageError("--client-secret is empty")
        return str(args.client_secret)
    from_env = os.environ.get("HUBDESK_CLIENT_SECRET", "")
    if from_env.strip():
        return from_env
    if not ctx.stdin.isatty():
        raise UsageError(
            "no client secret: give --client-secret or set HUBDESK_CLIENT_SECRET "
            "(or run on a terminal to be asked for it)"
        )
    return ctx.ask_secret("Client secret: ", "no client secret given")


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
    return ctx.ask_password(args.username)


async def login(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.session import Credentials

    for option, value in (("--client-id", args.client_id), ("--username", args.username)):
        if not value.strip():
            raise UsageError(f"{option} is empty")
    url = ctx.base_url
    credentials = Credentials(
        client_id=args.client_id.strip(),
        client_secret=_client_secret(args, ctx),
        username=args.username.strip(),
        password=_password(args, ctx),
    )
    profile = await ctx.manager.login(url, credentials)
    stored = not ctx.options.no_store
    if stored:
        human = f"Logged in as {_who(profile)}."
    else:
        human = (
            f"Logged in as {_who(profile)}; the session was not stored (--no-store), "
            "so it ended with this command."
        )
    ctx.out.result(_profile_json(profile, stored=stored), human)


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
    if ctx.options.no_store:
        await ctx.client()  # signs in from HUBDESK_* for this command
        profile = ctx.manager.profile
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
        if not await ctx.manager.has_stored_session(profile):
            raise NotLoggedIn(
                f"The session for {profile.username} is no longer in the keyring. "
                "Run 'hubdesk-cli login' again"
            )
    assert profile is not None
    ctx.out.result(
        _profile_json(profile, stored=not ctx.options.no_store),
        f"Logged in as {_who(profile)}.",
    )
