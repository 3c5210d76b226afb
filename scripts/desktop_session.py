#!/usr/bin/env python3
"""Run a command inside a private, headless desktop session.

    python scripts/desktop_session.py -- CMD ARGS...

Brings up, in order (CONTRIBUTING.md, "Tests without a screen"): Xvfb, a private D-Bus
session bus with no service activation, gnome-keyring (Secret Service, unlocked, with a
``default`` collection), a StatusNotifierWatcher (so Qt sees a system tray) and dunst (the
notification daemon). Then runs CMD with ``DISPLAY``, ``DBUS_SESSION_BUS_ADDRESS``,
``XDG_RUNTIME_DIR``, private ``XDG_DATA_HOME``/``XDG_CONFIG_HOME``,
``QT_QPA_PLATFORM=xcb`` and ``HUBDESK_DESKTOP_SESSION=1``, and exits with its code.
Everything is torn down in reverse order, by PID, even on Ctrl+C or errors; the
daemons also get SIGTERM if this process dies.

Importable: ``DesktopSession`` is the same thing as a context manager.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

SECRETS_NAME = "org.freedesktop.secrets"
WATCHER_NAME = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"

_BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
_SECRETS = DBusAddress("/org/freedesktop/secrets", SECRETS_NAME, "org.freedesktop.Secret.Service")

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <!-- no <servicedir>: nothing is auto-started; every daemon is started by us -->
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

_DUNST_RC = """[global]
    sticky_history = yes
    history_length = 200
    show_indicators = no
    dmenu = /bin/false
    browser = /bin/false
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
"""


class SessionError(RuntimeError):
    """A component of the session could not start."""

    def __init__(self, component: str, reason: str) -> None:
        super().__init__(f"{component} could not start: {reason}")
        self.component = component


@dataclass
class _Daemon:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class DesktopSession:
    """A private headless desktop: use ``with DesktopSession() as s: ... s.env ...``."""

    screen: str = "1280x800x24"
    keyring_password: str = "hubdesk-session"
    timeout: float = 20.0
    env: dict[str, str] = field(default_factory=dict, init=False)
    timings: dict[str, float] = field(default_factory=dict, init=False)
    died: dict[str, str] = field(default_factory=dict, init=False)
    _daemons: list[_Daemon] = field(default_factory=list, init=False)
    _root: Path | None = field(default=None, init=False)

    # -- public --------------------------------------------------------------------

    def __enter__(self) -> DesktopSession:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pids(self) -> dict[str, int]:
        """Component name -> PID, in start order."""
        return {d.name: d.process.pid for d in self._daemons}

    @property
    def root(self) -> Path:
        """The session's private temporary folder (removed on stop)."""
        if self._root is None:
            raise RuntimeError("the session is not running")
        return self._root

    def exited(self) -> dict[str, int]:
        """Daemons that are no longer running: name -> exit code (negative: signal)."""
        return {d.name: code for d in self._daemons if (code := d.process.poll()) is not None}

    def child_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) plus the session's variables."""
        env = dict(os.environ if base is None else base)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(self.env)
        return env

    def start(self) -> None:
        if self._root is not None:
            raise RuntimeError("the session is already running")
        started = time.monotonic()
        self.timings.clear()
        self.died.clear()
        self._root = Path(tempfile.mkdtemp(prefix="hubdesk-desktop-"))
        try:
            self._timed("Xvfb", self._start_xvfb)
            self._timed("D-Bus", self._start_bus)
            with _connect(self.env["DBUS_SESSION_BUS_ADDRESS"]) as bus:
                self._timed("gnome-keyring", lambda: self._start_keyring(bus))
                self._timed("status-notifier-watcher", lambda: self._start_watcher(bus))
                self._timed("dunst", lambda: self._start_dunst(bus))
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = time.monotonic() - started
        self.env["QT_QPA_PLATFORM"] = "xcb"
        self.env["HUBDESK_DESKTOP_SESSION"] = "1"

    def stop(self) -> None:
        """Stop every daemon, newest first, by PID; remove the temporary folder.

        A daemon that had already exited is recorded in ``died`` (name -> exit code and
        the end of its log), since whatever ran in the session lost it."""
        started = time.monotonic()
        if "total" in self.timings:  # it was up: whatever ran in it lost these
            for daemon in self._daemons:
                if daemon.name in self.exited():
                    self.died[daemon.name] = _describe(daemon, f"{daemon.name} exited early")
        while self._daemons:
            _terminate(self._daemons.pop().process)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        self.env.clear()
        self.timings["stop"] = time.monotonic() - started

    def describe_timings(self) -> str:
        parts = ", ".join(
            f"{name} {seconds:.2f}s"
            for name, seconds in self.timings.items()
            if name not in ("total", "stop")
        )
        return f"up in {self.timings.get('total', 0.0):.2f}s ({parts})"

    # -- components ----------------------------------------------------------------

    def _timed(self, name: str, start: Callable[[], None]) -> None:
        began = time.monotonic()
        start()
        self.timings[name] = time.monotonic() - began

    def _dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def _daemon_env(self) -> dict[str, str]:
        """A small, private environment for the daemons (never the user's real ones)."""
        env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
        env.update(self.env)
        env["HOME"] = str(self._dir("home"))
        return env

    def _spawn(
        self, name: str, argv: Sequence[str], *, pass_fds: Sequence[int] = (), stdin: int | None
    ) -> _Daemon:
        executable = shutil.which(argv[0])
        if executable is None:
            raise SessionError(name, f"{argv[0]!r} is not installed (scripts/test installs it)")
        log = self._dir("logs") / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [executable, *argv[1:]],
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=tuple(pass_fds),
                env=self._daemon_env(),
                cwd=self.root,
                start_new_session=True,  # Ctrl+C reaches the command, not the daemons
                preexec_fn=_die_with_parent,
            )
        daemon = _Daemon(name, process, log)
        self._daemons.append(daemon)
        return daemon

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            daemon = self._spawn(
                "Xvfb",
                [
                    "Xvfb",
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    self.screen,
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=[write_fd],
                stdin=None,
            )
            os.close(write_fd)
            write_fd = -1
            number = self._read_line(read_fd, daemon)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        self.env["DISPLAY"] = f":{number}"

    def _start_bus(self) -> None:
        runtime = self._dir("runtime")
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        self.env["XDG_DATA_HOME"] = str(self._dir("data"))
        self.env["XDG_CONFIG_HOME"] = str(self._dir("config"))
        config = self.root / "session-bus.conf"
        config.write_text(_BUS_CONFIG.format(socket_dir=self._dir("bus")), encoding="utf-8")
        read_fd, write_fd = os.pipe()
        try:
            daemon = self._spawn(
                "D-Bus",
                [
                    "dbus-daemon",
                    f"--config-file={config}",
                    "--nofork",
                    f"--print-address={write_fd}",
                ],
                pass_fds=[write_fd],
                stdin=None,
            )
            os.close(write_fd)
            write_fd = -1
            address = self._read_line(read_fd, daemon)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address

    def _start_keyring(self, bus: DBusConnection) -> None:
        daemon = self._spawn(
            "gnome-keyring",
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
        )
        assert daemon.process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # an early exit is reported just below
            daemon.process.stdin.write(self.keyring_password.encode())
            daemon.process.stdin.close()
        self._wait(daemon, "the Secret Service to appear", lambda: _has_owner(bus, SECRETS_NAME))
        self._wait(daemon, "a usable 'default' collection", lambda: _default_collection(bus))

    def _start_watcher(self, bus: DBusConnection) -> None:
        daemon = self._spawn("status-notifier-watcher", ["status-notifier-watcher"], stdin=None)
        self._wait(daemon, f"{WATCHER_NAME} to be owned", lambda: _has_owner(bus, WATCHER_NAME))

    def _start_dunst(self, bus: DBusConnection) -> None:
        rc = self.root / "dunstrc"
        rc.write_text(_DUNST_RC, encoding="utf-8")
        daemon = self._spawn("dunst", ["dunst", "-config", str(rc)], stdin=None)
        self._wait(
            daemon, f"{NOTIFICATIONS_NAME} to be owned", lambda: _has_owner(bus, NOTIFICATIONS_NAME)
        )

    # -- waiting -------------------------------------------------------------------

    def _read_line(self, fd: int, daemon: _Daemon) -> str:
        """Read the first line a daemon writes to ``fd`` (display number, bus address)."""
        deadline = time.monotonic() + self.timeout
        data = b""
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failure(daemon, f"nothing written within {self.timeout:.0f}s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise self._failure(daemon, "it exited before it was ready")
                data += chunk
        return data.split(b"\n", 1)[0].decode().strip()

    def _wait(self, daemon: _Daemon, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            if daemon.process.poll() is not None:
                raise self._failure(daemon, f"it exited while waiting for {what}")
            try:
                if ready():
                    return
            except SessionError:
                raise
            except (DBusErrorResponse, OSError):
                pass  # not there yet
            if time.monotonic() >= deadline:
                raise self._failure(
                    daemon, f"timed out after {self.timeout:.0f}s waiting for {what}"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _failure(self, daemon: _Daemon, reason: str) -> SessionError:
        return SessionError(daemon.name, _describe(daemon, reason))


def _describe(daemon: _Daemon, reason: str) -> str:
    """``reason``, the daemon's exit code if it has one, and the end of its log."""
    code = daemon.process.poll()
    status = f" (exit code {code})" if code is not None else ""
    try:
        lines = daemon.log.read_text(errors="replace").strip().splitlines()[-15:]
    except OSError:
        lines = []
    tail = ("\n  " + "\n  ".join(lines)) if lines else ""
    return f"{reason}{status}{tail}"


# -- D-Bus helpers (also used by tests/fixtures_desktop.py) ----------------------------


@contextlib.contextmanager
def _connect(address: str) -> Iterator[DBusConnection]:
    connection = open_dbus_connection(bus=address)
    try:
        yield connection
    finally:
        connection.close()


def call(
    bus: DBusConnection,
    address: DBusAddress,
    method: str,
    signature: str | None = None,
    body: tuple[object, ...] = (),
    timeout: float = 5.0,
) -> tuple[object, ...]:
    """Call a D-Bus method and return the reply body; D-Bus errors raise."""
    reply = bus.send_and_get_reply(
        new_method_call(address, method, signature, body), timeout=timeout
    )
    result: tuple[object, ...] = unwrap_msg(reply)
    return result


def _has_owner(bus: DBusConnection, name: str) -> bool:
    return call(bus, _BUS, "NameHasOwner", "s", (name,)) == (True,)


def _default_collection(bus: DBusConnection) -> bool:
    """True once the Secret Service has an unlocked ``default`` collection.

    gnome-keyring started with ``--unlock`` on an empty data folder creates and unlocks
    a ``login`` collection and points ``default`` at it; if ``default`` is missing,
    point it at ``login``. Anything that would need a prompt is an error: there is
    nobody to answer one.
    """
    (path,) = call(bus, _SECRETS, "ReadAlias", "s", ("default",))
    if path == "/":
        (login,) = call(bus, _SECRETS, "ReadAlias", "s", ("login",))
        if login == "/":
            return False
        call(bus, _SECRETS, "SetAlias", "so", ("default", login))
        path = login
    props = DBusAddress(str(path), SECRETS_NAME, "org.freedesktop.DBus.Properties")
    (locked,) = call(bus, props, "Get", "ss", ("org.freedesktop.Secret.Collection", "Locked"))
    if locked == ("b", True):
        _, prompt = call(bus, _SECRETS, "Unlock", "ao", ([path],))
        if prompt != "/":
            raise SessionError("gnome-keyring", "the default collection is locked")
    return True


# -- processes ---------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the session process dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _terminate(process: subprocess.Popen[bytes], grace: float = 3.0) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


# -- command line --------------------------------------------------------------------------


class _Terminated(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(signum)


def _run(command: Sequence[str], env: Mapping[str, str]) -> int:
    try:
        child = subprocess.Popen(list(command), env=dict(env))
    except FileNotFoundError:
        print(f"desktop session: command not found: {command[0]}", file=sys.stderr)
        return 127
    try:
        return child.wait()
    except (KeyboardInterrupt, _Terminated) as stop:
        # Ctrl+C reached the command too (same process group); give it a moment.
        if isinstance(stop, _Terminated):
            child.send_signal(stop.signum)
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            _terminate(child)
        return 128 + (stop.signum if isinstance(stop, _Terminated) else signal.SIGINT)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run a command in a private headless desktop session (Xvfb, D-Bus, "
        "gnome-keyring, StatusNotifierWatcher, dunst).",
        usage="%(prog)s [-q] -- CMD [ARGS...]",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print timings")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")

    # Whatever the parent blocked or ignored, Ctrl+C, kill and hang-up must end the
    # session cleanly (a mask is inherited through fork and exec).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_terminated)
    session = DesktopSession()
    try:
        with session:
            if not args.quiet:
                print(f"desktop session: {session.describe_timings()}", file=sys.stderr)
            code = _run(command, session.child_env())
    except SessionError as error:
        print(f"desktop session: {error}", file=sys.stderr)
        return 70
    except _Terminated as stop:
        return 128 + stop.signum
    except KeyboardInterrupt:
        return 130
    for message in session.died.values():
        print(f"desktop session: warning: {message}", file=sys.stderr)
    if not args.quiet:
        print(f"desktop session: torn down in {session.timings['stop']:.2f}s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
