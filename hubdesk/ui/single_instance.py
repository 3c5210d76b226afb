"""One HubDesk per user and profile: a second start hands its arguments to the first.

The first instance :meth:`~SingleInstance.claim`\\ s a ``QLocalServer`` name and keeps
listening (``app.main`` does it in two steps: :meth:`~SingleInstance.acquire`, the lock
file, before the first frame; :meth:`~SingleInstance.listen` after it, which is when
QtNetwork is loaded); a later start (a ``tel:`` link clicked in a browser, the autostart entry, the
user double-clicking again) finds it, sends its argument list with
:meth:`~SingleInstance.send_to_running` and exits. The first instance gets the list
through ``message_received(list)`` and decides what to do (a link: ``parse_uri``;
nothing: raise the window). Nothing received is ever executed: it is data for the app.

Where the server lives:

* Unix: a socket file ``hubdesk-<digest>.sock`` in a private (0700, ours, not a symlink)
  folder: ``$XDG_RUNTIME_DIR/hubdesk``, else ``<profile>/run``, else
  ``<tmp>/hubdesk-<uid>`` when a path would be too long for a socket. ``<digest>`` comes
  from the user and the profile folder (``HUBDESK_HOME``), so two profiles can run side
  by side. A ``QLockFile`` beside it decides who is first (two starts racing cannot both
  win) and is recovered from a crashed instance (dead PID); the stale socket file is
  removed before listening.
* Windows: a named pipe ``hubdesk-<user>-<digest>`` with an ACL for this user only
  (``UserAccessOption``), and the lock file in the profile folder.

Wire format, one message per connection: a 4-byte big-endian length, then that many
bytes of UTF-8 JSON: an array of at most ``MAX_ARGS`` strings of at most
``MAX_ARG_CHARS`` characters. The server answers one byte, ``0x01``, once it accepted the
message. Anything else (too long, not JSON, not a list of strings, too slow) is dropped
and the connection closed; the sender then sees ``False``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QLockFile, QObject, QTimer, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = [
    "MAX_ARGS",
    "MAX_ARG_CHARS",
    "MAX_MESSAGE_BYTES",
    "SingleInstance",
    "decode_message",
    "encode_message",
    "server_location",
]

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
MAX_ARGS = 32
MAX_ARG_CHARS = 4096
ACK = b"\x01"
_HEADER = struct.Struct(">I")
_READ_TIMEOUT_MS = 3000  # a client that does not finish in time is dropped
_MAX_CLIENTS = 8  # connections handled at once; more are refused
_SUN_PATH_MAX = 100  # sockaddr_un.sun_path is 104 (macOS) / 108 (Linux) bytes
_RETRY_S = 0.05  # between connection attempts while the first instance is starting


class MessageError(ValueError):
    """A hand-over message that is not a small list of strings."""


def encode_message(args: list[str]) -> bytes:
    """The bytes sent for ``args`` (raises ``MessageError`` when they exceed the limits)."""
    _check_args(args)
    try:
        payload = json.dumps(list(args), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MessageError("an argument is not valid text") from exc
    if len(payload) > MAX_MESSAGE_BYTES:
        raise MessageError(f"message too long ({len(payload)} bytes)")
    return _HEADER.pack(len(payload)) + payload


def decode_message(payload: bytes) -> list[str]:
    """The argument list in ``payload`` (without the length header), or ``MessageError``."""
    if len(payload) > MAX_MESSAGE_BYTES:
        raise MessageError("message too long")
    try:
        value = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MessageError("not UTF-8 JSON") from exc
    if not isinstance(value, list):
        raise MessageError("not a JSON array")
    _check_args(value)
    return [str(v) for v in value]


def _check_args(args: object) -> None:
    if not isinstance(args, list):
        raise MessageError("not a list")
    if len(args) > MAX_ARGS:
        raise MessageError(f"too many arguments ({len(args)})")
    for arg in args:
        if not isinstance(arg, str):
            raise MessageError("an argument is not a string")
        if len(arg) > MAX_ARG_CHARS:
            raise MessageError(f"an argument is too long ({len(arg)} characters)")


# --- where ----------------------------------------------------------------------------


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    return f"{os.environ.get('USERDOMAIN', '')}\\{os.environ.get('USERNAME', '')}"


def _digest(home: Path) -> str:
    try:
        where = str(home.resolve())
    except OSError:
        where = str(home.absolute())
    return hashlib.sha256(f"{_user()}\0{where}".encode()).hexdigest()[:16]


def _private_dir(path: Path) -> bool:
    """Make ``path`` a 0700 folder of ours; False when it is not (or cannot be) one.
    POSIX only: on Windows the server is a named pipe, with no folder."""
    if sys.platform == "win32":
        return False
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            log.warning("single instance: %s is not a folder of ours; not used", path)
            return False
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, 0o700)
        return True
    except OSError as exc:
        log.warning("single instance: cannot use %s: %s", path, exc)
        return False


def server_location(home: Path) -> tuple[str, Path]:
    """(the ``QLocalServer`` name, the lock file) for this user and profile folder."""
    digest = _digest(home)
    if sys.platform == "win32":
        user = "".join(c for c in os.environ.get("USERNAME", "user") if c.isalnum())[:32]
        return f"hubdesk-{user}-{digest}", home / f"hubdesk-{digest}.lock"
    candidates: list[Path] = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        candidates.append(Path(runtime) / "hubdesk")
    candidates.append(home / "run")
    candidates.append(Path(tempfile.gettempdir()) / f"hubdesk-{os.getuid()}")
    name = f"hubdesk-{digest}.sock"
    for folder in candidates:
        socket_path = folder / name
        if len(os.fsencode(str(socket_path))) <= _SUN_PATH_MAX and _private_dir(folder):
            return str(socket_path), folder / f"hubdesk-{digest}.lock"
    raise OSError("no private folder for the single-instance socket")


def _remaining_ms(deadline: float) -> int:
    return max(1, int((deadline - time.monotonic()) * 1000))


# --- the object -----------------------------------------------------------------------


class SingleInstance(QObject):
    """Claim "first instance" for ``home`` (the profile folder); talk to the first one."""

    message_received = Signal(list)

    def __init__(self, home: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._home = home
        self._server: QLocalServer | None = None
        self._lock: QLockFile | None = None
        self._clients: dict[QLocalSocket, bytearray] = {}
        try:
            self._name, self._lock_path = server_location(home)
        except OSError as exc:
            log.warning("single instance disabled: %s", exc)
            self._name, self._lock_path = "", Path()

    @property
    def server_name(self) -> str:
        """The ``QLocalServer`` name: a socket path on Unix, a pipe name on Windows."""
        return self._name

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def claim(self) -> bool:
        """True when this is the first instance (now listening), False when one runs.

        :meth:`acquire` then :meth:`listen`. Also True, with a warning logged, when no
        private location could be set up or listening failed: HubDesk then runs without
        hand-over rather than not at all.
        """
        if not self.acquire():
            return False
        self.listen()
        return True

    def acquire(self) -> bool:
        """Take the lock file: True when this is the first instance for the profile.

        QtCore only (no socket yet), so ``app.main`` can decide before the first frame;
        a second start that comes before :meth:`listen` waits for it (see
        :meth:`send_to_running`). True too when the lock cannot be used at all (logged).
        """
        if self._lock is not None or not self._name:
            return True
        try:
            self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("single instance disabled: %s", exc)
            return True
        lock = QLockFile(str(self._lock_path))
        lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        if not lock.tryLock(0):
            if lock.error() == QLockFile.LockError.LockFailedError:
                return False
            log.warning("single instance: lock file %s: %s", self._lock_path, lock.error())
            return True
        if self._server_may_exist() and self._answers(300):
            lock.unlock()  # an instance whose lock file was deleted under it: it is first
            return False
        self._lock = lock
        return True

    def _server_may_exist(self) -> bool:
        """Whether another instance could be listening although we got the lock: on Unix
        only when the socket file exists (an instance that crashed, or one whose lock
        file was deleted); a Windows pipe leaves no file, so always ask there."""
        return sys.platform == "win32" or os.path.exists(self._name)

    def listen(self) -> bool:
        """Start receiving hand-overs (after :meth:`acquire`); False when not listening
        (logged; HubDesk then runs without hand-over). A crashed instance's socket file
        is replaced."""
        from PySide6.QtNetwork import QLocalServer

        if self.listening:
            return True
        if self._lock is None or not self._name:
            return False
        QLocalServer.removeServer(self._name)  # a crashed instance's socket file
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.setMaxPendingConnections(_MAX_CLIENTS)
        if not server.listen(self._name):
            why = server.errorString()
            log.warning("single instance: cannot listen on %s: %s", self._name, why)
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def send_to_running(self, args: list[str], timeout: float = 3.0) -> bool:
        """Hand ``args`` to the first instance; True once it acknowledged them.

        Connecting is retried until ``timeout``: the first instance may hold the lock
        and still be painting its first frame, not listening yet.
        """
        from PySide6.QtNetwork import QLocalSocket

        if not self._name:
            return False
        try:
            message = encode_message(list(args))
        except MessageError as exc:
            log.warning("not handed over: %s", exc)
            return False
        # Connecting is retried until the deadline; writing and the answer then get the
        # whole timeout each, as a listening instance answers at once.
        deadline = time.monotonic() + max(0.001, timeout)
        ms = max(1, int(timeout * 1000))
        sock = QLocalSocket()
        try:
            while True:
                sock.connectToServer(self._name)
                if sock.waitForConnected(_remaining_ms(deadline)):
                    break
                sock.abort()
                if time.monotonic() + _RETRY_S >= deadline:
                    return False
                time.sleep(_RETRY_S)
            sock.write(QByteArray(message))
            while sock.bytesToWrite() > 0:
                if not sock.waitForBytesWritten(ms):
                    return False
            if not sock.bytesAvailable() and not sock.waitForReadyRead(ms):
                return False
            return bytes(sock.read(1).data()) == ACK
        finally:
            sock.abort()
            sock.deleteLater()

    def close(self) -> None:
        """Stop listening and release the lock (also done when the process ends)."""
        for sock in list(self._clients):
            self._drop(sock)
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # --- server side -------------------------------------------------------------------

    def _answers(self, ms: int) -> bool:
        from PySide6.QtNetwork import QLocalSocket

        sock = QLocalSocket()
        sock.connectToServer(self._name)
        ok = sock.waitForConnected(ms)
        sock.abort()
        sock.deleteLater()
        return ok

    def _accept(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            sock = server.nextPendingConnection()
            if sock is None:
                break
            if len(self._clients) >= _MAX_CLIENTS:
                sock.abort()
                sock.deleteLater()
                continue
            self._clients[sock] = bytearray()
            timer = QTimer(sock)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda s=sock: self._drop(s, "too slow"))
            timer.start(_READ_TIMEOUT_MS)
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        buffer = self._clients.get(sock)
        if buffer is None:
            return
        buffer += bytes(sock.readAll().data())
        if len(buffer) < _HEADER.size:
            return
        (length,) = _HEADER.unpack_from(buffer)
        if length > MAX_MESSAGE_BYTES:
            self._drop(sock, f"message too long ({length} bytes announced)")
            return
        if len(buffer) < _HEADER.size + length:
            return
        if len(buffer) > _HEADER.size + length:
            self._drop(sock, "bytes after the message")
            return
        try:
            args = decode_message(bytes(buffer[_HEADER.size :]))
        except MessageError as exc:
            self._drop(sock, str(exc))
            return
        del self._clients[sock]
        sock.write(QByteArray(ACK))
        sock.flush()
        sock.disconnectFromServer()
        sock.deleteLater()
        self.message_received.emit(args)

    def _drop(self, sock: QLocalSocket, why: str | None = None) -> None:
        if self._clients.pop(sock, None) is None:
            return
        if why:
            log.warning("single instance: refused a hand-over: %s", why)
        sock.abort()
        sock.deleteLater()
