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
from tests.demo_process import run_demo_until_synced
from tests.fixtures_desktop import IN_SESSION, DesktopSession

ROOT = Path(__file__).resolve().parents[2]
# The goal, reached: the Linux bundle is ~118 MB (MiB of file contents) with PySide6's
# ICU data trimmed (packaging/linux/trim_icu.py), 135 MB before.
LIMIT_MB = 120
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
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ICU is trimmed on Linux")
def test_bundle_icu_data_trimmed_and_equivalent(bundle: Path) -> None:
    """Qt gives the same collation, case mapping, zone names, codecs and text layout."""
    (icudata,) = [p for p in (bundle / "_internal").rglob("libicudata.so.*") if not p.is_symlink()]
    assert icudata.stat().st_size < 20 * 1024 * 1024  # trimmed (the wheel's is 32 MB)
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "linux" / "icu_check.py"), "--compare",
         str(icudata)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ICU is trimmed on Linux")
def test_trim_icu_rebuilds_the_package_byte_for_byte() -> None:
    """With nothing left out, trim_icu's reader and writer give back the wheel's data."""
    import runpy

    import PySide6

    tools = runpy.run_path(str(ROOT / "packaging" / "linux" / "trim_icu.py"))
    (wheel,) = (Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*")
    symbol, data = tools["read_elf_symbol"](wheel)
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    header, items = tools["parse_package"](data)
    assert tools["build_package"](header, items) == data
    names = [name.split("/", 1)[1] for name, _blob in items]
    kept = [n for n in names if not tools["dropped"](n)]
    assert any(n.startswith("coll/") for n in kept) and any(n.startswith("zone/") for n in kept)
    assert any(n.endswith(".cnv") for n in kept) and "root.res" in kept
    assert not any(n.startswith(("brkitr/", "lang/", "curr/")) for n in kept)


def test_bundle_demo_signs_in_syncs_and_quits(bundle: Path, tmp_path: Path) -> None:
    """--demo from the bundle: the simulator's web stack, sign-in and first sync."""
    code, out = run_demo_until_synced([str(bundle / EXE), "--demo", "-v"], tmp_path)
    assert code == 0, out
    assert "/api/oauth/token" in out and "/api/sms/list" in out
    assert "Traceback" not in out


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
    lines = done.stdout.splitlines()
    oks = [line.split(" ", 2)[1] for line in lines if line.startswith("ok: ")]
    skipped = [line.split(" ", 2)[1] for line in lines if line.startswith("skipped: ")]
    # The session has a tray, dunst and gnome-keyring; this bundle is not installed, so
    # nothing makes it the tel:/sms: handler (install-user.sh would).
    assert skipped == ["url-schemes"], done.stdout
    assert oks == [step for step in STEPS if step != "url-schemes"]
    assert "SecretService" in done.stdout and "org.freedesktop.Notifications" in done.stdout
