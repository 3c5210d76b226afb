"""Build the PyInstaller bundle from build.spec and run it: minutes, so marked ``slow``.

Run with ``pytest -m slow tests/packaging/test_bundle.py`` (scripts/bundle does the same
for CI). Builds into temporary dist/work folders, then runs ``hubdesk --version`` and
``hubdesk --self-test`` in a headless desktop session (Xvfb + gnome-keyring), so the
bundle paints on X11 and finds the Secret Service keyring backend.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hubdesk
from hubdesk.selftest import STEPS
from tests.fixtures_desktop import IN_SESSION, DesktopSession

ROOT = Path(__file__).resolve().parents[2]
# The goal is 120 MB; the Linux bundle is ~135 MB today (30 MB of it ICU data that
# QtCore links against), so the guard sits above that until it is trimmed.
LIMIT_MB = 140
EXE = "hubdesk.exe" if sys.platform == "win32" else "hubdesk"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(sys.platform == "darwin", reason="macOS builds HubDesk.app"),
    pytest.mark.skipif(shutil.which("pyinstaller") is None and not (
        Path(sys.executable).with_name("pyinstaller").exists()
    ), reason="PyInstaller is not installed (pip install -e '.[bundle]')"),
]  # fmt: skip


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bundle")
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    done = subprocess.run(
        [str(pyinstaller) if pyinstaller.exists() else "pyinstaller", "--noconfirm",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=840,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    folder = work / "dist" / "HubDesk"
    assert (folder / EXE).is_file()
    return folder


def _in_session(command: list[str]) -> subprocess.CompletedProcess[str]:
    if IN_SESSION:
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    with DesktopSession() as session:
        env = session.child_env()
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def test_bundle_size(bundle: Path) -> None:
    size_mb = _size(bundle) / 1024 / 1024
    assert size_mb <= LIMIT_MB, f"{size_mb:.1f} MB"
    internal = bundle / "_internal"
    # What build.spec leaves out stays out.
    assert not list(internal.rglob("*Qt6Quick*")) and not list(internal.rglob("*Qt6Qml*"))
    assert not list(internal.rglob("*WebEngine*")) and not list(internal.rglob("libgtk-3*"))
    assert not (internal / "phonenumbers" / "geodata").exists()
    plugins = {p.parent.name + "/" + p.name for p in internal.rglob("plugins/*/*")}
    if sys.platform.startswith("linux"):
        assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so",
                "platforms/libqwayland.so", "imageformats/libqsvg.so",
                "iconengines/libqsvgicon.so"} <= plugins  # fmt: skip
    assert (internal / "resources" / "icons" / "hubdesk.svg").is_file()


def test_bundle_version(bundle: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [str(bundle / EXE), "--version"], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert hubdesk.__version__ in done.stdout + done.stderr


def test_bundle_self_test(bundle: Path) -> None:
    done = _in_session([str(bundle / EXE), "--self-test"])
    assert done.returncode == 0, done.stdout + done.stderr
    oks = [line.split(" ", 2)[1] for line in done.stdout.splitlines() if line.startswith("ok: ")]
    assert oks == list(STEPS)
    assert "SecretService" in done.stdout
