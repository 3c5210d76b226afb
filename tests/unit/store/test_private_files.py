"""The profile is private whatever the folder's mode and the umask (POSIX).

Every test runs under umask 022 (the usual one, under which SQLite and ``open`` create
0644 files) in a real profile folder made 0755 beforehand, as a user or an older
HubDesk would have left it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.logfile import LOG_FILE, PrivateRotatingFileHandler, attach_log_file
from hubdesk.store.private_files import create_private, secure_folder, write_private
from hubdesk.store.profile import (
    CONFIG_FILE,
    DATABASE_FILE,
    Profile,
    home_dir,
    open_home,
    save_profile,
)
from tests.unit.store.conftest import T0

if sys.platform == "win32":  # also tells mypy --platform win32 that what follows is POSIX's
    pytest.skip("Windows: the profile is protected by its AppData ACL", allow_module_level=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An existing, world-readable profile folder named by HUBDESK_HOME."""
    folder = tmp_path / "HubDesk"
    folder.mkdir()
    folder.chmod(0o755)
    monkeypatch.setenv("HUBDESK_HOME", str(folder))
    return folder


def _sms(sms_id: int) -> Sms:
    return Sms(
        sms_id,
        "447400123456",
        "447700900000",
        f"m{sms_id}",
        SmsType.RECEIVED,
        DeliveryStatus.SENT,
        ReadStatus.UNREAD,
        T0,
    )


# -- the folder --------------------------------------------------------------------------


def test_an_existing_open_profile_folder_is_made_private(
    profile: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, "hubdesk.store.private_files"):
        assert open_home() == (profile, None)
    assert mode(profile) == 0o700
    assert "was mode 0755; now 0700" in caplog.text


def test_a_new_profile_folder_is_private_under_any_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0)
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path / "new" / "HubDesk"))
    assert mode(home_dir()) == 0o700


def test_the_home_folder_itself_is_reported_not_changed(
    profile: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HOME", str(profile))  # HUBDESK_HOME=~ : not ours to lock down
    with caplog.at_level(logging.WARNING):
        home, warning = open_home()
    assert home == profile and mode(profile) == 0o755
    assert warning is not None and "\n" not in warning
    assert "may be readable by other users" in warning and "your home folder" in warning
    assert f"chmod 700 {profile}" in warning
    assert warning in caplog.text  # the GUI's only report is the log


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_a_folder_of_another_user_is_reported_not_changed(profile: Path) -> None:
    os.chown(profile, 65534, 65534)
    warning = secure_folder(profile)
    assert warning is not None and "belongs to another user" in warning
    assert mode(profile) == 0o755


# -- the files ---------------------------------------------------------------------------


def test_database_wal_and_shm_are_private(profile: Path) -> None:
    home = home_dir()
    db_path = home / DATABASE_FILE
    with Database.open(db_path) as db:
        db.messages.upsert_messages([_sms(1)])
        wal, shm = (db_path.with_name(db_path.name + s) for s in ("-wal", "-shm"))
        assert wal.exists() and shm.exists()
        assert (mode(db_path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)


def test_files_an_older_version_left_world_readable_are_narrowed(profile: Path) -> None:
    db_path = profile / DATABASE_FILE
    with Database.open(db_path):
        pass
    db_path.chmod(0o644)
    # another connection keeps the WAL and SHM files there, as SQLite made them (0644)
    holder = sqlite3.connect(db_path)
    holder.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
    holder.commit()
    companions = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
    for path in companions:
        path.chmod(0o644)
    try:
        with Database.open(db_path) as db:
            assert db.messages.count() == 0
            assert [mode(p) for p in (db_path, *companions)] == [0o600] * 3
    finally:
        holder.close()


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_the_database_is_0600_and_usable_under_any_umask(profile: Path, umask: int) -> None:
    os.umask(umask)  # 0277 alone would leave SQLite a read-only 0400 file
    db_path = profile / DATABASE_FILE
    with Database.open(db_path) as db:
        db.messages.upsert_messages([_sms(1)])
        assert mode(db_path) == 0o600
        assert mode(db_path.with_name(db_path.name + "-wal")) == 0o600


def test_a_rebuilt_database_is_private_and_the_damaged_one_too(profile: Path) -> None:
    db_path = profile / DATABASE_FILE
    older = profile / f"{DATABASE_FILE}.corrupt-20240101T000000Z"  # kept by an old version
    older.write_bytes(b"messages")
    older.chmod(0o644)
    db_path.write_bytes(b"not a database" * 100)
    db_path.chmod(0o644)
    with Database.open(db_path) as db:
        assert db.recovered_from is not None
        assert mode(db_path) == 0o600 and mode(db.recovered_from) == 0o600
    assert mode(older) == 0o600


def test_config_json_is_private(profile: Path) -> None:
    save_profile(profile, Profile("http://127.0.0.1:1/api", "id", "user"))
    assert mode(profile / CONFIG_FILE) == 0o600
    assert sorted(p.name for p in profile.iterdir()) == [CONFIG_FILE]  # no temp file left


def test_write_private_replaces_atomically_and_privately(tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.csv"]


def test_a_failed_write_private_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.mkdir()  # the rename over it fails: a folder with something in it
    (target / "keep").write_text("kept")
    with pytest.raises(OSError):
        write_private(target, b"rows")
    assert (target / "keep").read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_create_private_narrows_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("x")
    path.chmod(0o666)
    create_private(path)
    assert mode(path) == 0o600 and path.read_text() == "x"


# -- the log -----------------------------------------------------------------------------


def test_the_log_file_and_its_rotations_are_private(profile: Path) -> None:
    handler = attach_log_file(profile)
    assert isinstance(handler, PrivateRotatingFileHandler)
    try:
        handler.maxBytes = 200
        logger = logging.getLogger("hubdesk.test.private")
        logger.setLevel(logging.INFO)
        for i in range(20):
            logger.info("line %d of the log, long enough to rotate soon", i)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    logs = sorted(p for p in profile.iterdir() if p.name.startswith(LOG_FILE))
    assert [p.name for p in logs] == [LOG_FILE, *(f"{LOG_FILE}.{n}" for n in (1, 2, 3))]
    assert {mode(p) for p in logs} == {0o600}
    assert "line 19 of the log" in (profile / LOG_FILE).read_text("utf-8")
