"""The running application: builds the store, core, runtime and window, wires them, and
shuts everything down in order on quit. ``app.main`` makes one and runs :meth:`run`.

Start-up paints first: ``app.main`` shows the main window from the cache and lets it
paint (:func:`hubdesk.app.firstpaint.show_first_frame`) before this module, asyncio and
qasync are even imported, and hands it over (:meth:`AppShell.adopt`). :meth:`run` then
does everything else: the store worker (with ``PRAGMA quick_check``), the whole
conversation list, the session (keyring), the sync loops, the tray. Links
(``tel:``/``sms:``) that arrive meanwhile, from the command line, another start or
macOS, are queued and opened once start-up has finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from hubdesk.app.links import link_for_log
from hubdesk.store.profile import DATABASE_FILE, database_path
from hubdesk.ui.qt.async_slots import cancel_all, spawn
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.theme import apply_theme
from hubdesk.ui.shell.window import MainWindow

if TYPE_CHECKING:
    from hubdesk.app.firstpaint import FirstFrame
    from hubdesk.app.runtime import Runtime, TransportFactory
    from hubdesk.core.contacts import ContactBook
    from hubdesk.core.notify import NotificationPolicy
    from hubdesk.domain import Sms
    from hubdesk.sim import SimServer
    from hubdesk.store.secrets import SessionVault
    from hubdesk.store.worker import DbWorker
    from hubdesk.sync.events import SyncEvents
    from hubdesk.ui.scheduled.controller import ScheduledController
    from hubdesk.ui.shell.controller import MainController
    from hubdesk.ui.shell.intents import Intents
    from hubdesk.ui.shell.notifications import Notifier
    from hubdesk.ui.shell.notify_actions import NotificationActions
    from hubdesk.ui.shell.tray import TrayIcon
    from hubdesk.ui.templates.controller import TemplatesController

log = logging.getLogger(__name__)
DB_FILE = DATABASE_FILE  # kept for older imports; the path is store.profile.database_path


class ShellOptions(Protocol):
    @property
    def base_url(self) -> str | None: ...
    @property
    def demo(self) -> bool: ...
    @property
    def minimized(self) -> bool: ...
    @property
    def uris(self) -> tuple[str, ...]: ...


class AppShell:
    """Everything the GUI process holds, built once, closed once."""

    def __init__(
        self,
        app: QApplication,
        options: ShellOptions,
        *,
        home: Path,
        sim: SimServer | None = None,
        vault: SessionVault | None = None,
        transport: TransportFactory | None = None,
        use_tray: bool = True,
        use_bus: bool | None = None,
        bus_address: str | None = None,
        tray_available: Callable[[], bool] | None = None,
    ) -> None:
        self.app = app
        self.options = options
        self.home = home
        self.sim = sim
        self._vault = vault
        self.vault: SessionVault | None = vault  # made in start() when not given (keyring)
        self._transport = transport
        self._use_tray = use_tray
        # Whether the desktop offers a tray (None: ask Qt, TrayIcon.available()); a
        # desktop without one is GNOME without the AppIndicator extension.
        self._tray_available = tray_available
        self._use_bus = use_bus
        self._bus_address = bus_address  # the notification server's bus (tests); session
        self._quit = asyncio.Event()
        self._links: list[str] = list(options.uris)
        self.started = asyncio.Event()
        self._closing = False  # shutdown began: nothing new is opened
        self.worker: DbWorker | None = None
        self.runtime: Runtime | None = None
        self.icons: IconSet | None = None
        self.window: MainWindow | None = None
        self.controller: MainController | None = None
        self.intents: Intents | None = None
        self.scheduled: ScheduledController | None = None  # scheduled and overdue messages
        self.tray: TrayIcon | None = None
        self.notifier: Notifier | None = None
        self.notify_actions: NotificationActions | None = None
        self.policy: NotificationPolicy | None = None
        self.templates: TemplatesController | None = None

    # --- the first frame --------------------------------------------------------------
    def adopt(self, frame: FirstFrame) -> None:
        """Take over the window (and icons) that ``app.main`` showed and painted with
        :func:`hubdesk.app.firstpaint.show_first_frame`; :meth:`start` wires it. Without one
        (started hidden, or a shell built by tests) :meth:`start` builds the window."""
        if frame.window is not None:
            self.window, self.icons = frame.window, frame.icons

    # --- life cycle -----------------------------------------------------------------
    async def run(self) -> int:
        try:
            await self.start()
        except Exception as exc:
            from hubdesk.core.errors import describe_error

            log.exception("start-up failed")
            QMessageBox.critical(None, "HubDesk cannot start", describe_error(exc))
            await self.shutdown()
            return 1
        await self._quit.wait()
        await self.shutdown()
        return 0

    def quit(self) -> None:
        self._quit.set()

    async def start(self) -> None:
        from hubdesk.app.runtime import Runtime, read_managed
        from hubdesk.core.contacts import ContactBook
        from hubdesk.core.errors import describe_recovery
        from hubdesk.core.inbox import Inbox
        from hubdesk.core.notify import NotificationPolicy
        from hubdesk.core.senders import SenderIds
        from hubdesk.core.settings import SettingsStore
        from hubdesk.store.secrets import KeyringVault, MemoryVault
        from hubdesk.store.worker import DbWorker
        from hubdesk.sync.events import SyncEvents
        from hubdesk.ui.scheduled.controller import ScheduledController
        from hubdesk.ui.shell.controller import MainController
        from hubdesk.ui.shell.intents import Intents

        self.policy = NotificationPolicy()
        if self.vault is None:
            self.vault = MemoryVault() if self.options.demo else KeyringVault()
        self.worker = worker = await DbWorker.open(database_path(self.home))
        managed, managed_problem = read_managed()
        settings = SettingsStore(worker, managed=managed)
        current = await settings.load()
        fixed = _env_poll() or settings.is_locked("poll_interval")
        if self.options.demo and settings.current.poll_interval > 5 and not fixed:
            current = await settings.update(poll_interval=5)
        apply_theme(self.app, current.theme)
        events = SyncEvents()
        inbox = Inbox(worker, events)
        contacts = ContactBook(worker)
        if self.sim is not None:
            from hubdesk.app.demo import fill_demo_address_book, settle_demo_default_sender

            await fill_demo_address_book(contacts, self.sim.state.demo_contacts())
            await settle_demo_default_sender(settings, worker, self.sim.state.sender_ids())
        sender_ids = SenderIds(None, worker)
        self.runtime = runtime = Runtime(
            home=self.home,
            vault=self.vault,
            worker=worker,
            events=events,
            inbox=inbox,
            settings=settings,
            sender_ids=sender_ids,
            base_url=self.sim.base_url if self.sim is not None else self.options.base_url,
            persist=not self.options.demo,
            transport=self._transport or (lambda: None),
        )
        icons = self.icons = self.icons or IconSet()
        # Quitting is ours (window close without a tray, Ctrl+Q, tray menu, signals): Qt
        # must not stop the loop under us when the window hides.
        self.app.setQuitOnLastWindowClosed(False)
        self.window = window = self.window or MainWindow(icons)
        self.controller = controller = MainController(window, runtime, contacts)
        self.intents = Intents(window, controller, runtime, contacts)
        self._build_templates(worker, contacts)
        self.scheduled = ScheduledController(window, runtime, contacts)
        self._build_tray(icons)
        self._wire(events)
        window.quit_requested.connect(self.quit)
        recovered = describe_recovery(worker.recovery) if worker.recovery is not None else None
        problems = [p for p in (recovered, managed_problem) if p]  # the history stays readable
        if problems:
            window.show_toast(" ".join(problems), error=True)
        for warning in settings.warnings:
            log.warning("%s", warning)
        await controller.start()
        hidden = self.options.minimized or current.start_minimized
        if self.tray is None or not hidden:
            window.show()
        elif window.isVisible():  # shown from the cache, but a tray now holds the app
            window.hide()
        await self._sign_in()
        controller.sign_in.signed_in.connect(lambda _p: self._resume_work())
        self._resume_work()
        if self.tray is None and self._use_tray:
            spawn(self._note_no_tray(), name="no-tray-note")
        self.started.set()
        log.info("HubDesk is ready (profile %s)", self.home)
        links, self._links = self._links, []
        self._open_links(links)

    # --- links and other starts ---------------------------------------------------------
    def open_link(self, uri: str) -> None:
        """A ``tel:``/``sms:`` link (argv, another start, macOS): opened once started."""
        self.open_links([uri])

    def open_links(self, uris: Iterable[str]) -> None:
        wanted = [u for u in uris if u]
        if self._closing:  # quitting: the database is closing
            return
        if not self.started.is_set():
            self._links.extend(wanted)
            return
        self._open_links(wanted)

    def receive(self, args: list[str]) -> None:
        """Another ``hubdesk`` start handed over its arguments: come forward, open links.

        The arguments are data (``SingleInstance`` checked their shape): only what looks
        like a link is passed on, to ``Intents.open_uri``, which parses it strictly.
        """
        links = [a for a in args if isinstance(a, str) and ":" in a and not a.startswith("-")]
        log.info("another start handed over %d link(s)", len(links))
        if self.started.is_set():
            self.show_window()
        self.open_links(links)

    def _open_links(self, uris: list[str]) -> None:
        if self.intents is None:
            return
        for uri in uris:
            log.info("%s", link_for_log(uri))
            self.show_window()
            self.intents.open_uri(uri)

    async def _sign_in(self) -> None:
        from hubdesk.core.errors import describe_error
        from hubdesk.core.session import Credentials

        runtime, controller = self.runtime, self.controller
        assert runtime is not None and controller is not None
        if self.sim is not None:
            cfg = self.sim.state.config
            credentials = Credentials(cfg.client_id, cfg.client_secret, cfg.username, cfg.password)
            await runtime.sign_in(self.sim.base_url, credentials, keep=False)
            controller.refresh_senders()
            return
        try:
            restored = await runtime.restore()
        except Exception as exc:  # keyring unavailable, unreadable profile, bad URL
            controller.sign_in.open(describe_error(exc))
            return
        if not restored:
            controller.sign_in.open()

    def _resume_work(self) -> None:
        """Signed in: a bulk send that was going when the app stopped shows its progress;
        overdue scheduled messages are asked about."""
        if self.intents is not None:
            spawn(self.intents.bulk.resume_unfinished(), name="bulk-resume")
        if self.scheduled is not None:
            self.scheduled.check_overdue()

    async def shutdown(self) -> None:
        """Save the drafts; stop what could start new work on the database (the window,
        its timers, the tray, notifications, links); stop the sync loops and the HTTP
        client; cancel what is left; close the database."""
        self._closing = True
        if self.controller is not None:
            try:
                await self.controller.drain_drafts()
            except Exception:
                log.exception("draft not saved on quit")
        if self.window is not None:
            # The window's timers start work on the database (the Scheduled list's refresh
            # and overdue check, bulk progress), and so do its clicks (opening a
            # conversation): one while the database closes would fail with WorkerClosed.
            for timer in self.window.findChildren(QTimer):
                timer.stop()
            self.window.hide_on_close = False
            self.window.hide()
        if self.notifier is not None:  # a notification's click opens a conversation
            self.notifier.shutdown()
        if self.tray is not None:  # so do the tray's menu and its message
            self.tray.dispose()
        if self.runtime is not None:
            await self.runtime.aclose()
            self.runtime.inbox.close()
        await cancel_all(timeout=2.0)
        if self.worker is not None:
            await self.worker.close()
        if self.window is not None:
            self.window.deleteLater()

    # --- wiring ---------------------------------------------------------------------
    def _wire(self, events: SyncEvents) -> None:
        """The sync state and backfill in the status bar (``app.status``); popups."""
        from hubdesk.app.status import show_sync_events

        assert self.controller is not None
        show_sync_events(events, self.controller)
        events.new_inbound.connect(self._on_new_inbound)

    async def _on_new_inbound(self, messages: list[Sms]) -> None:
        runtime, intents, policy = self.runtime, self.intents, self.policy
        if runtime is None or intents is None or self.notifier is None or policy is None:
            return
        names = await intents.contacts.names()
        notices = policy.decide(messages, names, runtime.settings.current, datetime.now())
        for notice in notices:
            self.notifier.show(notice)

    def _build_templates(self, worker: DbWorker, contacts: ContactBook) -> None:
        """The Templates page, the Ctrl+T popup (compose, Bulk send, New message) and the compose
        preview's recipient (``ui.templates.controller``)."""
        from hubdesk.core.templates import TemplateBook
        from hubdesk.ui.templates.controller import TemplatesController

        assert self.window is not None and self.controller is not None
        assert self.intents is not None
        templates = TemplatesController(self.window, TemplateBook(worker), contacts)
        self.controller.partner_opened.connect(templates.show_partner)
        for opened in (self.intents.bulk.dialog_opened, self.intents.new_message_opened):
            opened.connect(lambda dialog: templates.attach(dialog.templates_requested, dialog))
        self.templates = templates

    def _build_tray(self, icons: IconSet) -> None:
        """The tray when wanted and the desktop has one (``app.tray``); notifications."""
        window, intents = self.window, self.intents
        assert window is not None and intents is not None
        try:
            from hubdesk.app.tray import wire_tray
            from hubdesk.ui.shell.notifications import Notifier
            from hubdesk.ui.shell.notify_actions import NotificationActions
            from hubdesk.ui.shell.tray import TrayIcon
        except ImportError:  # pragma: no cover - a build without the tray modules
            return
        available = self._tray_available or TrayIcon.available
        if self._use_tray and available():
            tray = self.tray = TrayIcon(icons, self.app)
            dnd = self.runtime.settings.current.do_not_disturb if self.runtime else False
            assert self.controller is not None
            wire_tray(tray, self, window, self.controller, intents, dnd=dnd)
        tray_icon = self.tray.system_tray_icon if self.tray is not None else None
        self.notifier = Notifier(
            tray_icon, use_bus=self._use_bus, bus_address=self._bus_address, parent=self.app
        )
        assert self.controller is not None
        self.notify_actions = NotificationActions(
            self.notifier, self.controller, self.show_window, parent=self.app
        )

    def show_window(self) -> None:
        window = self.window
        if window is None or self._closing:
            return
        window.show()
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.raise_()
        window.activateWindow()
        if self.runtime is not None:
            self.runtime.poke()

    def new_message(self) -> None:
        self.show_window()
        if self.intents is not None and not self._closing:
            self.intents.new_message()

    def open_partner(self, partner: str) -> None:
        """A notification was clicked: its conversation, ready for the reply."""
        self.show_window()
        if self.controller is not None and not self._closing:
            self.controller.text_number(partner)

    async def _note_no_tray(self) -> None:
        from hubdesk.app.tray import note_no_tray

        if self.worker is not None and self.window is not None:
            await note_no_tray(self.worker, self.window)


def _env_poll() -> bool:
    import os

    return bool(os.environ.get("HUBDESK_POLL_INTERVAL", "").strip())
