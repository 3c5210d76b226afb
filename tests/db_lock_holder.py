"""Another process that holds a SQLite database's write lock (``BEGIN EXCLUSIVE``).

What a second HubDesk, a ``hubdesk-cli`` run or a backup tool does to the profile's
database while it writes: a real Python process with its own connection, so SQLite's
real file locking is what the code under test meets.

    with holding_lock(db_path):
        ...  # writes from here wait BUSY_TIMEOUT seconds, then fail
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.readline()  # until the test lets go (or dies: EOF)
conn.execute("ROLLBACK")
conn.close()
"""


@contextmanager
def holding_lock(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Hold ``BEGIN EXCLUSIVE`` on ``path`` from another process for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        try:
            holder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
