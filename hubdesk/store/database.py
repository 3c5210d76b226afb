"""One SQLite file per profile: opening, configuring, migrating, and recovering from damage.

``Database.open(path)`` returns a ready store. A file SQLite reports as corrupt or as
not a database is never deleted: it (and its ``-wal``/``-shm`` companions) is renamed
to ``<name>.corrupt-<UTC timestamp>`` and an empty database is built in its place; the
returned object then carries a ``RecoveryNotice`` (``.recovery``, ``.recovered_from``)
for the caller to show, and the caller re-syncs from the server. Anything else (locked,
permission denied, a newer schema) is raised as ``DatabaseUnavailable`` /
``migrations.DatabaseTooNew`` and the file is left alone.

Busy: the GUI, ``hubdesk-cli`` runs and other programs share the file. A write waits up
to ``BUSY_TIMEOUT`` seconds for another connection's write lock (SQLite's busy handler);
when it is still held then, the statement fails with SQLite's BUSY/LOCKED code, which
``worker.DbWorker`` (and ``Database.open``) raise as ``DatabaseBusy``. The failed
transaction was rolled back: nothing was half-written, and the caller may try again.

Opening also runs ``outbox.recover_interrupted``: rows left in ``sending`` become
``unknown``, but only when no live process is sending from this database (the sender
lock beside it, ``<name>.sender.lock``; see ``store.outbox``). A ``Database`` that sends
holds that lock until ``close``.

Privacy: the file and its ``-wal``/``-shm`` companions are 0600 whatever the umask and
the folder's mode (``store.private_files``); the folder itself is the profile's concern
(``profile.home_dir``).

The connection is in autocommit mode; every write goes through ``transactions.transaction``.
A ``Database`` (like its sqlite3 connection) belongs to the thread that opened it: use it
directly from the CLI, tests and benchmarks, or through ``worker.DbWorker`` from asyncio.
"""

from __future__ import annotations

import glob
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from hubdesk.store.batches import Batches
from hubdesk.store.calls import Calls
from hubdesk.store.contacts import Contacts
from hubdesk.store.drafts import Drafts
from hubdesk.store.lock import FileLock, sender_lock_path
from hubdesk.store.marks import ConversationMarks
from hubdesk.store.messages import Messages
from hubdesk.store.migrations import migrate
from hubdesk.store.optouts import OptOuts
from hubdesk.store.outbox import Outbox
from hubdesk.store.private_files import create_private, restrict_file
from hubdesk.store.resends import Resends
from hubdesk.store.schedule import Schedule
from hubdesk.store.search import Search
from hubdesk.store.settings import Settings
from hubdesk.store.syncstate import SyncState
from hubdesk.store.templates import Templates
from hubdesk.store.timecodec import Clock, utc_now

# Primary result codes that mean "this file is damaged", not "busy" or "no access".
_DAMAGED = {11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB"}
# ... and those that mean "another connection holds the lock": SQLITE_BUSY, SQLITE_LOCKED.
_BUSY = {5, 6}
BUSY_TIMEOUT = 5.0  # seconds a statement waits for another connection's lock
_COMPANIONS = ("-wal", "-shm", "-journal")


class DatabaseUnavailable(RuntimeError):
    """The database could not be opened for a reason other than damage; file left alone."""


class DatabaseBusy(sqlite3.OperationalError):
    """Another connection (another HubDesk, ``hubdesk-cli``, a backup tool) held the
    database's lock for longer than ``BUSY_TIMEOUT``; the statement was not done and its
    transaction rolled back. An ``sqlite3.OperationalError``, so code that handles
    SQLite errors in general still does."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} is busy: another program held its lock for more than {BUSY_TIMEOUT:g} s"
        )
        self.path = path


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock."""
    if isinstance(exc, DatabaseBusy):
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY
    return str(exc).startswith(("database is locked", "database table is locked"))


@dataclass(frozen=True, slots=True)
class RecoveryNotice:
    """A damaged database was moved aside and replaced by an empty one."""

    path: Path
    moved_to: Path
    reason: str

    @property
    def message(self) -> str:
        return (
            f"The local message database could not be read ({self.reason}). It was kept as "
            f"{self.moved_to.name} and a new, empty one was created; messages will be "
            f"downloaded from the server again. Contacts, drafts and unsent messages kept "
            f"only on this computer are in the old file."
        )


class Database:
    """An open profile database and its repositories."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        recovery: RecoveryNotice | None,
        clock: Clock,
        sender_lock: FileLock | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.recovery = recovery
        self.interrupted_sends = 0
        self.messages = Messages(conn, clock)
        self.outbox = Outbox(conn, clock, sender_lock)
        self.schedule = Schedule(conn, clock)
        self.batches = Batches(conn, clock)
        self.contacts = Contacts(conn)
        self.calls = Calls(conn, clock)
        self.optouts = OptOuts(conn, clock)
        self.drafts = Drafts(conn, clock)
        self.settings = Settings(conn)
        self.sync_state = SyncState(conn)
        self.search = Search(conn)
        self.templates = Templates(conn, clock)
        self.marks = ConversationMarks(conn, clock)
        self.resends = Resends(conn, self.outbox, clock)

    @property
    def recovered_from(self) -> Path | None:
        """Where the damaged file was moved, when opening had to rebuild the database."""
        return None if self.recovery is None else self.recovery.moved_to

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        clock: Clock = utc_now,
        check: bool = True,
        check_same_thread: bool = True,
    ) -> Database:
        """Open (creating, migrating or rebuilding as needed) the database at ``path``.

        ``check`` runs ``PRAGMA quick_check`` so that damage is found now rather than in
        the middle of a sync; ``check_same_thread=False`` is for a connection handed to
        another thread that then uses it exclusively.
        """
        target = Path(path)
        recovery: RecoveryNotice | None = None
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _make_private(target)
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            raise DatabaseUnavailable(f"cannot open {target}: {why}") from exc
        try:
            conn = _connect(target, check, check_same_thread)
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise DatabaseBusy(target) from exc
            reason = _damage(exc)
            if reason is None:
                raise DatabaseUnavailable(f"cannot open {target}: {exc}") from exc
            try:
                moved = _move_aside(target, clock())
                _make_private(target)
            except OSError as move_exc:
                raise DatabaseUnavailable(
                    f"{target} is damaged ({reason}) and could not be moved aside: {move_exc}"
                ) from exc
            recovery = RecoveryNotice(target, moved, reason)
            conn = _connect(target, False, check_same_thread)
        db = cls(conn, target, recovery, clock, FileLock(sender_lock_path(target)))
        try:
            db.interrupted_sends = db.outbox.recover_interrupted()
        except BaseException as exc:
            conn.close()
            if is_busy(exc):
                raise DatabaseBusy(target) from exc
            raise
        return db

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        try:
            self.conn.close()
        finally:
            self.outbox.release_sender()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _make_private(path: Path) -> None:
    """The database file exists as 0600 before SQLite opens it (SQLite would create it
    0644 under the usual umask); SQLite gives the ``-wal``/``-shm`` files it creates the
    database's mode. Companions and damaged copies an older version left readable by
    others are narrowed here."""
    create_private(path)
    for suffix in _COMPANIONS:
        restrict_file(path.with_name(path.name + suffix))
    for kept in path.parent.glob(f"{glob.escape(path.name)}.corrupt-*"):  # old copies too
        restrict_file(kept)


def _connect(path: Path, check: bool, check_same_thread: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=check_same_thread
    )
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseUnavailable(f"cannot use WAL journaling for {path} (got {mode})")
        # NORMAL is safe from corruption in WAL mode; outbox steps are made durable by
        # transactions.transaction(durable=True) so a send is never repeated.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        if check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise sqlite3.DatabaseError(f"integrity check failed: {rows[0][0]}")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _damage(exc: sqlite3.DatabaseError) -> str | None:
    """Why the file counts as damaged, or None when the error is not about damage."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        name = _DAMAGED.get(code & 0xFF)
        return f"{name}: {exc}" if name else None
    # Raised by our own integrity check (no SQLite code attached).
    return str(exc) if "integrity check failed" in str(exc) else None


def _move_aside(path: Path, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while moved.exists():
        moved = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(moved)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(moved.with_name(moved.name + suffix))
    return moved
