"""``hubdesk --self-test``: prove that this installation (or bundle) works, end to end.

Runs, in one process and without touching the user's profile or server:

1. ``qt``: a QApplication (on Linux ``QT_QPA_PLATFORM=offscreen`` unless a platform is
   set; on Windows and macOS the native one, which the tray and notifications need);
2. ``simulator``: the built-in HubWork simulator on loopback (``SimServer``);
3. ``login``: a password-grant login (``SessionManager`` with a ``MemoryVault`` and a
   temporary ``HUBDESK_HOME``);
4. ``sync``: one poll into a fresh SQLite store;
5. ``send``: one message through the outbox, checked to be exactly one
   ``POST /sms/send`` on the simulator;
6. ``receive``: an inbound SMS injected in the simulator, polled, stored and announced
   as new inbound;
7. ``window``: the main window (``hubdesk.ui.shell.window``), filled from the store and
   painted (``grab()`` not null, not one flat colour);
8. ``keyring``: the keyring backend this installation would use (not the ``fail``
   backend: no backend means no way to stay signed in); on Windows (Credential Locker)
   and macOS (Keychain) a throwaway item written, read back and deleted;
9. ``tray``: HubDesk's tray icon shown;
10. ``notification``: a notification through HubDesk's notifier, and its click path;
11. ``url-schemes``: how ``tel:``/``sms:`` links reach this copy, as far as the OS lets
    a program see it (registry, Info.plist and LaunchServices, xdg-mime).

Steps 8-11 are in ``hubdesk.app.selftest_desktop``, which says what each OS allows. A step
this system does not let a program check prints ``skipped: <step> (<why>)``; the
others print ``ok: <step> (<detail>)``. The run ends with ``self-test passed (N steps,
M skipped)`` and exit 0, or ``FAILED at <step>: <reason>`` and exit 1.

Options: ``--strict``: a skipped step fails the run (CI, once the bundle is registered
as the installer would); ``--report FILE``: the same lines written to FILE too (a
Windows GUI executable has no console to print to). ``python -m hubdesk.app.selftest`` is
the same as ``hubdesk --self-test``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# Defined with the desktop checks, which raise them too: one class whether this module
# runs as hubdesk.app.selftest or as __main__ (python -m hubdesk.app.selftest).
from hubdesk.app.selftest_desktop import SelfTestFailed, StepSkipped

if TYPE_CHECKING:
    from hubdesk.domain import Conversation, ThreadEntry
    from hubdesk.sim import SimServer

__all__ = ["STEPS", "SelfTestFailed", "main", "run_self_test"]

STEPS = (
    "qt",
    "simulator",
    "login",
    "sync",
    "send",
    "receive",
    "window",
    "keyring",
    "tray",
    "notification",
    "url-schemes",
)

SENDER = "447520602706"  # the simulator's approved main sender id
SEND_TO = "447400123456"
SEND_TEXT = "HubDesk self-test: outbound"
INBOUND_FROM = "447400654321"
INBOUND_TEXT = "HubDesk self-test: inbound"


@dataclass
class _Report:
    outs: list[TextIO]
    strict: bool = False
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        for out in self.outs:
            print(text, file=out, flush=True)

    def ok(self, step: str, detail: str = "") -> None:
        self.passed.append(step)
        self.line(f"ok: {step}" + (f" ({detail})" if detail else ""))

    def skip(self, step: str, why: str) -> None:
        if self.strict:
            raise SelfTestFailed(f"skipped, and --strict was given: {why}")
        self.skipped.append(step)
        self.line(f"skipped: {step} ({why})")

    def run(self, step: _Step, name: str, check: Callable[[], str]) -> None:
        """``check()``'s detail as ``ok``, or ``skipped`` when it raises StepSkipped."""
        with step(name):
            try:
                detail = check()
            except StepSkipped as why:
                self.skip(name, str(why))
            else:
                self.ok(name, detail)


class _Step:
    """``with step("name"):`` names the step any exception inside belongs to."""

    def __init__(self) -> None:
        self.current = "start"

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.current = name
        yield


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _check(condition: bool, reason: str) -> None:
    if not condition:
        raise SelfTestFailed(reason)


def run_self_test(
    out: TextIO | None = None, *, strict: bool = False, report_file: Path | None = None
) -> int:
    """Run every step, report on ``out`` (default stdout) and ``report_file``; 0 when
    all passed (skipped steps allowed unless ``strict``), else 1 (2: no report file)."""
    outs = [out if out is not None else sys.stdout]
    with contextlib.ExitStack() as files:
        if report_file is not None:
            try:
                outs.append(files.enter_context(report_file.open("w", encoding="utf-8")))
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                print(f"cannot write the report {report_file}: {reason}", file=sys.stderr)
                return 2
        report = _Report([o for o in outs if o is not None], strict=strict)
        return _run_reported(report)


def _run_reported(report: _Report) -> int:
    step = _Step()
    try:
        # ignore_cleanup_errors: on Windows a file still open (a log, SQLite's WAL) would
        # otherwise turn a passed run into a failure while deleting the folder.
        with tempfile.TemporaryDirectory(
            prefix="hubdesk-selftest-", ignore_cleanup_errors=True
        ) as tmp:
            with _environment(HUBDESK_HOME=str(Path(tmp) / "profile")):
                _run(Path(tmp) / "profile", report, step)
    except SelfTestFailed as exc:
        report.line(f"FAILED at {step.current}: {exc}")
        return 1
    except Exception as exc:
        report.line(f"FAILED at {step.current}: {type(exc).__name__}: {exc}")
        if os.environ.get("HUBDESK_SELFTEST_TRACEBACK"):
            report.line(traceback.format_exc())
        return 1
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    report.line(f"self-test passed ({len(report.passed)} steps{skipped})")
    return 0


def _run(home: Path, report: _Report, step: _Step) -> None:
    with step("qt"):
        if sys.platform.startswith("linux"):  # no display needed; Windows/macOS: native
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from hubdesk.ui.qt.async_slots import close_event_loop, create_event_loop

        existing = QApplication.instance()
        app = existing if isinstance(existing, QApplication) else None
        if app is None:
            _check(existing is None, "another kind of Qt application is running")
            app = QApplication([sys.argv[0] if sys.argv else "hubdesk"])
        loop = create_event_loop(app)
        report.ok("qt", f"platform {QApplication.platformName()}")
    try:
        from hubdesk.sim import SimConfig, SimServer

        with step("simulator"):
            server = SimServer(config=SimConfig(delivery_delay=0, demo_data=True))
            server.start()
        try:
            report.ok("simulator", server.base_url)
            shown = loop.run_until_complete(_exercise(server, home, report, step))
        finally:
            server.stop()
        # Painted outside the coroutine: processEvents() inside a qasync task would run
        # the loop's callbacks re-entrantly.
        with step("window"):
            report.ok("window", _paint(*shown))
    finally:
        close_event_loop(loop)
    _desktop(report, step)


def _desktop(report: _Report, step: _Step) -> None:
    """keyring, tray, notification, url-schemes (``hubdesk.app.selftest_desktop``)."""
    from hubdesk.app.selftest_desktop import (
        check_keyring,
        check_notification,
        check_tray,
        check_url_schemes,
    )

    report.run(step, "keyring", check_keyring)
    tray = None
    with step("tray"):
        try:
            tray, detail = check_tray()
        except StepSkipped as why:
            report.skip("tray", str(why))
        else:
            report.ok("tray", detail)
    try:
        report.run(step, "notification", lambda: check_notification(tray))
    finally:
        if tray is not None:
            tray.dispose()
            tray.deleteLater()
    report.run(step, "url-schemes", check_url_schemes)


async def _exercise(
    server: SimServer, home: Path, report: _Report, step: _Step
) -> tuple[list[Conversation], list[ThreadEntry]]:
    """login, sync, send, receive; returns the stored conversations and inbound thread."""
    import httpx

    from hubdesk.core.session import Credentials, SessionManager
    from hubdesk.domain import OutboxState, Sms
    from hubdesk.store.secrets import MemoryVault
    from hubdesk.store.worker import DbWorker
    from hubdesk.sync.clock import ServerClock
    from hubdesk.sync.outbox import OutboxSender
    from hubdesk.sync.poller import Poller

    config = server.state.config
    clock = ServerClock()
    with step("login"):
        sessions = SessionManager(
            home,
            MemoryVault(),
            persist_profile=False,
            on_server_time=clock.observe,
            # The simulator is on this machine: straight to it, whatever proxy is set.
            transport=httpx.AsyncHTTPTransport(),
            timeout=httpx.Timeout(10.0),
            max_retries=0,
        )
        profile = await sessions.login(
            server.base_url,
            Credentials(config.client_id, config.client_secret, config.username, config.password),
        )
        client = sessions.client
        _check(client is not None, "no client after login")
        assert client is not None
        report.ok("login", f"{profile.username} as {profile.user_name}")
    worker = None
    try:
        with step("sync"):
            worker = await DbWorker.open(home / "selftest.sqlite3")
            announced: list[Sms] = []
            poller = Poller(client, worker)
            poller.events.new_inbound.connect(announced.extend)
            first = await poller.poll_once()
            stored = await worker.run(lambda db: db.messages.count())
            _check(stored > 0, "the first poll stored no message")
            report.ok("sync", f"{stored} messages stored in {first.requests} request(s)")

        with step("send"):
            sender = OutboxSender(client, worker, server_clock=clock)
            posts_before = _sends(server)
            result = await sender.submit(SENDER, SEND_TO, SEND_TEXT)
            item = result.item
            _check(item is not None, "the outbox did not take the message")
            assert item is not None
            flushed = await sender.settle(timeout=20, retry_every=0.5)
            posts = _sends(server) - posts_before
            _check(posts == 1, f"expected exactly one POST /sms/send, the simulator saw {posts}")
            row = await worker.run(lambda db: db.outbox.get(item.id))
            state = None if row is None else row.state
            _check(state is OutboxState.SENT, f"outbox row is {state}, not sent ({flushed})")
            on_server = [m for m in server.state.messages() if m.get("text") == SEND_TEXT]
            _check(len(on_server) == 1, f"{len(on_server)} copies of the message on the server")
            report.ok("send", f"sms_id {on_server[0].get('sms_id')}, one POST /sms/send")

        with step("receive"):
            sms_id = server.state.inject_inbound(INBOUND_FROM, INBOUND_TEXT)
            announced.clear()
            await poller.poll_once()
            got = [m for m in announced if m.sms_id == sms_id]
            _check(len(got) == 1, f"inbound {sms_id} was announced {len(got)} times, not once")
            _check(got[0].text == INBOUND_TEXT, f"inbound text arrived as {got[0].text!r}")
            kept = await worker.run(lambda db: db.messages.get(sms_id))
            _check(kept is not None, f"inbound {sms_id} was announced but not stored")
            report.ok("receive", f"sms_id {sms_id} stored and announced")

        with step("window"):
            conversations = await worker.run(lambda db: db.messages.conversations())
            thread = await worker.run(lambda db: db.messages.thread(INBOUND_FROM))
            _check(bool(conversations), "the store lists no conversation")
            _check(bool(thread), f"the store has no thread with {INBOUND_FROM}")
            return conversations, thread
    finally:
        if worker is not None:
            await worker.close()
        await sessions.logout()


def _sends(server: SimServer) -> int:
    return sum(
        1
        for r in server.state.requests()
        if r.get("method") == "POST" and str(r.get("path", "")).rstrip("/").endswith("/sms/send")
    )


def _paint(conversations: list[Conversation], thread: list[ThreadEntry]) -> str:
    """Build the main window, give it the stored data, and grab it."""
    from PySide6.QtWidgets import QApplication

    from hubdesk.ui.shell.window import MainWindow

    window = MainWindow()
    page = window.messages_page
    try:
        page.set_conversations(conversations)
        _check(page.conversation_model.rowCount() == len(conversations), "rows missing")
        page.show_thread(thread)
        _check(page.thread_model.rowCount() > 0, "the thread model shows no message")
        window.resize(960, 640)
        window.show()
        for _ in range(3):
            QApplication.processEvents()
        pixmap = window.grab()
        _check(not pixmap.isNull(), "grab() returned a null pixmap")
        _check(pixmap.width() > 0 and pixmap.height() > 0, "grab() returned an empty pixmap")
        image = pixmap.toImage()
        colours = {image.pixel(x, image.height() // 2) for x in range(0, image.width(), 7)}
        _check(len(colours) > 1, "the window painted one flat colour")
        return f"main window {type(window).__name__}, {pixmap.width()}x{pixmap.height()} painted"
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hubdesk --self-test",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--strict", action="store_true", help="a skipped step fails the run")
    parser.add_argument("--report", metavar="FILE", type=Path, help="also write the lines here")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as done:  # --help (0), or a usage error (2) already printed
        return done.code if isinstance(done.code, int) else 0
    return run_self_test(strict=args.strict, report_file=args.report)


if __name__ == "__main__":
    raise SystemExit(main())
