"""``python -m hubdesk.selftest`` and ``hubdesk --self-test`` (the same run), in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubdesk.selftest import STEPS

ROOT = Path(__file__).resolve().parents[2]
FAKES = ROOT / "tests" / "fakes"
IN_SESSION = os.environ.get("HUBDESK_DESKTOP_SESSION") == "1"


def _run(
    tmp_path: Path, *, command: tuple[str, ...] = ("-m", "hubdesk.selftest"), **extra: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test picks offscreen itself
    env["HUBDESK_HOME"] = str(tmp_path / "user-profile")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(FAKES), env.get("PYTHONPATH", "")])
    env.update(extra)
    return subprocess.run(
        [sys.executable, *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
    )


def _keyring_env(tmp_path: Path) -> dict[str, str]:
    if IN_SESSION:
        return {}  # the session's gnome-keyring: the Secret Service backend
    return {
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        "HUBDESK_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
    }


@pytest.mark.parametrize(
    "command",
    [("-m", "hubdesk.selftest"), ("-m", "hubdesk", "--self-test")],
    ids=["python -m hubdesk.selftest", "hubdesk --self-test"],
)
def test_self_test_passes_every_step(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = _run(tmp_path, command=command, **_keyring_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    oks = [line.split(" ", 2)[1] for line in lines if line.startswith("ok: ")]
    assert oks == list(STEPS)
    assert lines[-1] == f"self-test passed ({len(STEPS)} steps)"
    detail = {line.split(" ", 2)[1]: line for line in lines if line.startswith("ok: ")}
    assert "offscreen" in detail["qt"]
    assert "one POST /sms/send" in detail["send"]
    assert "stored and announced" in detail["receive"]
    assert "painted" in detail["window"]
    if IN_SESSION:
        assert "SecretService" in detail["keyring"], detail["keyring"]
    else:
        assert "file_keyring.FileKeyring" in detail["keyring"]
    # The user's profile and keyring are not touched: everything was temporary.
    assert not (tmp_path / "user-profile").exists()
    assert not (tmp_path / "keyring.json").exists()


def test_no_keyring_backend_fails_the_keyring_step(tmp_path: Path) -> None:
    done = _run(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("FAILED at keyring: no usable keyring backend"), done.stdout
    assert "ok: window" in done.stdout


@pytest.mark.parametrize("argv", [["--help"]])
def test_help_exits_zero(argv: list[str]) -> None:
    from hubdesk.selftest import main

    assert main(argv) == 0
