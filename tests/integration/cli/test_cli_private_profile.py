"""Real ``hubdesk-cli`` runs in a profile folder that existed (0755) under umask 022: the
folder becomes 0700 and everything written in it, and every export, is 0600."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli.cli_harness import Cli

if sys.platform == "win32":  # also tells mypy --platform win32 that what follows is POSIX's
    pytest.skip("Windows: the profile is protected by its AppData ACL", allow_module_level=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)  # inherited by the CLI processes
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def open_home(cli: Cli) -> Cli:
    cli.home.mkdir()
    cli.home.chmod(0o755)
    return cli


def test_a_world_readable_profile_is_made_private(open_home: Cli, tmp_path: Path) -> None:
    cli = open_home
    cli.login()
    cli.sim.state.inject_inbound("447400111222", "Private, please")
    assert cli("sync", "--backfill-days", "0").code == 0
    assert cli("contacts", "add", "Ann", "07400111222").code == 0
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o755)
    for name in ("contacts.csv", "contacts.vcf"):
        run = cli("contacts", "export", str(exports / name))
        assert run.code == 0, run
    assert mode(cli.home) == 0o700
    files = {p.name: mode(p) for p in cli.home.iterdir() if p.is_file()}
    assert files["hubdesk.sqlite3"] == 0o600 and files["config.json"] == 0o600
    assert {m for m in files.values()} == {0o600}, files  # locks and all
    assert {p.name: mode(p) for p in exports.iterdir()} == {
        "contacts.csv": 0o600,
        "contacts.vcf": 0o600,
    }  # and no temporary file left behind
    assert "Warning" not in "".join(r.stderr for r in cli.runs)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_profile_folder_we_cannot_tighten_is_one_line_on_stderr(open_home: Cli) -> None:
    os.chown(open_home.home, 65534, 65534)  # someone else's folder
    run = open_home("conversations")
    assert run.code == 0, run
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"Warning: The profile folder {open_home.home} (mode 0755)")
    assert "may be readable by other users" in line and "belongs to another user" in line
    assert mode(open_home.home) == 0o755  # not ours to change
