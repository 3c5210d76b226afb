"""The composition root: ``hubdesk [--base-url URL] [--demo] [--minimized] [--version] [URI...]``.

Builds every object once (no singletons anywhere), wires their signals and runs one
qasync event loop. Quitting stops the sync loops, closes the HTTP client and the
database, then the loop.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hubdesk import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from hubdesk.sim import SimServer

__all__ = ["Options", "main", "parse_args"]

log = logging.getLogger("hubdesk")
DEMO_INBOUND_EVERY = 20.0
DEMO_POLL_INTERVAL = 5


@dataclass(frozen=True, slots=True)
class Options:
    base_url: str | None = None
    demo: bool = False
    minimized: bool = False
    uris: tuple[str, ...] = field(default=())
    verbose: bool = False


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="hubdesk",
        description="HubDesk: SMS messenger and click-to-dial for HubWork.",
        epilog="URI: tel:NUMBER opens a call confirmation; sms:NUMBER[?body=TEXT] a message.",
    )
    parser.add_argument("--base-url", metavar="URL", help="HubWork API base URL")
    parser.add_argument(
        "--demo", action="store_true", help="run against the built-in simulator, signed in"
    )
    parser.add_argument("--minimized", action="store_true", help="start in the system tray")
    parser.add_argument("--version", action="version", version=f"HubDesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (no secrets)")
    parser.add_argument("uris", nargs="*", metavar="URI", help="tel: or sms: links to open")
    ns = parser.parse_args(argv)
    return Options(ns.base_url, ns.demo, ns.minimized, tuple(ns.uris), ns.verbose)


def _home(options: Options) -> Path:
    from hubdesk.store.profile import home_dir

    if options.demo and not os.environ.get("HUBDESK_HOME"):
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubdesk`` GUI script."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not options.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    from PySide6.QtWidgets import QApplication

    import hubdesk.ui  # noqa: F401  (installs the PySide6 guard before any widget)
    from hubdesk.appshell import AppShell
    from hubdesk.ui.qtasync import close_event_loop, create_event_loop

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    loop = create_event_loop(app)
    sim = start_demo_server() if options.demo else None
    shell = AppShell(app, options, home=_home(options), sim=sim)
    _quit_on_signals(app, shell.quit)
    try:
        return loop.run_until_complete(shell.run())
    except KeyboardInterrupt:
        return 130
    finally:
        close_event_loop(loop)
        if sim is not None:
            sim.stop()


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
