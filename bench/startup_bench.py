"""Start-up against peers: process start to the main window mapped on the X server.

    python bench/startup_bench.py [--rounds 6] [--settle 5] [--profile DIR]
                                  [--tree LABEL=CHECKOUT ...] [--floor] [--kdeconnect]
    python bench/startup_bench.py --instructions [--profile DIR] [--tree ...] [--floor]

Runs itself inside the private desktop session (``scripts/desktop_session.py``: Xvfb,
D-Bus, no window manager) unless ``DISPLAY`` is already set. Contenders, each a separate
process spawned the same way, in interleaved rounds (the order rotates each round, after
one untimed warm-up run of each):

* ``bare``: a bare PySide6 ``QMainWindow`` (``startup_child.py bare``), the baseline;
* ``hubdesk``: this checkout's ``hubdesk`` GUI script (the real entry point, nothing
  injected) on a profile with 5,000 cached conversations, built by ``ui_bench.prepare``
  with the store's own API (100,000 messages of ``store_bench``'s data), the session in
  a file keyring; a fresh copy of the profile for every run;
* ``--tree LABEL=CHECKOUT``: the same for another checkout (an older commit, say) with
  its own ``.venv``: its profile is built by *its* ``bench/ui_bench.py``, with its store;
* ``--floor``: the bare window holding a stock ``QListView`` of the same newest 100
  conversations (``startup_child.py floor``): what any conversation list costs;
* ``--kdeconnect``: KDE Connect's SMS window (``kdeconnect-sms``, Qt/QML, empty list,
  Debian's ``kdeconnect``), with its daemon ``kdeconnectd`` started once beforehand.

**What is measured.** The parent selects ``SubstructureNotify`` on the root window with
python-xlib and reads ``time.monotonic()`` when the X server's ``MapNotify`` for a
top-level window (not override-redirect) whose ``_NET_WM_PID`` is the child's arrives;
the start is the parent's ``time.monotonic()`` just before spawning. Memory: the child's
``VmRSS`` read from ``/proc`` at that moment and again ``--settle`` seconds later (HubDesk
has then loaded its whole list, the keyring and the network stack). The child is then
ended with SIGTERM (HubDesk quits as on logout). Every run gets its own empty
``XDG_RUNTIME_DIR``, so no single-instance socket outlives its run.

Goal (issue 12): HubDesk's median <= 1.4 x the bare window's median of the same run. The
other trees, the floor and KDE Connect are reported as ratios to the same baseline. Exits
1 when HubDesk is over the goal by more than 20 % (``_util``'s rule).

``--instructions`` counts instead, once per contender (KDE Connect aside), the machine
instructions up to the main window's ``show()`` having returned (valgrind's cachegrind,
offscreen, ``STARTUP_EXIT_AT_SHOW``; see ``startup_child.py``): the same work, without the
load of a shared machine, so a change of a few per cent shows (the timings cannot).
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from _proc import cpu_ns, rss_kb  # noqa: E402
from _util import Bench, Measurement  # noqa: E402
from ui_bench import DB_FILE, child_env, memory_table, prepare  # noqa: E402

CHILD = BENCH / "startup_child.py"
GOAL_RATIO = 1.4
MAP_TIMEOUT_S = 60.0
QUIT_TIMEOUT_S = 10.0
KDECONNECTD = ("/usr/lib/x86_64-linux-gnu/libexec/kdeconnectd", "/usr/libexec/kdeconnectd")


# --- the watcher ------------------------------------------------------------------------
class MapWatcher:
    """The X server's ``MapNotify`` events for top-level windows, with the moment each
    arrived. python-xlib speaks the X11 protocol in pure Python (no libX11, no C
    extension to build), and the request-reply calls it makes here are the protocol's
    own; it is the X client library under pynput, ewmh and pyautogui."""

    def __init__(self) -> None:
        from Xlib import X, display

        self._x = X
        self.display = display.Display()
        self.root = self.display.screen().root
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.pid_atom = self.display.intern_atom("_NET_WM_PID")
        self.display.sync()

    def drain(self) -> None:
        """Forget events that arrived so far (earlier runs' windows)."""
        while self.display.pending_events():
            self.display.next_event()

    def wait_mapped(self, pid: int, timeout: float, alive: Callable[[], bool]) -> float:
        """``time.monotonic()`` at the arrival of the first MapNotify of a top-level
        window of process ``pid``; raises TimeoutError (or RuntimeError once the process
        has ended)."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError(f"no window of process {pid} mapped within {timeout:.0f} s")
            if not alive():
                raise RuntimeError(f"process {pid} ended before mapping a window")
            if not self.display.pending_events():
                readable, _, _ = select.select([self.display], [], [], min(0.5, deadline - now))
                if not readable:
                    continue
            arrived = time.monotonic()
            while self.display.pending_events():
                event = self.display.next_event()
                if event.type == self._x.MapNotify and not event.override:
                    if self._window_pid(event.window) == pid:
                        return arrived

    def _window_pid(self, window: object) -> int | None:
        from Xlib import X, error

        try:
            prop = window.get_full_property(self.pid_atom, X.AnyPropertyType)  # type: ignore[attr-defined]
        except error.XError:  # the window is gone already
            return None
        return int(prop.value[0]) if prop is not None and len(prop.value) else None


# --- contenders -------------------------------------------------------------------------
@dataclass
class Contender:
    """One program to start: ``argv`` with ``env``; ``profile`` (a HubDesk home) is
    copied fresh to ``run_home`` before each run."""

    name: str
    argv: list[str]
    env: dict[str, str]
    profile: Path | None = None
    run_home: Path | None = None
    runs: list[Run] = field(default_factory=list)
    counted_argv: list[str] | None = None  # for --instructions (exits at show)


@dataclass
class Run:
    mapped: float  # seconds from spawn to MapNotify
    cpu: float  # seconds on a CPU by then (all threads)
    waited: float  # seconds waiting for a CPU by then (the machine's load)
    rss_mapped_kb: int
    rss_settled_kb: int


def hubdesk_contender(
    name: str, checkout: Path, folder: Path, scratch: Path, own_prepare: bool
) -> Contender:
    """HubDesk from ``checkout`` (its ``.venv``'s ``hubdesk`` GUI script) on a profile
    built in ``folder`` by that checkout's own ``bench/ui_bench.py``."""
    script = checkout / ".venv" / "bin" / "hubdesk"
    if not script.exists():
        sys.exit(
            f"{script} is missing: make the checkout's .venv first "
            "(bash -c 'source scripts/bootstrap.sh; hubdesk_ensure_venv' in it)"
        )
    if own_prepare:
        home, keyring_file = prepare(folder)
    else:  # the other checkout's own code builds its own profile (its schema, its API)
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "import ui_bench; ui_bench.prepare(Path(sys.argv[2]))"
        )
        python = checkout / ".venv" / "bin" / "python"
        done = subprocess.run(
            [str(python), "-c", code, str(checkout / "bench"), str(folder)], cwd=checkout
        )
        if done.returncode != 0:
            sys.exit(f"{name}: building its profile failed ({done.returncode})")
        home, keyring_file = folder / "home", folder / "keyring.json"
    run_home = scratch / f"run-{name}"
    env = child_env(run_home, keyring_file, scratch / "pycache", root=checkout)
    python = checkout / ".venv" / "bin" / "python"
    counted = [str(python), str(CHILD), "hubdesk"]
    return Contender(name, [str(script)], env, home, run_home, counted_argv=counted)


def reference_contender(name: str, args: list[str], scratch: Path) -> Contender:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBDESK_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as for HubDesk
    env.update(PYTHONPYCACHEPREFIX=str(scratch / "pycache"), PYTHONPATH=str(ROOT))
    argv = [sys.executable, str(CHILD), *args]
    return Contender(name, argv, env, counted_argv=argv)


def kdeconnect_contender(scratch: Path) -> tuple[Contender, subprocess.Popen[bytes]]:
    """``kdeconnect-sms`` and its daemon, started now (its start is not timed)."""
    program = shutil.which("kdeconnect-sms")
    daemon = next((p for p in KDECONNECTD if os.path.exists(p)), None)
    if program is None or daemon is None:
        sys.exit(
            "--kdeconnect: kdeconnect-sms / kdeconnectd not found (apt-get install kdeconnect)"
        )
    env = dict(os.environ, HOME=str(scratch / "kde-home"))
    Path(env["HOME"]).mkdir()
    started = subprocess.Popen(
        [daemon], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(3.0)  # its D-Bus names and its configuration written before any run
    if started.poll() is not None:
        sys.exit(f"kdeconnectd ended at once ({started.returncode})")
    return Contender("kdeconnect-sms", [program], env), started


# --- one run ----------------------------------------------------------------------------
def run_once(contender: Contender, watcher: MapWatcher, settle: float, scratch: Path) -> Run:
    env = dict(contender.env)
    if contender.run_home is not None and contender.profile is not None:
        shutil.rmtree(contender.run_home, ignore_errors=True)
        shutil.copytree(contender.profile, contender.run_home)
    runtime = Path(tempfile.mkdtemp(prefix="xdg-run-", dir=scratch))  # mode 0700
    env["XDG_RUNTIME_DIR"] = str(runtime)
    log = (scratch / f"{contender.name}.log").open("wb")
    os.sync()
    watcher.drain()
    t0 = time.monotonic()
    child = subprocess.Popen(contender.argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            mapped = watcher.wait_mapped(child.pid, MAP_TIMEOUT_S, lambda: child.poll() is None)
        except (TimeoutError, RuntimeError) as exc:
            log.flush()
            sys.exit(f"{contender.name}: {exc}\n{(scratch / f'{contender.name}.log').read_text()}")
        on_cpu, waited = cpu_ns(child.pid)
        at_map = rss_kb(child.pid).get("VmRSS", 0)
        time.sleep(settle)
        settled = rss_kb(child.pid).get("VmRSS", 0)
        if child.poll() is not None:
            sys.exit(f"{contender.name} ended during the settle time ({child.returncode})")
        return Run(mapped - t0, on_cpu / 1e9, waited / 1e9, at_map, settled)
    finally:
        end(child)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


def end(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (HubDesk quits cleanly on it), SIGKILL after ``QUIT_TIMEOUT_S``."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(QUIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the whole run ----------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds (>= 1)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to the second RSS")
    parser.add_argument("--profile", type=Path, help="keep the profiles here (reused)")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="LABEL=CHECKOUT",
        help="also HubDesk from another checkout with its own .venv (repeatable)",
    )
    parser.add_argument("--floor", action="store_true", help="also the stock-list floor")
    parser.add_argument("--kdeconnect", action="store_true", help="also kdeconnect-sms")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions to the window shown (valgrind, offscreen) instead of timing",
    )
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not args.instructions:
        session = ROOT / "scripts" / "desktop_session.py"
        command = [sys.executable, str(session), "--", sys.executable, __file__, *sys.argv[1:]]
        return subprocess.call(command)

    scratch = Path(tempfile.mkdtemp(prefix="hubdesk-startup-"))
    daemon: subprocess.Popen[bytes] | None = None
    try:
        profiles = args.profile or scratch / "profiles"
        contenders = [
            reference_contender("bare", ["bare"], scratch),
            hubdesk_contender("hubdesk", ROOT, profiles / "hubdesk", scratch, own_prepare=True),
        ]
        for spec in args.tree:
            label, _, checkout = spec.partition("=")
            if not label or not checkout:
                sys.exit(f"--tree wants LABEL=CHECKOUT, got {spec!r}")
            path = Path(checkout).resolve()
            contenders.append(
                hubdesk_contender(label, path, profiles / label, scratch, own_prepare=False)
            )
        if args.floor:
            db = contenders[1].profile / DB_FILE  # type: ignore[operator]
            contenders.append(reference_contender("floor", ["floor", str(db)], scratch))
        if args.instructions:
            return count_instructions(contenders, scratch)
        if args.kdeconnect:
            kde, daemon = kdeconnect_contender(scratch)
            contenders.append(kde)
        return measure(contenders, args.rounds, args.settle, scratch, daemon)
    finally:
        if daemon is not None:
            end(daemon)
        shutil.rmtree(scratch, ignore_errors=True)


def count_instructions(contenders: list[Contender], scratch: Path) -> int:
    """Instructions (valgrind's ``I refs``) of each contender up to its main window's
    ``show()`` having returned, offscreen, after one untimed run (bytecode cached)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    counted: dict[str, int] = {}
    for c in contenders:
        assert c.counted_argv is not None
        env = dict(c.env, QT_QPA_PLATFORM="offscreen", STARTUP_EXIT_AT_SHOW="1")
        cachegrind = [valgrind, "--tool=cachegrind", "--cache-sim=no"]
        for argv in (
            c.counted_argv,
            [*cachegrind, "--cachegrind-out-file=/dev/null", *c.counted_argv],
        ):
            if c.run_home is not None and c.profile is not None:
                shutil.rmtree(c.run_home, ignore_errors=True)
                shutil.copytree(c.profile, c.run_home)
            runtime = Path(tempfile.mkdtemp(prefix="xdg-run-", dir=scratch))
            done = subprocess.run(
                argv, env=dict(env, XDG_RUNTIME_DIR=str(runtime)), capture_output=True, text=True
            )
            if done.returncode != 0:
                sys.exit(f"{c.name} ended with {done.returncode}:\n{done.stderr[-3000:]}")
        refs = next(line for line in done.stderr.splitlines() if "I   refs:" in line)
        counted[c.name] = int(refs.rsplit(":", 1)[1].replace(",", ""))
        print(f"  {c.name}: {counted[c.name]:,} instructions", flush=True)
    base = counted["bare"]
    print("\n== start-up: instructions to the main window shown (valgrind, offscreen) ==")
    for name, n in counted.items():
        print(f"{name:<16} {n / 1e6:>9,.0f} M  {n / base:5.2f}x bare")
    goal = GOAL_RATIO * base
    print(f"{'goal':<16} {goal / 1e6:>9,.0f} M  {GOAL_RATIO:5.2f}x bare")
    return 0


def measure(
    contenders: list[Contender],
    rounds: int,
    settle: float,
    scratch: Path,
    daemon: subprocess.Popen[bytes] | None,
) -> int:
    watcher = MapWatcher()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    print("warming up (one untimed run of each) ...", flush=True)
    for contender in contenders:
        run_once(contender, watcher, 0.5, scratch)
    for i in range(rounds):
        shift = i % len(contenders)
        order = contenders[shift:] + contenders[:shift]
        for contender in order:
            contender.runs.append(run_once(contender, watcher, settle, scratch))
        times = ", ".join(f"{c.name} {c.runs[-1].mapped * 1000:.0f}" for c in contenders)
        print(f"  round {i + 1}: {times} ms", flush=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    return report(contenders, settle, daemon)


def report(
    contenders: list[Contender], settle: float, daemon: subprocess.Popen[bytes] | None
) -> int:
    """Three tables: wall time to mapped (the goal), CPU time to mapped (what each program
    did, whatever else the machine ran), memory. Ratios are to the bare window: the ratio
    of the medians, and the median (and range) of each round's own ratio."""
    bare, *others = contenders
    rounds = len(bare.runs)
    status = 0
    for title, of in (
        ("process start to the main window mapped (X MapNotify), wall time", "mapped"),
        ("CPU time of the process (all threads) until mapped", "cpu"),
    ):
        bench = Bench(f"start-up: {title}; {rounds} interleaved rounds")
        base = [getattr(r, of) for r in bare.runs]
        note = "baseline 1.00x"
        if of == "mapped":
            waited = statistics.median(r.waited for r in bare.runs) * 1000
            note += f"; waited for a CPU {waited:.0f} ms (median)"
        bench.rows.append(Measurement("bare QMainWindow", base, note=note))
        for c in others:
            times = [getattr(r, of) for r in c.runs]
            per_round = [t / b for t, b in zip(times, base, strict=True)]
            ratio = statistics.median(times) / statistics.median(base)
            limit = None
            goal = ""
            if of == "mapped" and c.name == "hubdesk":
                limit, goal = GOAL_RATIO * statistics.median(base), f"goal <= {GOAL_RATIO}x; "
            note = (
                f"{goal}{ratio:.2f}x bare; per round {statistics.median(per_round):.2f}x "
                f"({min(per_round):.2f}-{max(per_round):.2f})"
            )
            if of == "mapped":
                note += f"; waited {statistics.median(r.waited for r in c.runs) * 1000:.0f} ms"
            bench.rows.append(Measurement(c.name, times, limit, note=note))
        status = max(status, bench.report())
        hubdesk = next(c for c in others if c.name == "hubdesk")
        for c in others:
            if c is not hubdesk and c.profile is not None:  # HubDesk from another checkout
                now = [getattr(r, of) for r in hubdesk.runs]
                then = [getattr(r, of) for r in c.runs]
                per_round = [a / b for a, b in zip(now, then, strict=True)]
                print(
                    f"hubdesk / {c.name}: {statistics.median(now) / statistics.median(then):.2f}x"
                    f" (medians {statistics.median(now) * 1000:.0f} / "
                    f"{statistics.median(then) * 1000:.0f} ms); per round "
                    f"{statistics.median(per_round):.2f}x "
                    f"({min(per_round):.2f}-{max(per_round):.2f})"
                )

    def mb(kb: list[int]) -> list[float]:
        return [k / 1024 for k in kb]  # memory_table prints its samples as they are

    memory = []
    for c in contenders:
        memory.append(Measurement(f"{c.name} at mapped", mb([r.rss_mapped_kb for r in c.runs])))
        memory.append(
            Measurement(f"{c.name} {settle:.0f} s later", mb([r.rss_settled_kb for r in c.runs]))
        )
    if daemon is not None:
        daemon_kb = rss_kb(daemon.pid).get("VmRSS", 0)
        memory.append(Measurement("kdeconnectd (its daemon), at the end", mb([daemon_kb])))
    memory_table(memory, "a file keyring (HubDesk)")
    return status


if __name__ == "__main__":
    sys.exit(main())
