"""The signed-in side of the app: session, sync loops and the use cases bound to a client.

Part of the composition root (``app.py`` builds one). Long-lived pieces (store worker,
inbox, sync events, contacts, settings, sender IDs, server clock) are injected; the
pieces that hold a ``HubClient`` (poller, backfill, outbox sender, messenger, bulk
sender, dialer) are rebuilt on every sign-in, and their loops are started here and
stopped on sign-out or quit. The UI talks to this object through its public attributes
and coroutines only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from hubdesk.api import ApiError, HubClient
from hubdesk.core.batches import BulkSends
from hubdesk.core.bulk import BulkSender
from hubdesk.core.credentials import ClientCredentials, MissingClientCredentials
from hubdesk.core.dialer import Dialer
from hubdesk.core.errors import describe_error
from hubdesk.core.inbox import Inbox
from hubdesk.core.managed import ManagedConfig, ManagedConfigError, load_managed
from hubdesk.core.messenger import Messenger
from hubdesk.core.scheduling import Scheduler
from hubdesk.core.senders import SenderIds
from hubdesk.core.session import Credentials, SessionManager
from hubdesk.core.settings import SettingsStore
from hubdesk.store.profile import Profile
from hubdesk.store.secrets import MemoryVault, SessionVault
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.backfill import Backfill
from hubdesk.sync.clock import ServerClock
from hubdesk.sync.events import SyncEvents, SyncStatus, SyncStatusKind, SyncStatusSource
from hubdesk.sync.health import supervise
from hubdesk.sync.outbox import OutboxSender
from hubdesk.sync.poller import Poller
from hubdesk.sync.wake import watch_wake

__all__ = ["Runtime", "TransportFactory", "read_managed"]

log = logging.getLogger(__name__)
TransportFactory = Callable[[], httpx.AsyncBaseTransport | None]


class Runtime:
    """Owns the session and everything that needs the signed-in client."""

    def __init__(
        self,
        *,
        home: Path,
        vault: SessionVault,
        worker: DbWorker,
        events: SyncEvents,
        inbox: Inbox,
        settings: SettingsStore,
        sender_ids: SenderIds,
        base_url: str | None = None,
        persist: bool = True,
        transport: TransportFactory = lambda: None,
        outbox_interval: float = 10.0,
        managed: Callable[[], ManagedConfig | None] = load_managed,
    ) -> None:
        self.home = home
        self.vault = vault
        self.worker = worker
        self.events = events
        self.inbox = inbox
        self.settings = settings
        self.sender_ids = sender_ids
        self.explicit_base_url = base_url
        self.persist = persist
        self.clock = ServerClock()
        self._transport = transport
        self._outbox_interval = outbox_interval
        self._managed = managed
        self.session = self._manager(vault, persist)
        self.poller: Poller | None = None
        self.backfill: Backfill | None = None
        self.outbox: OutboxSender | None = None
        self.messenger: Messenger | None = None
        self.bulk: BulkSender | None = None
        self.bulk_sends: BulkSends | None = None  # personalised and split bulk sends
        self.scheduler: Scheduler | None = None  # messages sent later
        self.dialer: Dialer | None = None
        self._stop: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # --- state ---------------------------------------------------------------------
    @property
    def client(self) -> HubClient | None:
        return self.session.client

    @property
    def signed_in(self) -> bool:
        return self.session.client is not None

    @property
    def profile(self) -> Profile | None:
        return self.session.profile

    def base_url(self) -> str:
        """``--base-url`` > ``HUBDESK_API_URL`` > saved profile > production (validated)."""
        return self.session.base_url(self.explicit_base_url)

    # --- signing in ----------------------------------------------------------------
    async def restore(self) -> bool:
        """Start signed in from the saved session (shared with hubdesk-cli), if any.

        Raises ``VaultUnavailable`` when the keyring cannot be read; False when there is
        no saved session for the server.
        """
        from hubdesk.api import NotSignedIn

        profile = self.session.saved_profile()
        if profile is None:
            return False
        try:
            client = await self.session.restore(self.base_url())
        except NotSignedIn:
            return False
        await self._start(client)
        return True

    async def sign_in(self, base_url: str, credentials: Credentials, keep: bool) -> Profile:
        """Password grant; ``keep=False`` holds the session in memory only."""
        await self.stop_sync()
        manager = self._manager(self.vault if keep else MemoryVault(), keep and self.persist)
        try:
            profile = await manager.login(base_url, credentials)
        except BaseException:
            await manager.aclose()
            raise
        old, self.session = self.session, manager
        if old is not manager:
            await old.aclose()
        assert manager.client is not None
        await self._start(manager.client)
        return profile

    def managed_config(self) -> ManagedConfig | None:
        """The machine's ``managed.toml`` (None: none); raises ``ManagedConfigError``."""
        return self.session.managed_config()

    async def known_client(self, base_url: str) -> ClientCredentials | None:
        """The client ID and secret this computer would sign in with (the managed file,
        the environment, the profile's last sign-in), so the dialog need not ask."""
        return await self.session.client_credentials(base_url)

    async def sign_in_password(
        self, base_url: str, username: str, password: str, keep: bool
    ) -> Profile:
        """Sign in with a username and password only: the client from ``known_client``
        (a managed secret is never copied to the keyring). Raises
        ``MissingClientCredentials`` when this computer knows none."""
        chosen = await self.known_client(base_url)
        if chosen is None or chosen.client_secret is None:
            raise MissingClientCredentials(
                "No client ID and secret are set up on this computer: type them in, or "
                "ask whoever installed HubDesk."
            )
        credentials = Credentials(
            chosen.client_id,
            chosen.client_secret,
            username,
            password,
            from_managed=chosen.source == "managed",
        )
        return await self.sign_in(base_url, credentials, keep)

    async def sign_out(self) -> None:
        await self.stop_sync()
        await self.session.logout()

    # --- sync loops ----------------------------------------------------------------
    async def _start(self, client: HubClient) -> None:
        await self.stop_sync()
        settings = self.settings.current
        self.sender_ids.use_client(client)
        self.poller = Poller(
            client, self.worker, events=self.events, interval=float(settings.poll_interval)
        )
        self.backfill = Backfill(client, self.worker, events=self.events, server_clock=self.clock)
        self.outbox = OutboxSender(client, self.worker, server_clock=self.clock, events=self.events)
        self.messenger = Messenger(
            self.worker,
            self.outbox,
            self.sender_ids,
            lambda: self.settings.current.default_sender_id,
        )
        self.bulk = BulkSender(self.worker, self.outbox, self.sender_ids)
        self.bulk_sends = BulkSends(self.worker, self.outbox, self.sender_ids)
        self.scheduler = Scheduler(self.worker, self.outbox)
        self.dialer = Dialer(client, self.worker)
        stop = self._stop = asyncio.Event()
        outbox_every = min(self._outbox_interval, float(settings.poll_interval))
        poller, outbox, report = self.poller, self.outbox, self.events.sync_state.emit
        for source in SyncStatusSource:  # fresh loops: nothing known, no problem yet
            await report(SyncStatus(SyncStatusKind.CONNECTING, source=source))
        loops = {
            SyncStatusSource.POLLER: lambda: poller.run(stop),
            # Due scheduled messages: checked at least every poll (and on time: next_due).
            SyncStatusSource.OUTBOX: lambda: outbox.run(stop, interval=outbox_every),
            SyncStatusSource.BACKFILL: lambda: self._first_backfill(stop),
        }
        # Each loop survives anything itself (sync.health); supervise() restarts one that
        # ends on an exception all the same, so no loop ever dies quietly.
        self._tasks = [
            asyncio.create_task(
                supervise(loop, stop, source=source, report=report), name=f"hubdesk-{source.value}"
            )
            for source, loop in loops.items()
        ]
        self._tasks.append(asyncio.create_task(self._refresh_senders(), name="hubdesk-senders"))
        # After a sleep: poll, and send the scheduled messages that came due meanwhile.
        self._tasks.append(asyncio.create_task(watch_wake(stop, self.wake), name="hubdesk-wake"))

    async def _refresh_senders(self) -> None:
        try:
            await self.sender_ids.refresh()
        except ApiError as exc:  # offline start: the cached list stays
            log.info("sender IDs not refreshed: %s", exc)
        except Exception:
            log.exception("sender IDs not refreshed: an internal error")

    async def _first_backfill(self, stop: asyncio.Event) -> None:
        """The history download, retried until it finishes (``Backfill.keep_running``)."""
        while self.clock.now() is None and not stop.is_set():
            await asyncio.sleep(0.2)  # the backfill starts from the server's clock
        backfill = self.backfill
        if backfill is not None and not stop.is_set():
            depth = timedelta(days=self.settings.current.backfill_days)
            await backfill.keep_running(depth, stop)

    async def fetch_older(self, partner: str, before: datetime | None) -> int:
        """The store ran out of ``partner``'s history: fetch one page each way (received
        from and sent to them) older than ``before``, store it, and return how many
        messages were new. Raises ``ApiError``; 0 when signed out."""
        client = self.client
        if client is None:
            return 0
        pages = await asyncio.gather(
            client.list_sms(sender=partner, sent_until=before),
            client.list_sms(receiver=partner, sent_until=before),
        )
        rows = [m for page in pages for m in page.items if m.partner == partner]
        if not rows:
            return 0
        applied = await self.worker.run(lambda db: storeops.apply_messages(db, rows))
        if applied.upsert.partners:
            await self.events.messages_changed.emit(applied.upsert.partners)
        return len(applied.upsert.new_ids)

    def poke(self) -> None:
        """Poll now (window focused, user asked)."""
        if self.poller is not None:
            self.poller.poke()

    def wake(self) -> None:
        """The computer woke from sleep (or the network came back): poll, and flush the
        outbox at once, scheduled messages that came due meanwhile included (those
        more than an hour late become overdue and wait for the user)."""
        self.poke()
        if self.outbox is not None:
            self.outbox.poke()

    async def stop_sync(self) -> None:
        """Stop every loop (waiting briefly for them); keeps the session."""
        if self._stop is not None:
            self._stop.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            if not task.done():
                task.cancel()
        if tasks:
            with contextlib.suppress(Exception):
                await asyncio.wait(tasks, timeout=3.0)
        self._stop = None

    async def aclose(self) -> None:
        """Quit: stop the loops and close the HTTP client (the session stays stored)."""
        await self.stop_sync()
        await self.session.aclose()

    # --- internals -----------------------------------------------------------------
    def _manager(self, vault: SessionVault, persist: bool) -> SessionManager:
        return SessionManager(
            self.home,
            vault,
            persist_profile=persist,
            transport=self._transport(),  # None: the network, with its proxies
            on_server_time=self.clock.observe,
            managed=self._managed,
        )


def read_managed() -> tuple[ManagedConfig | None, str | None]:
    """The machine's ``managed.toml`` (for the settings it locks), or the sentence saying
    why it cannot be used: then nothing of it is used, and nothing else stops."""
    try:
        return load_managed(), None
    except ManagedConfigError as exc:
        log.warning("%s", exc)
        return None, describe_error(exc)
