"""A process's resident memory and CPU time from /proc, for the bench scripts and their
children.

Kept apart from ``_util`` (which loads ``statistics``): a measured child imports this
before HubDesk starts and must not load more than HubDesk itself would.
"""

from __future__ import annotations

import os

__all__ = ["cpu_ns", "rss_kb"]


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


def cpu_ns(pid: int | str = "self") -> tuple[int, int]:
    """(time on a CPU, time waiting for one) so far, in ns, summed over the process's
    live threads (``/proc/PID/task/*/schedstat``): the first is what the process did,
    whatever else the machine ran; the second is what the machine's load cost it.
    (0, 0) when the process has gone."""
    run = wait = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return 0, 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as stat:
                on_cpu, waiting, _slices = stat.read().split()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # a thread that ended meanwhile
        run += int(on_cpu)
        wait += int(waiting)
    return run, wait
