"""A process's resident memory from /proc, for the bench scripts and their children.

Kept apart from ``_util`` (which loads ``statistics``): a measured child imports this
before HubDesk starts and must not load more than HubDesk itself would.
"""

from __future__ import annotations

__all__ = ["rss_kb"]


def rss_kb(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM of a process (this one by default), in kB, from /proc/PID/status;
    empty when the process has gone."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found
