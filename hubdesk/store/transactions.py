"""One helper for explicit transactions on an autocommit (``isolation_level=None``) connection.

Every store operation that writes runs inside ``transaction(conn)``: ``BEGIN IMMEDIATE``
takes the write lock up front (no deadlock-prone lock upgrade), and the block commits on
success or rolls back on any exception. Nested use becomes a SAVEPOINT, so a repository
method can be called on its own or inside a caller's larger transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

_savepoints = count(1)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one transaction (or a savepoint when one is already open)."""
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
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
