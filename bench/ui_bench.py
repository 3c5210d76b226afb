"""Speed and memory goals of the desktop window on a large cached profile.

    python bench/ui_bench.py [--pairs 7] [--ops-runs 3] [--rounds 4] [--profile DIR]
                             [--system-keyring]

Prepares one signed-in profile folder: the database built once from ``store_bench``'s
deterministic data (100,000 messages, 5,000 conversations, a 10,000-message thread,
2,000 contacts) through the store's ``upsert_messages``, and a session saved by the real
``hubdesk-cli login`` against a loopback ``SimServer`` into a file-backed keyring
(``tests/fakes/file_keyring.py``). The simulator is stopped before anything is timed:
the window must paint from the cache, and the restored session's requests fail fast
(connection refused on loopback), so no network work or new data lands in a run.
``--system-keyring`` (under ``scripts/desktop_session.py``) keeps the session in the
desktop's Secret Service instead, as a real signed-in user's is: keyring then loads its
SecretService backend (secretstorage, cryptography, a D-Bus connection).

Every run is a separate process (``bench/ui_child.py``, QT_QPA_PLATFORM=offscreen unless
DISPLAY is set) on a fresh copy of that folder; HubDesk and the bare-window baseline are
spawned alternately, and ratios are taken in this run. Goals:

* cold start, spawn to the first completed paint of the main window *showing cached
  conversations* (the list's viewport painted with rows), vs a bare PySide6
  QMainWindow's first completed paint                                  <= 1.3x
  (also reported, as info: spawn to the window's first frame whatever it shows, and
  spawn to the list painted with all 5,000 conversations)
* first paint of the 10,000-message thread after a click on its row   < 50 ms
* a keystroke in the conversation filter (5,000 rows): UI-thread handling until the
  field has repainted, and results back on the UI thread until the list has repainted
                                                                       < 16 ms each
* resident memory (VmRSS) with that store loaded and used <= bare window + 60 MB

Exits 1 when a median is over its goal by more than 20 % (``_util``'s rule).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from _util import Bench, Measurement  # noqa: E402
from store_bench import FIRST, LAST, SEED, generate, partner_number  # noqa: E402

CHILD = BENCH / "ui_child.py"
DB_FILE = "hubdesk.sqlite3"  # hubdesk.app.main.DB_FILE (not imported: keeps Qt out of here)
NO_TRAY_KEY = "ui.no_tray_noted"  # hubdesk.app.tray.NO_TRAY_KEY
MESSAGES, CONVERSATIONS, THREAD = 100_000, 5_000, 10_000
START_RATIO = 1.3
THREAD_MS = 50.0
KEY_MS = 16.0
RSS_EXTRA_MB = 60.0


# --- the profile ------------------------------------------------------------------------
def build_database(path: Path) -> float:
    """``store_bench``'s data set, built the way ``store_bench.main`` builds it (same
    seed, same generator, contacts drawn from the same random stream); returns seconds."""
    from hubdesk.store.database import Database

    rng = random.Random(SEED)
    messages = generate(MESSAGES, CONVERSATIONS, THREAD, rng)
    db = Database.open(path)
    try:
        for _ in range(min(2000, CONVERSATIONS)):
            number = partner_number(rng.randrange(CONVERSATIONS))
            if db.contacts.get_by_number(number) is None:
                db.contacts.add(number, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        started = time.perf_counter()
        for start in range(0, len(messages), 1000):
            db.messages.upsert_messages(messages[start : start + 1000])
        built = time.perf_counter() - started
        # a returning user has seen the one-time "no system tray" note
        db.settings.set(NO_TRAY_KEY, True)
    finally:
        db.close()
    return built


def sign_in(home: Path, keyring_file: Path | None) -> None:
    """``hubdesk-cli login`` against a loopback simulator; the simulator is then stopped.
    The session goes to ``keyring_file`` (a file keyring) or, when None, the desktop's
    keyring (the Secret Service of ``scripts/desktop_session.py``)."""
    from hubdesk.sim import SimConfig, SimServer

    config = SimConfig(demo_data=False)
    with SimServer(config=config) as sim:
        env = child_env(home, keyring_file)
        env["HUBDESK_API_URL"] = sim.base_url
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hubdesk.cli",
                "login",
                "--client-id",
                config.client_id,
                "--client-secret",
                config.client_secret,
                "--username",
                config.username,
                "--password-stdin",
            ],
            input=config.password + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    if done.returncode != 0:
        sys.exit(f"hubdesk-cli login failed ({done.returncode}):\n{done.stderr}")


def child_env(
    home: Path, keyring_file: Path | None, pycache: Path | None = None, root: Path = ROOT
) -> dict[str, str]:
    """The environment of a HubDesk process on the profile ``home``: HubDesk from the
    checkout ``root`` (another one's, for ``startup_bench --tree``), its test fakes on the
    path for the file keyring, no ``HUBDESK_*`` or keyring choice inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))}
    if pycache is not None:
        # Bytecode cached, as in any installed app (this container sets
        # PYTHONDONTWRITEBYTECODE): kept in the scratch folder, filled by the warm-up run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    fakes = root / "tests" / "fakes"
    env.update(HUBDESK_HOME=str(home), PYTHONPATH=os.pathsep.join([str(fakes), str(root)]))
    if keyring_file is not None:
        env.update(
            HUBDESK_TEST_KEYRING_FILE=str(keyring_file),
            PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        )
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def prepare(folder: Path, system_keyring: bool = False) -> tuple[Path, Path | None]:
    """The profile folder and keyring file (None: the desktop's keyring), built when
    missing. With the desktop's keyring the session is signed in anew each time (the
    Secret Service of a desktop session lives as long as the session), on a copy of the
    database, so the file-keyring profile stays as it was."""
    home, keyring_file = folder / "home", folder / "keyring.json"
    if (home / DB_FILE).exists() and keyring_file.exists():
        print(f"reusing the profile in {folder}", flush=True)
    else:
        home.mkdir(parents=True, exist_ok=True)
        print(
            f"building {home / DB_FILE}: {MESSAGES:,} messages, {CONVERSATIONS:,} "
            f"conversations (store_bench data, seed {SEED}) ...",
            flush=True,
        )
        built = build_database(home / DB_FILE)
        print(f"  built in {built:.1f} s; signing in with hubdesk-cli ...", flush=True)
        sign_in(home, keyring_file)
    if not system_keyring:
        return home, keyring_file
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        sys.exit(
            "--system-keyring needs a desktop session with a Secret Service: run it "
            "under scripts/desktop_session.py"
        )
    system_home = folder / "home-system-keyring"
    shutil.rmtree(system_home, ignore_errors=True)
    system_home.mkdir(parents=True)
    shutil.copy2(home / DB_FILE, system_home / DB_FILE)
    print("signing in with hubdesk-cli into the desktop's keyring ...", flush=True)
    sign_in(system_home, None)
    return system_home, None


# --- running children -----------------------------------------------------------------
def remove_stale_socket(home: Path) -> None:
    """The children end with ``os._exit``, which leaves the single-instance socket file a
    quit would remove: as after a crash, the next start would then probe it (QtNetwork).
    Removed here, so every run starts as after a clean quit. (Only where the socket
    outlives the run folder: under ``XDG_RUNTIME_DIR``, e.g. in the desktop session.)"""
    from hubdesk.app.single_instance import server_location

    name, _lock = server_location(home)
    if sys.platform != "win32":
        Path(name).unlink(missing_ok=True)


@dataclass
class Child:
    spawn_to_frame: float  # seconds: the window's first completed paint
    spawn_to_paint: float
    spawn_to_content: float  # the list's first completed paint with cached rows (goal)
    spawn_to_full: float  # ... with every conversation (info)
    result: dict[str, Any]


def run_child(
    mode: str, home: Path, keyring_file: Path | None, scratch: Path, rounds: int = 0
) -> Child:
    run_home = scratch / "run"
    if run_home.exists():
        shutil.rmtree(run_home)
    if mode == "app":  # a fresh copy each time: a run must not see the last one's writes
        shutil.copytree(home, run_home)
        remove_stale_socket(run_home)
        os.sync()
    argv = [sys.executable, str(CHILD), mode] + (["--ops", str(rounds)] if rounds else [])
    env = child_env(run_home, keyring_file, scratch / "pycache")
    env["UIBENCH_ROWS"] = str(CONVERSATIONS)
    t0 = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    line = next((s for s in done.stdout.splitlines() if s.startswith("UIBENCH ")), None)
    if line is None:
        sys.exit(f"{mode} child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("UIBENCH "))
    if "error" in result:
        sys.exit(f"{mode} child: {result['error']}\n{done.stderr}")
    return Child(
        result["t_frame"] - t0,
        result["t_paint"] - t0,
        result["t_content"] - t0,
        result["t_full"] - t0,
        result,
    )


# --- reporting --------------------------------------------------------------------------
def values(rows: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] / 1000 for r in rows if r.get(key) is not None]


def mb(kb: float) -> float:
    return kb / 1024


def memory_table(rows: list[Measurement], where: str) -> int:
    print(f"\n== memory (VmRSS, MB; session in {where}; FAIL = over limit by > 20 %) ==")
    header = (
        f"{'measurement':<46}  {'median':>8}  {'min':>8}  {'max':>8}  {'runs':>4}  "
        f"{'limit':>8}  {'ratio':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        limit = "-" if r.limit is None else f"{r.limit:.1f}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        print(
            f"{r.name:<46}  {r.median:>8.1f}  {min(r.samples):>8.1f}  {max(r.samples):>8.1f}"
            f"  {len(r.samples):>4}  {limit:>8}  {ratio:>6}  {r.verdict}"
            f"{'  ' + r.note if r.note else ''}"
        )
    return 1 if any(r.verdict == "FAIL" for r in rows) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=7, help="bare/app start-up pairs")
    parser.add_argument("--ops-runs", type=int, default=3, help="app processes for ops")
    parser.add_argument("--rounds", type=int, default=4, help="open/filter rounds per process")
    parser.add_argument(
        "--profile",
        type=Path,
        help="build the profile here and keep it (reused when it already holds one)",
    )
    parser.add_argument(
        "--system-keyring",
        action="store_true",
        help="keep the session in the desktop's keyring (Secret Service), "
        "as a signed-in user's is, not in a file keyring; run under "
        "scripts/desktop_session.py",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hubdesk-uibench-"))
    try:
        home, keyring_file = prepare(args.profile or scratch / "profile", args.system_keyring)
        return measure(args, home, keyring_file, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(args: argparse.Namespace, home: Path, keyring_file: Path | None, scratch: Path) -> int:
    where = "the desktop's Secret Service" if keyring_file is None else "a file keyring"
    bench = Bench(
        f"ui: {MESSAGES:,} messages, {CONVERSATIONS:,} conversations cached; session in {where}"
    )
    print("warming up (one untimed run of each) ...", flush=True)
    run_child("bare", home, keyring_file, scratch)
    run_child("app", home, keyring_file, scratch)

    bare: list[Child] = []
    app: list[Child] = []
    for i in range(args.pairs):
        order = ("bare", "app") if i % 2 == 0 else ("app", "bare")
        for mode in order:
            child = run_child(mode, home, keyring_file, scratch)
            (bare if mode == "bare" else app).append(child)
            if mode == "app" and child.result.get("rows") != CONVERSATIONS:
                sys.exit(f"the full list showed {child.result.get('rows')} conversations")
            if mode == "app" and not child.result.get("rows_content"):
                sys.exit("the list never painted cached conversations")
        print(
            f"  pair {i + 1}: bare {bare[-1].spawn_to_frame * 1000:.0f} ms, "
            f"app frame {app[-1].spawn_to_frame * 1000:.0f} / content "
            f"{app[-1].spawn_to_content * 1000:.0f} / full list "
            f"{app[-1].spawn_to_full * 1000:.0f} ms",
            flush=True,
        )

    ops = []
    for i in range(args.ops_runs):
        ops.append(run_child("app", home, keyring_file, scratch, rounds=args.rounds).result)
        print(
            f"  ops run {i + 1}: big thread open median {ops[-1]['big_open_median']:.1f} ms",
            flush=True,
        )

    bare_frame = [c.spawn_to_frame for c in bare]
    app_content = [c.spawn_to_content for c in app]
    ratios = [a / b for a, b in zip(app_content, bare_frame, strict=True)]
    bare_median = statistics.median(bare_frame)
    shown = statistics.median([c.result["rows_content"] for c in app])
    bench.rows.append(
        Measurement("start: bare QMainWindow, spawn to first frame", bare_frame, note="baseline")
    )
    bench.rows.append(
        Measurement(
            "start: HubDesk, spawn to list painted w/ cache",
            app_content,
            START_RATIO * bare_median,
            note=f"the goal: limit {START_RATIO}x bare; app/bare {statistics.median(ratios):.2f}x "
            f"(pair ratios {min(ratios):.2f}-{max(ratios):.2f}); {shown:.0f} newest "
            f"conversations in it",
        )
    )
    frame_ratios = [c.spawn_to_frame / b for c, b in zip(app, bare_frame, strict=True)]
    bench.rows.append(
        Measurement(
            "start: HubDesk, spawn to first frame",
            [c.spawn_to_frame for c in app],
            note=f"window's first completed paint, whatever it shows; "
            f"{statistics.median(frame_ratios):.2f}x bare (info)",
        )
    )
    bench.rows.append(
        Measurement(
            "start: HubDesk, spawn to first Paint event",
            [c.spawn_to_paint for c in app],
            note="paint pass begins (info)",
        )
    )
    bench.rows.append(
        Measurement(
            "start: HubDesk, spawn to all 5,000 rows painted",
            [c.spawn_to_full for c in app],
            note="store worker open (quick_check) + whole list (info)",
        )
    )
    in_child = [c.result["t_content"] - c.result["t_enter"] for c in app]
    bench.rows.append(
        Measurement(
            "start: HubDesk, script entry to list w/ cache",
            in_child,
            note="without interpreter start-up (info)",
        )
    )

    opens = [o for r in ops for o in r["opens"]]
    big = [o for o in opens if o["partner"] == "447400000000"]
    small = [o for o in opens if o["partner"] != "447400000000"]
    assert all(o["header"] and o["rows"] > 0 for o in opens), opens
    bench.rows.append(
        Measurement(
            "thread: click on 10k thread's row to painted",
            values(big, "ms"),
            THREAD_MS / 1000,
            note=f"{big[0]['rows']} rows shown of {big[0]['entries']} loaded; "
            f"at bottom {sum(o['at_bottom'] for o in big)}/{len(big)}",
        )
    )
    first_big = [r["opens"][0]["ms"] / 1000 for r in ops]
    bench.rows.append(
        Measurement("thread: same, first open in a process", first_big, note="cold caches (info)")
    )
    bench.rows.append(
        Measurement(
            "thread: click on a small thread's row to painted", values(small, "ms"), note="info"
        )
    )
    whole = [w for r in ops for w in r["whole"]]
    bench.rows.append(
        Measurement(
            "thread: all 10,000 entries set on the model, painted",
            values(whole, "ms"),
            note=f"stress, not the app's path (it loads 50): set_entries "
            f"{statistics.median(values(whole, 'set_ms')) * 1000:.1f} ms (info)",
        )
    )

    keys = [k for r in ops for k in r["keys"]]
    narrowing = [k for k in keys if k["typed"] != "\b"]
    widening = [k for k in keys if k["typed"] == "\b"]
    bench.rows.append(
        Measurement(
            "search key: handled + field repainted (UI thread)",
            values(keys, "echo_ms"),
            KEY_MS / 1000,
            note="QTest.keyClick to the line edit's paint done",
        )
    )
    bench.rows.append(
        Measurement(
            "search key: hits applied + painted (UI)",
            values(keys, "apply_ms"),
            KEY_MS / 1000,
            note="from the hits on the UI thread to their list's paint",
        )
    )
    bench.rows.append(
        Measurement(
            "search key: hits to model updated (UI)",
            values(keys, "to_model_ms"),
            note="info: filter + diff/reset",
        )
    )
    bench.rows.append(
        Measurement(
            "search key: same, typing",
            values(narrowing, "apply_ms"),
            note="info",
        )
    )
    bench.rows.append(
        Measurement("search key: same, erasing", values(widening, "apply_ms"), note="info")
    )
    bench.rows.append(
        Measurement(
            "search key: clearing it (the list of 5,000 shown again)",
            values([k for k in keys if not k["searching"]], "apply_ms"),
            note="info: the list was hidden, not rebuilt",
        )
    )
    bench.rows.append(
        Measurement(
            "search key: search on the DB worker",
            values(narrowing, "search_ms"),
            note="info (off UI thread)",
        )
    )
    bench.rows.append(
        Measurement(
            "search key: key to hits painted, end to end",
            values(keys, "total_ms"),
            note="info: includes the 120 ms debounce (window.SEARCH_DEBOUNCE_MS)",
        )
    )
    status = bench.report()

    bare_rss = [mb(c.result["VmRSS"]) for c in bare]
    limit = statistics.median(bare_rss) + RSS_EXTRA_MB
    memory = [
        Measurement("bare QMainWindow at first frame", bare_rss, note="baseline"),
        Measurement(
            "HubDesk at first frame",
            [mb(c.result["VmRSS"]) for c in app],
            limit,
            note=f"limit bare + {RSS_EXTRA_MB:.0f} MB",
        ),
        Measurement(
            "HubDesk after opening threads and filtering",
            [mb(r["rss_end"]["VmRSS"]) for r in ops],
            limit,
            note=f"limit bare + {RSS_EXTRA_MB:.0f} MB",
        ),
        Measurement(
            "HubDesk peak (VmHWM) over that session",
            [mb(r["rss_end"]["VmHWM"]) for r in ops],
            note="info",
        ),
        Measurement(
            "HubDesk after the 10,000-entry model stress",
            [mb(r["rss_stress"]["VmRSS"]) for r in ops],
            note="info",
        ),
    ]
    return max(status, memory_table(memory, where))


if __name__ == "__main__":
    sys.exit(main())
