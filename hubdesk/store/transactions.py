"""One helper for explicit transactions on an autocommit (``isolation_level=None``) connection.

Every store operation that writes runs inside ``transaction(conn)``: ``BEGIN IMMEDIATE``
takes the write lock up front (no deadlock-prone lock upgrade), and the block commits on
success or rolls back on any exception. Nested use becomes a SAVEPOINT, so a repository
method can be called on its own or inside a caller's larger transaction.

The connection runs with ``synchronous = NORMAL`` (in WAL mode: never corrupt, but a
power cut may lose the last commits; messages are simply fetched again). A
``durable=True`` transaction (the outbox) commits with ``synchronous = FULL``, so a
step that was reported done (say, "sending" before the POST) survives power loss and a
message is never sent twice. The WAL sync also covers every earlier commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

_savepoints = count(1)


@contextmanager
def transaction(
    conn: sqlite3.Connection, durable: bool = False
) -> Iterator[sqlite3.Connection]:
    """Run the block in one transaction (or a savepoint when one is already open).

    ``durable`` is decided by the outermost transaction: a savepoint inherits it."""
    if conn.in_transaction:
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
    if durable:
        conn.execute("PRAGMA synchronous = FULL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        if durable:
            conn.execute("PRAGMA synchronous = NORMAL")
