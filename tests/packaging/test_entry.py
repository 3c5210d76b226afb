"""packaging/entry.py, the bundle's entry script: which command goes where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.platforms import posix_only

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "entry.py"


def _entry(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, str(ENTRY), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )


def test_self_test_options_reach_the_self_test() -> None:
    done = _entry("--self-test", "--help")
    assert done.returncode == 0, done.stderr
    assert "--strict" in done.stdout and "--report FILE" in done.stdout


@posix_only("the answer of a system without a Windows registry")
def test_url_registration_outside_windows_is_one_sentence_and_exit_1() -> None:
    for flag in ("--register-url-handlers", "--unregister-url-handlers"):
        done = _entry(flag, "--all-users")
        assert done.returncode == 1
        assert done.stderr == (
            f"hubdesk: tel:/sms: links could not be {flag[2:].split('-')[0]}ed for every "
            "user (HKLM): The Windows registry exists only on Windows.\n"
        )
