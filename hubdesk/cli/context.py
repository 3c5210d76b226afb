"""What every command gets: its output, its input streams, a lazily made session and a
lazily opened local store.

Commands check all of their input first and only then ask for :meth:`Context.client`,
so nothing (not even a token refresh) reaches the network for bad input. The store is
the profile's SQLite database (``$HUBDESK_HOME/hubdesk.sqlite3``, the file the GUI
uses); reading commands open it without signing in.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hubdesk.cli.errors import NotLoggedIn, UsageError
from hubdesk.cli.output import Output

if TYPE_CHECKING:
    from hubdesk.api import HubClient
    from hubdesk.core.managed import ManagedConfig
    from hubdesk.core.session import Credentials, SessionManager
    from hubdesk.store.worker import DbWorker
    from hubdesk.sync.clock import ServerClock

__all__ = ["ENV_CREDENTIALS", "INTERACTIVE_WAIT", "Context", "Options"]

#: Seconds a command may spend in all waiting to retry (rate limits, Retry-After, backoff):
#: past it, it fails with exit 5 and a sentence saying when to try again.
INTERACTIVE_WAIT = 60.0


# --no-store on a command other than login signs in from these, for that command only.
ENV_CREDENTIALS = (
    "HUBDESK_CLIENT_ID",
    "HUBDESK_CLIENT_SECRET",
    "HUBDESK_USERNAME",
    "HUBDESK_PASSWORD",
)


@dataclass(frozen=True, slots=True)
class Options:
    """The global options."""

    base_url: str | None
    json: bool
    no_store: bool
    verbose: bool
    timeout: float | None = None  # seconds for one request, whole answer included


class Context:
    """Per-run state shared by the command handlers."""

    def __init__(self, options: Options, out: Output, stdin: TextIO) -> None:
        self.options = options
        self.out = out
        self.stdin = stdin
        self._manager: SessionManager | None = None
        self._base_url: str | None = None
        self._clock: ServerClock | None = None
        self._worker: DbWorker | None = None
        self._home: Path | None = None
        self._managed_config: ManagedConfig | None = None
        self._managed_read = False

    @property
    def home(self) -> Path:
        """The profile folder; when it stays readable by other users, one line on stderr
        says so (once per run)."""
        if self._home is None:
            from hubdesk.store.profile import open_home

            self._home, warning = open_home()
            if warning:
                self.out.note(f"Warning: {warning}")
        return self._home

    @property
    def base_url(self) -> str:
        """The validated base URL (``--base-url`` > env > managed.toml > profile >
        production)."""
        if self._base_url is None:
            self._base_url = self.manager.base_url(self.options.base_url)
        return self._base_url

    @property
    def clock(self) -> ServerClock:
        """The server's clock, read from every response's ``Date`` (the outbox and the
        backfill decide with it, never with the local clock)."""
        if self._clock is None:
            from hubdesk.sync.clock import ServerClock

            self._clock = ServerClock()
        return self._clock

    @property
    def manager(self) -> SessionManager:
        if self._manager is None:
            from hubdesk.api import RetryPolicy
            from hubdesk.core.session import SessionManager
            from hubdesk.store.secrets import KeyringVault, MemoryVault, SessionVault

            vault: SessionVault = MemoryVault() if self.options.no_store else KeyringVault()
            self._manager = SessionManager(
                self.home,
                vault,
                persist_profile=not self.options.no_store,
                on_wait=self.out.wait_notice,
                on_server_time=self.clock.observe,
                retry_policy=RetryPolicy(
                    max_retry_after=INTERACTIVE_WAIT, max_total_wait=INTERACTIVE_WAIT
                ),
                deadline=self.options.timeout,
                managed=self.managed,
            )
        return self._manager

    def managed(self) -> ManagedConfig | None:
        """The machine's managed configuration, read once per run when a command needs
        the server (never by the offline readers); ``ManagedConfigError`` says what is
        wrong with its file."""
        if not self._managed_read:
            from hubdesk.core.managed import load_managed

            self._managed_config = load_managed()
            self._managed_read = True
        return self._managed_config

    # --- the local store ---------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        from hubdesk.store.profile import database_path

        return database_path(self.home)

    def has_store(self) -> bool:
        """Whether the profile has a database yet (reading commands do not create one)."""
        return self.db_path.exists()

    async def store(self) -> DbWorker:
        """The profile's database (created and migrated when missing); a damaged file is
        moved aside and rebuilt, and the user is told where it went."""
        if self._worker is None:
            from hubdesk.core.errors import describe_recovery
            from hubdesk.store.worker import DbWorker

            self._worker = await DbWorker.open(self.db_path)
            if self._worker.recovery is not None:
                self.out.note(describe_recovery(self._worker.recovery))
        return self._worker

    async def client(self) -> HubClient:
        """The signed-in client: restored from the keyring, or (``--no-store``) signed
        in now from the ``HUBDESK_*`` credential variables."""
        manager = self.manager
        if manager.client is not None:
            return manager.client
        url = self.base_url
        if not self.options.no_store:
            from hubdesk.api import NotSignedIn

            try:
                return await manager.restore(url)
            except NotSignedIn as exc:
                raise NotLoggedIn(f"{exc} Run 'hubdesk-cli login' first") from None
        await manager.login(url, self.env_credentials())
        assert manager.client is not None
        return manager.client

    def env_credentials(self) -> Credentials:
        from hubdesk.core.session import Credentials

        values = {name: os.environ.get(name, "") for name in ENV_CREDENTIALS}
        if not values["HUBDESK_PASSWORD"] and self.stdin.isatty():
            values["HUBDESK_PASSWORD"] = self.ask_password(values["HUBDESK_USERNAME"])
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise NotLoggedIn(
                "--no-store keeps no session, so this command must sign in itself: set "
                + ", ".join(missing)
                + " in the environment"
            )
        return Credentials(
            client_id=values["HUBDESK_CLIENT_ID"],
            client_secret=values["HUBDESK_CLIENT_SECRET"],
            username=values["HUBDESK_USERNAME"],
            password=values["HUBDESK_PASSWORD"],
        )

    def ask_password(self, username: str) -> str:
        """Prompt on the terminal without echo."""
        return self.ask_secret(f"Password for {username or 'the account'}: ", "no password given")

    def ask_secret(self, prompt: str, missing: str) -> str:
        """Ask on the terminal without echo; ``missing`` is the error for no answer."""
        try:
            value = getpass.getpass(prompt)
        except EOFError:
            value = ""
        if not value:
            raise UsageError(missing)
        return value

    async def aclose(self) -> None:
        try:
            if self._manager is not None:
                await self._manager.aclose()
        finally:
            if self._worker is not None:
                await self._worker.close()
