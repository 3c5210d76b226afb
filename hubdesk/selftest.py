"""``hubdesk --self-test``: prove that this installation (or bundle) works, end to end.

Runs, in one process and without touching the user's profile, server or keyring:

1. ``qt``: a QApplication (``QT_QPA_PLATFORM=offscreen`` unless a platform is set);
2. ``simulator``: the built-in HubWork simulator on loopback (``SimServer``);
3. ``login``: a password-grant login (``SessionManager`` with a ``MemoryVault`` and a
   temporary ``HUBDESK_HOME``);
4. ``sync``: one poll into a fresh SQLite store;
5. ``send``: one message through the outbox, checked to be exactly one
   ``POST /sms/send`` on the simulator;
6. ``receive``: an inbound SMS injected in the simulator, polled, stored and announced
   as new inbound;
7. ``window``: the main window (``hubdesk.ui.window``) when it exists, else the main
   widgets, filled from the store and painted (``grab()`` not null);
8. ``keyring``: which keyring backend this installation would use (not the ``fail``
   backend: no backend means no way to stay signed in).

Prints ``ok: <step> (<detail>)`` per step and exits 0, or ``FAILED at <step>: <reason>``
and exits 1. ``python -m hubdesk.selftest`` is the same as ``hubdesk --self-test``.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

__all__ = ["STEPS", "SelfTestFailed", "main", "run_self_test"]

STEPS = ("qt", "simulator", "login", "sync", "send", "receive", "window", "keyring")

SENDER = "447520602706"  # the simulator's approved main sender id
SEND_TO = "447400123456"
SEND_TEXT = "HubDesk self-test: outbound"
INBOUND_FROM = "447400654321"
INBOUND_TEXT = "HubDesk self-test: inbound"


class SelfTestFailed(Exception):
    """A step did not do what it must; ``str()`` is the reason."""


@dataclass
class _Report:
    out: TextIO
    passed: list[str] = field(default_factory=list)

    def ok(self, step: str, detail: str = "") -> None:
        self.passed.append(step)
        print(f"ok: {step}" + (f" ({detail})" if detail else ""), file=self.out, flush=True)


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


def run_self_test(out: TextIO | None = None) -> int:
    """Run every step, report on ``out`` (default stdout); 0 when all passed, else 1."""
    stream = out if out is not None else (sys.stdout or open(os.devnull, "w"))  # noqa: SIM115
    report = _Report(stream)
    step = _Step()
    try:
        with tempfile.TemporaryDirectory(prefix="hubdesk-selftest-") as tmp:
            with _environment(HUBDESK_HOME=str(Path(tmp) / "profile")):
                _run(Path(tmp) / "profile", report, step)
    except SelfTestFailed as exc:
        print(f"FAILED at {step.current}: {exc}", file=stream, flush=True)
        return 1
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        print(f"FAILED at {step.current}: {reason}", file=stream, flush=True)
        if os.environ.get("HUBDESK_SELFTEST_TRACEBACK"):
            traceback.print_exc(file=stream)
        return 1
    print(f"self-test passed ({len(report.passed)} steps)", file=stream, flush=True)
    return 0


def _run(home: Path, report: _Report, step: _Step) -> None:
    with step("qt"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        import hubdesk.ui  # noqa: F401  (as app.py: the package is set up before any widget)
        from hubdesk.ui.qtasync import close_event_loop, create_event_loop

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
    with step("keyring"):
        report.ok("keyring", _keyring_backend())


async def _exercise(
    server: Any, home: Path, report: _Report, step: _Step
) -> tuple[list[Any], list[Any]]:
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


def _sends(server: Any) -> int:
    return sum(
        1
        for r in server.state.requests()
        if r.get("method") == "POST" and str(r.get("path", "")).rstrip("/").endswith("/sms/send")
    )


def _paint(conversations: list[Any], thread: list[Any]) -> str:
    """Build the main window (or, before it exists, the main widgets) and grab it."""
    from PySide6.QtWidgets import QApplication, QWidget

    if importlib.util.find_spec("hubdesk.ui.window") is not None:
        window = _build_window(importlib.import_module("hubdesk.ui.window"))
        _fill(window, conversations, thread)
        what = f"main window {type(window).__name__}"
    else:
        window = _build_widgets(conversations, thread)
        what = "main widgets (no hubdesk.ui.window yet)"
    try:
        window.resize(960, 640)
        window.show()
        for _ in range(3):
            QApplication.processEvents()
        pixmap = window.grab()
        _check(not pixmap.isNull(), "grab() returned a null pixmap")
        _check(pixmap.width() > 0 and pixmap.height() > 0, "grab() returned an empty pixmap")
        image = pixmap.toImage()
        _check(len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 7)}) > 1,
               "the window painted one flat colour")  # fmt: skip
        return f"{what}, {pixmap.width()}x{pixmap.height()} painted"
    finally:
        window.close()
        if isinstance(window, QWidget):
            window.deleteLater()
        QApplication.processEvents()


def _build_window(module: Any) -> Any:
    """``hubdesk.ui.window``'s main window, built with no arguments beyond optional ones."""
    cls = getattr(module, "MainWindow", None)
    if cls is None:
        raise SelfTestFailed("hubdesk.ui.window has no MainWindow")
    required = [
        p
        for p in inspect.signature(cls).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    if required:
        from hubdesk.ui import IconSet

        known: dict[str, Callable[[], Any]] = {"icons": IconSet}
        missing = [p.name for p in required if p.name not in known]
        if missing:
            raise SelfTestFailed(f"MainWindow needs {', '.join(missing)}: the self-test cannot "
                                 "build it")  # fmt: skip
        return cls(**{p.name: known[p.name]() for p in required})
    return cls()


def _fill(window: Any, conversations: list[Any], thread: list[Any]) -> None:
    """Give the window's list and thread models the stored data, where it has them."""
    conversation_model = getattr(window, "conversation_model", None)
    if conversation_model is not None and hasattr(conversation_model, "set_conversations"):
        conversation_model.set_conversations(conversations)
        _check(conversation_model.rowCount() == len(conversations), "conversation rows missing")
    thread_model = getattr(window, "thread_model", None)
    if thread_model is not None and hasattr(thread_model, "set_entries"):
        thread_model.set_entries(thread)
        _check(thread_model.rowCount() > 0, "the thread model shows no message")


def _build_widgets(conversations: list[Any], thread: list[Any]) -> Any:
    """The conversation list, the open thread and the compose pane, side by side."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSplitter

    from hubdesk.ui import (
        ComposePane,
        ConversationListModel,
        ConversationListView,
        IconSet,
        ThreadModel,
        ThreadView,
    )

    icons = IconSet()
    splitter = QSplitter()
    conversation_model = ConversationListModel(splitter)
    conversation_model.set_conversations(conversations)
    conversation_view = ConversationListView(splitter)
    conversation_view.setModel(conversation_model)
    right = QSplitter(Qt.Orientation.Vertical, splitter)
    thread_model = ThreadModel(right)
    thread_model.set_entries(thread)
    thread_view = ThreadView(right)
    thread_view.setModel(thread_model)
    ComposePane(right, icons=icons)
    splitter.setWindowIcon(icons.icon("hubdesk"))
    _check(conversation_model.rowCount() == len(conversations), "conversation rows missing")
    _check(thread_model.rowCount() > 0, "the thread model shows no message")
    return splitter


def _keyring_backend() -> str:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    inner = getattr(backend, "backends", None)  # the chainer holds the real ones
    if isinstance(backend, fail.Keyring) or (inner is not None and not inner):
        raise SelfTestFailed(
            f"no usable keyring backend ({name}): HubDesk could not keep a sign-in"
        )
    if inner:
        name += " [" + ", ".join(f"{type(b).__module__}.{type(b).__qualname__}" for b in inner)
        name += "]"
    return name


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        return 0
    return run_self_test()


if __name__ == "__main__":
    raise SystemExit(main())
