"""``python -m hubdesk.selftest`` and ``hubdesk --self-test`` (the same run), in a subprocess.

Linux: offscreen, with a file keyring or inside scripts/test's desktop session (its
notification server and Secret Service). Windows and macOS (the CI runners): Qt's native
platform, the real Credential Locker or Keychain, the real tray.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubdesk.selftest import STEPS
from tests.platforms import LINUX, MACOS, WINDOWS

ROOT = Path(__file__).resolve().parents[2]
FAKES = ROOT / "tests" / "fakes"
IN_SESSION = os.environ.get("HUBDESK_DESKTOP_SESSION") == "1"


def _run(
    tmp_path: Path, *, command: tuple[str, ...] = ("-m", "hubdesk.selftest"), **extra: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test picks the platform itself
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
    if IN_SESSION or not LINUX:
        return {}  # the session's gnome-keyring, the Credential Locker or the Keychain
    return {
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        "HUBDESK_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
    }


def _results(stdout: str) -> tuple[dict[str, str], dict[str, str]]:
    """(passed step -> its line, skipped step -> its line), from the report."""
    lines = stdout.splitlines()
    ok = {line.split(" ", 2)[1]: line for line in lines if line.startswith("ok: ")}
    skipped = {line.split(" ", 2)[1]: line for line in lines if line.startswith("skipped: ")}
    return ok, skipped


def _qt_platform() -> str:
    if WINDOWS or MACOS:
        return "windows" if WINDOWS else "cocoa"
    return "offscreen"  # _run unsets QT_QPA_PLATFORM: on Linux the self-test picks this


def _expected_skips() -> set[str]:
    if WINDOWS or MACOS:
        return {"url-schemes"}  # not a bundle: only an installed HubDesk is registered
    if IN_SESSION:
        return {"tray", "url-schemes"}  # offscreen has no tray; the session's dunst answers
    return {"tray", "notification", "url-schemes"}


@pytest.mark.parametrize(
    "command",
    [("-m", "hubdesk.selftest"), ("-m", "hubdesk", "--self-test")],
    ids=["python -m hubdesk.selftest", "hubdesk --self-test"],
)
def test_self_test_passes_every_step(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = _run(tmp_path, command=command, **_keyring_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    ok, skipped = _results(done.stdout)
    reported = [line.split(" ", 2)[1] for line in lines if line.startswith(("ok: ", "skipped: "))]
    assert reported == list(STEPS)  # every step, in order, once
    assert set(skipped) == _expected_skips(), done.stdout
    assert lines[-1] == f"self-test passed ({len(ok)} steps, {len(skipped)} skipped)"
    assert f"platform {_qt_platform()}" in ok["qt"]
    assert "one POST /sms/send" in ok["send"]
    assert "stored and announced" in ok["receive"]
    assert "painted" in ok["window"]
    if WINDOWS:
        assert "WinVaultKeyring" in ok["keyring"] and "deleted a throwaway item" in ok["keyring"]
    elif MACOS:
        assert "macOS.Keyring" in ok["keyring"] and "deleted a throwaway item" in ok["keyring"]
    elif IN_SESSION:
        assert "SecretService" in ok["keyring"], ok["keyring"]
        assert "org.freedesktop.Notifications showed it" in ok["notification"]
    else:
        assert "file_keyring.FileKeyring" in ok["keyring"]
    if LINUX:
        assert "(Qt platform offscreen)" in skipped["tray"]
    # The user's profile and keyring are not touched: everything was temporary.
    assert not (tmp_path / "user-profile").exists()
    assert not (tmp_path / "keyring.json").exists()


def test_strict_fails_at_the_first_skipped_step_and_the_report_file_has_it_all(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.txt"
    done = _run(
        tmp_path,
        command=("-m", "hubdesk.selftest", "--strict", "--report", str(report)),
        **_keyring_env(tmp_path),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    first_skip = min(_expected_skips(), key=STEPS.index)
    last = done.stdout.splitlines()[-1]
    assert last.startswith(f"FAILED at {first_skip}: skipped, and --strict was given: ")
    assert report.read_text(encoding="utf-8") == done.stdout


def test_no_keyring_backend_fails_the_keyring_step(tmp_path: Path) -> None:
    done = _run(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("FAILED at keyring: no usable keyring backend"), done.stdout
    assert "ok: window" in done.stdout


def test_help_exits_zero_and_a_wrong_option_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hubdesk.selftest import main

    assert main(["--help"]) == 0
    assert "--strict" in capsys.readouterr().out
    assert main(["--bogus"]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_an_unwritable_report_file_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hubdesk.selftest import main

    where = tmp_path / "no such folder" / "report.txt"
    assert main(["--report", str(where)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cannot write the report {where}: ") and "Traceback" not in err
