"""The composition root: ``hubdesk [--base-url URL] [--demo] [--minimized] [--self-test]
[--version] [URI...]``.

Builds every object once (no singletons anywhere), wires their signals and runs one
qasync event loop (after a short local Qt loop for the first frame). Quitting stops the
sync loops, closes the HTTP client and the database, then the loop.

Start-up order, for the first frame (``bench/ui_bench.py`` measures it):

1. the arguments; ``--self-test`` and ``--version`` end here, without Qt;
2. the profile folder, computed once (demo mode makes a new temporary one per call);
3. ``ui.importscan.install()`` (PySide6's import hook without its source cache), then
   PySide6. The pages, dialogs, use cases, keyring and HTTP client load after the first
   paint (``tests/unit/test_startup_imports.py`` keeps it so);
4. the ``QApplication`` (``HubDeskApplication``: it reports macOS link-open events);
   one instance per profile (``SingleInstance.acquire``, a lock file): a second start
   hands its links to the first and exits 0 (1, with a sentence on stderr, when the
   first does not answer); links that arrive as events wait in a ``LinkQueue`` for the
   shell. No application-wide event filter runs at any time: Qt would call it for every
   event of every object;
5. the main window, filled from the cache, shown and painted
   (``firstpaint.show_first_frame``: a local ``QEventLoop``, Qt's events only, no
   asyncio yet); a quit asked for meanwhile ends start-up here;
6. after the first paint: asyncio and the qasync loop, the ``AppShell`` (adopting the
   window), the queued links, the hand-over socket (``SingleInstance.listen``); in the
   loop, the demo simulator (``--demo``), then ``AppShell.run``: the store worker
   (``quick_check``), the whole list, the session (keyring), the network, the tray.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hubdesk import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from hubdesk.app.firstpaint import FirstFrame
    from hubdesk.app.shell import AppShell
    from hubdesk.app.single_instance import SingleInstance
    from hubdesk.sim import SimServer

__all__ = ["LinkQueue", "Options", "main", "parse_args"]

log = logging.getLogger("hubdesk")
DEMO_INBOUND_EVERY = 20.0
HAND_OVER_TIMEOUT_S = 5.0
NOT_ANSWERING = (
    "HubDesk is already running for this profile but did not answer; close it (or end "
    "its process) and start HubDesk again."
)


@dataclass(frozen=True, slots=True)
class Options:
    base_url: str | None = None
    demo: bool = False
    minimized: bool = False
    uris: tuple[str, ...] = field(default=())
    verbose: bool = False
    self_test: bool = False


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="hubdesk",
        description="HubDesk: SMS messenger and click-to-dial for HubWork.",
        epilog="URI: tel:NUMBER opens a call confirmation; sms:NUMBER[?body=TEXT] a message. "
        "A second start hands its links to the HubDesk already running for the profile.",
    )
    parser.add_argument("--base-url", metavar="URL", help="HubWork API base URL")
    parser.add_argument(
        "--demo", action="store_true", help="run against the built-in simulator, signed in"
    )
    parser.add_argument("--minimized", action="store_true", help="start in the system tray")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end (simulator, store, window) and exit",
    )
    parser.add_argument("--version", action="version", version=f"HubDesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (no secrets)")
    parser.add_argument("uris", nargs="*", metavar="URI", help="tel: or sms: links to open")
    ns = parser.parse_args(argv)
    return Options(ns.base_url, ns.demo, ns.minimized, tuple(ns.uris), ns.verbose, ns.self_test)


def profile_home(options: Options) -> Path:
    """The profile folder; call once per process (demo mode makes a new one per call)."""
    from hubdesk.store.profile import home_dir

    if options.demo and not os.environ.get("HUBDESK_HOME"):
        import tempfile

        return Path(tempfile.mkdtemp(prefix="hubdesk-demo-"))
    return home_dir()


def start_demo_server() -> SimServer:
    """The simulator on loopback with seeded history and an inbound SMS every ~20 s."""
    from hubdesk.sim import SimConfig, SimServer

    config = SimConfig(inbound_every=DEMO_INBOUND_EVERY, demo_data=True)
    return SimServer(config=config).start()


def configure_application(app: QApplication) -> None:
    from PySide6.QtGui import QGuiApplication

    app.setApplicationName("HubDesk")
    app.setApplicationDisplayName("HubDesk")
    app.setOrganizationName("HubWork")
    app.setOrganizationDomain("thehubwork.com")
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("hubdesk")


def hand_over(instance: SingleInstance, uris: Sequence[str], err: TextIO) -> int:
    """This is a second start: give the links to the running HubDesk; 0 when it took them."""
    if instance.send_to_running(list(uris), timeout=HAND_OVER_TIMEOUT_S):
        log.info("handed %d link(s) to the HubDesk already running", len(uris))
        return 0
    print(NOT_ANSWERING, file=err, flush=True)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubdesk`` GUI script."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    if options.self_test:
        from hubdesk.app.selftest import run_self_test

        return run_self_test()
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not options.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    from hubdesk.store.profile import ProfileError

    try:
        home = profile_home(options)
    except ProfileError as exc:
        return cannot_start(f"{exc}. Set HUBDESK_HOME to a folder you can write to.")
    from hubdesk.app import importscan

    importscan.install()  # PySide6's import hook, minus its ~15 MB source cache
    from hubdesk.app.single_instance import SingleInstance

    app = application()
    configure_application(app)
    instance = SingleInstance(home, app)
    if not instance.acquire():
        return hand_over(instance, options.uris, sys.stderr)
    try:
        return _run_first_instance(app, options, home, instance)
    finally:
        instance.close()


def application() -> QApplication:
    """The process's QApplication: a ``HubDeskApplication`` made on first use (tests may
    have made a plain one, which reports no link-open events)."""
    from PySide6.QtWidgets import QApplication

    from hubdesk.app.urlevents import HubDeskApplication

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return HubDeskApplication(sys.argv[:1])


def cannot_start(message: str) -> int:
    """Say why HubDesk cannot start: on stderr, and in a dialog (started from a menu,
    nobody reads stderr) unless there is no screen to show it on. Exit status 1."""
    print(f"hubdesk: {message}", file=sys.stderr)
    no_display = not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
    if sys.platform.startswith("linux") and no_display:
        return 1  # Qt would abort without a display: stderr is all there is
    from PySide6.QtWidgets import QMessageBox

    if application().platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(None, "HubDesk cannot start", message)
    return 1


class LinkQueue:
    """Links that arrive before the shell exists, kept in order and handed to ``open``
    once it is given (macOS delivers the link that launched HubDesk as an early event,
    possibly during the first frame)."""

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._open: Callable[[str], None] | None = None

    def __call__(self, uri: str) -> None:
        if self._open is None:
            self._pending.append(uri)
        else:
            self._open(uri)

    def deliver_to(self, open_: Callable[[str], None]) -> None:
        self._open = open_
        pending, self._pending = self._pending, []
        for uri in pending:
            open_(uri)


def _run_first_instance(
    app: QApplication, options: Options, home: Path, instance: SingleInstance
) -> int:
    from hubdesk.app.firstpaint import show_first_frame
    from hubdesk.app.urlevents import HubDeskApplication

    queue = LinkQueue()
    links = app.uri_received if isinstance(app, HubDeskApplication) else None
    if links is not None:
        links.connect(queue)
    try:
        first = show_first_frame(app, home, minimized=options.minimized)
        if first.quit_requested:
            log.info("asked to quit during start-up")
            return 0
        return _run_shell_after(first, app, options, home, instance, queue)
    finally:
        if links is not None:
            links.disconnect(queue)


def _run_shell_after(
    first: FirstFrame,
    app: QApplication,
    options: Options,
    home: Path,
    instance: SingleInstance,
    links: LinkQueue,
) -> int:
    """Everything after the first paint: the log file, the asyncio loop and the shell."""
    from hubdesk.store.logfile import attach_log_file

    attach_log_file(home, logging.DEBUG if options.verbose else logging.INFO)
    from hubdesk.app.gcguard import GuiThreadCollector
    from hubdesk.app.shell import AppShell
    from hubdesk.ui.qt.async_slots import close_event_loop, create_event_loop

    collector = GuiThreadCollector(app)  # cyclic GC only on this (the GUI) thread
    collector.start()
    loop = create_event_loop(app)
    shell: AppShell | None = None
    try:
        shell = AppShell(app, options, home=home)
        shell.adopt(first)
        links.deliver_to(shell.open_link)
        instance.message_received.connect(shell.receive)
        instance.listen()
        _quit_on_signals(app, shell.quit)
        return loop.run_until_complete(_run_shell(shell, options))
    except KeyboardInterrupt:
        return 130
    finally:
        close_event_loop(loop)
        collector.stop()
        if shell is not None and shell.sim is not None:
            shell.sim.stop()


async def _run_shell(shell: AppShell, options: Options) -> int:
    if options.demo:
        shell.sim = start_demo_server()  # the web stack's imports wait for the first frame
    return await shell.run()


def _quit_on_signals(app: QApplication, quit_: Callable[[], None]) -> None:
    """SIGTERM / SIGINT quit cleanly; a timer lets Python run the handler while Qt waits."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _s, _f: quit_())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
