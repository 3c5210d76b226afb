"""scripts/bootstrap.sh: which Debian packages a fresh machine still needs (issue 10).

The functions run as the scripts run them, sourced by bash under ``set -euo pipefail``:
a ``dpkg-query`` exit code of 1 (any name unknown) once ended the function silently,
so a fresh machine got nothing installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "scripts" / "bootstrap.sh"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None,
    reason="scripts/bootstrap.sh is for Debian-based systems (bash, dpkg)",
)

#: A dpkg-query with dpkg's behaviour for ``-W -f FORMAT NAME...``: one line per known
#: package, "no packages found" on stderr and exit 1 when any name is unknown.
FAKE_DPKG_QUERY = """#!/usr/bin/env bash
status=0
shift 2  # -W -f=FORMAT
for name in "$@"; do
    if grep -qx -- "$name" "$FAKE_INSTALLED"; then
        printf 'installed %s\\n' "$name"
    else
        printf 'dpkg-query: no packages found matching %s\\n' "$name" >&2
        status=1
    fi
done
exit $status
"""


def _bash(script: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail\nsource {BOOTSTRAP}\n{script}"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


@pytest.fixture
def fake_dpkg(tmp_path: Path) -> tuple[dict[str, str], Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "dpkg-query"
    tool.write_text(FAKE_DPKG_QUERY, encoding="utf-8")
    tool.chmod(0o755)
    installed = tmp_path / "installed"
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", FAKE_INSTALLED=str(installed))
    return env, installed


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian-based system")
def test_a_missing_package_is_reported_beside_installed_ones() -> None:
    done = _bash("hubdesk_missing_debian_packages no-such-package-hubdesk libc6 bash")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["no-such-package-hubdesk"]


def test_every_missing_package_is_reported(fake_dpkg: tuple[dict[str, str], Path]) -> None:
    env, installed = fake_dpkg
    installed.write_text("xvfb\ndunst\n", encoding="utf-8")
    done = _bash("hubdesk_missing_debian_packages xvfb gnome-keyring dunst xdotool", env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["gnome-keyring", "xdotool"]


def test_nothing_installed_reports_everything(fake_dpkg: tuple[dict[str, str], Path]) -> None:
    env, installed = fake_dpkg
    installed.write_text("", encoding="utf-8")
    done = _bash("hubdesk_missing_debian_packages xvfb dunst", env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["xvfb", "dunst"]


def test_the_ubuntu_t64_name_counts_as_installed(fake_dpkg: tuple[dict[str, str], Path]) -> None:
    env, installed = fake_dpkg
    installed.write_text("libglib2.0-0t64\n", encoding="utf-8")
    done = _bash("hubdesk_missing_debian_packages libglib2.0-0 libxcb1", env)
    assert done.stdout.split() == ["libxcb1"]


def test_not_root_prints_one_apt_get_line_and_stops(
    fake_dpkg: tuple[dict[str, str], Path],
) -> None:
    env, installed = fake_dpkg
    installed.write_text("", encoding="utf-8")
    done = _bash(
        "hubdesk_is_root() { false; }\nhubdesk_ensure_debian_packages demo\necho reached", env
    )
    assert done.returncode == 1
    assert "reached" not in done.stdout
    lines = [line.strip() for line in done.stderr.splitlines() if "apt-get install" in line]
    assert len(lines) == 1
    assert lines[0].startswith("sudo apt-get install --no-install-recommends ")
    assert {"libxcb-cursor0", "libglib2.0-0", "fonts-dejavu-core"} <= set(lines[0].split())


def test_the_test_set_includes_the_desktop_session(
    fake_dpkg: tuple[dict[str, str], Path],
) -> None:
    env, installed = fake_dpkg
    installed.write_text("", encoding="utf-8")
    done = _bash("hubdesk_needed_packages test", env)
    needed = set(done.stdout.split())
    assert {"xvfb", "dunst", "gnome-keyring", "xdotool", "shellcheck", "binutils"} <= needed
    assert {"libxcb-cursor0", "fonts-noto-color-emoji", "desktop-file-utils"} <= needed


@pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="no Debian system Python")
def test_a_bundle_with_the_system_python_needs_its_shared_library(
    fake_dpkg: tuple[dict[str, str], Path],
) -> None:
    env, installed = fake_dpkg
    installed.write_text("", encoding="utf-8")
    version = subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    done = _bash("_hubdesk_python_packages bundle /usr/bin/python3", env)
    assert f"libpython{version}" in done.stdout.split()
    demo = _bash("_hubdesk_python_packages demo /usr/bin/python3", env)
    assert f"libpython{version}" not in demo.stdout.split()
