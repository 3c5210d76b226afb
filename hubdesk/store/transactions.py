"""One helper for explicit transactions on an autocommit (``isolation_level=None``) connection.

Every store operation that writes runs inside ``transaction(conn)``: ``BEGIN IMMEDIATE``
takes the write lock up front (no deadlock-prone lock upgrade), and the block commits on
success or rolls back on any exception. Nested use becomes a SAVEPOINT, so a repository
method can be called on its own or inside a caller's larger transaction.

Durability: the connection runs with ``synchronous = NORMAL`` (in WAL mode: never
corrupt, but a power cut may lose the last commits; messages are simply fetched again).
A ``durable=True`` block (every outbox step) makes its commit survive power loss: once
the outermost transaction has committed, the WAL file is fsync'ed before control
returns, which is what ``synchronous = FULL`` would do for that one commit. A durable
block nested in someone's larger transaction marks that transaction, so "sending"
recorded before a POST is on disk before the POST can happen, and a send is never
repeated after a crash.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

_savepoints = count(1)
# id(connection) -> "a durable block ran inside the open outermost transaction"
_durable: dict[int, bool] = {}


@contextmanager
def transaction(conn: sqlite3.Connection, durable: bool = False) -> Iterator[sqlite3.Connection]:
    """Run the block in one transaction (or a savepoint when one is already open)."""
    if conn.in_transaction:
        if durable:
            _durable[id(conn)] = True
        name = f"sp_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    _durable[id(conn)] = durable
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if _durable.get(id(conn)):
            sync_wal(conn)
    finally:
        _durable.pop(id(conn), None)


def sync_wal(conn: sqlite3.Connection) -> None:
    """fsync the connection's WAL file: every commit so far survives power loss."""
    row = conn.execute("PRAGMA database_list").fetchone()
    filename = row[2] if row is not None else ""
    if not filename:
        return  # in-memory or temporary database: nothing to make durable
    try:
        fd = os.open(filename + "-wal", os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return  # checkpointed and removed: already in the (synced) database file
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
