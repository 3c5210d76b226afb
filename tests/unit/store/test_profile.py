"""The profile folder and its config.json (non-secret login facts)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.store.profile import (
    DEFAULT_API_URL,
    Profile,
    ProfileError,
    clear_profile,
    home_dir,
    load_profile,
    resolve_base_url,
    save_profile,
)
from tests.platforms import LINUX, POSIX, posix_only

PROFILE = Profile(
    base_url="http://127.0.0.1:8765/api",
    client_id="hubdesk-demo",
    username="demo@hubwork.test",
    user_id=2,
    user_name="Demo Front Desk",
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- home_dir ---------------------------------------------------------------------------


def test_home_dir_is_hubdesk_home_created_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a" / "profile"
    monkeypatch.setenv("HUBDESK_HOME", str(target))
    assert home_dir() == target
    assert target.is_dir()
    if POSIX:
        assert mode(target) == 0o700


@posix_only("file modes")
def test_home_dir_makes_an_existing_group_readable_folder_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path.chmod(0o750)
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    assert home_dir() == tmp_path
    assert mode(tmp_path) == 0o700


def test_an_unusable_home_dir_is_a_profile_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "f"
    a_file.write_text("x")
    monkeypatch.setenv("HUBDESK_HOME", str(a_file))
    with pytest.raises(ProfileError, match=re.escape(f"profile folder {a_file} is a file")):
        home_dir()
    if POSIX:  # a folder nobody may create (on Windows /proc is just C:\proc)
        monkeypatch.setenv("HUBDESK_HOME", "/proc/hubdesk-cannot-be-here")
        with pytest.raises(ProfileError, match="Cannot create the profile folder /proc/hubdesk"):
            home_dir()


def test_home_dir_defaults_to_the_platform_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBDESK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    expected = Path(platformdirs.user_data_dir("HubDesk", "HubWork"))
    assert home_dir() == expected
    assert expected.is_dir()
    if LINUX:  # XDG_DATA_HOME is the Linux data folder; Windows and macOS have their own
        assert expected.is_relative_to(tmp_path) and mode(expected) == 0o700


# -- config.json ------------------------------------------------------------------------


def test_nothing_saved_loads_none(tmp_path: Path) -> None:
    assert load_profile(tmp_path) is None


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    save_profile(tmp_path, PROFILE)
    assert load_profile(tmp_path) == PROFILE
    minimal = Profile(base_url=PROFILE.base_url, client_id="c", username="u")
    save_profile(tmp_path, minimal)
    assert load_profile(tmp_path) == minimal


@given(
    st.builds(
        Profile,
        base_url=st.text(min_size=1),
        client_id=st.text(),
        username=st.text(),
        user_id=st.none() | st.integers(),
        user_name=st.none() | st.text(),
    )
)
def test_any_profile_round_trips(profile: Profile) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        save_profile(Path(folder), profile)
        assert load_profile(Path(folder)) == profile


@posix_only("file modes")
def test_config_is_private_from_creation_even_with_a_lax_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file must be created 0600, not chmod-ed afterwards")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    old_umask = os.umask(0)
    try:
        save_profile(tmp_path, PROFILE)
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "config.json") == 0o600


@posix_only("file modes")
def test_rewriting_a_world_readable_config_makes_it_private(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    config.chmod(0o644)
    save_profile(tmp_path, PROFILE)
    assert mode(config) == 0o600
    assert load_profile(tmp_path) == PROFILE


def test_config_holds_only_the_profile_fields(tmp_path: Path) -> None:
    save_profile(tmp_path, PROFILE)
    data = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "base_url": "http://127.0.0.1:8765/api",
        "client_id": "hubdesk-demo",
        "username": "demo@hubwork.test",
        "user_id": 2,
        "user_name": "Demo Front Desk",
    }


def test_failed_write_keeps_the_old_config_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_profile(tmp_path, PROFILE)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        save_profile(tmp_path, Profile(base_url="https://x.test/api", client_id="c", username="u"))
    monkeypatch.undo()
    assert load_profile(tmp_path) == PROFILE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


def test_save_creates_the_folder(tmp_path: Path) -> None:
    save_profile(tmp_path / "new", PROFILE)
    assert load_profile(tmp_path / "new") == PROFILE


def test_clear_forgets_and_is_idempotent(tmp_path: Path) -> None:
    save_profile(tmp_path, PROFILE)
    clear_profile(tmp_path)
    assert load_profile(tmp_path) is None
    clear_profile(tmp_path)
    assert load_profile(tmp_path) is None


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"version": 2, "base_url": "u", "client_id": "c", "username": "n", "x": 1})
    )
    assert load_profile(tmp_path) == Profile(base_url="u", client_id="c", username="n")


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        "[1, 2]",
        '{"client_id": "c", "username": "n"}',
        '{"base_url": 5, "client_id": "c", "username": "n"}',
        '{"base_url": "u", "client_id": "c", "username": "n", "user_id": "2"}',
        '{"base_url": "u", "client_id": "c", "username": "n", "user_id": true}',
    ],
)
def test_damaged_config_is_a_clear_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "config.json").write_text(content)
    with pytest.raises(ProfileError, match="config.json"):
        load_profile(tmp_path)


# -- base URL ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli", "env", "saved", "expected"),
    [
        (
            "http://127.0.0.1:1/api",
            "http://127.0.0.1:2/api",
            "http://127.0.0.1:3/api",
            "http://127.0.0.1:1/api",
        ),
        (None, "http://127.0.0.1:2/api", "http://127.0.0.1:3/api", "http://127.0.0.1:2/api"),
        (None, None, "http://127.0.0.1:3/api", "http://127.0.0.1:3/api"),
        (None, "", "http://127.0.0.1:3/api", "http://127.0.0.1:3/api"),
        ("", None, None, DEFAULT_API_URL),
        (None, None, None, DEFAULT_API_URL),
        (" http://127.0.0.1:1/api/ ", None, None, "http://127.0.0.1:1/api"),
    ],
)
def test_base_url_precedence(
    monkeypatch: pytest.MonkeyPatch,
    cli: str | None,
    env: str | None,
    saved: str | None,
    expected: str,
) -> None:
    if env is None:
        monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    else:
        monkeypatch.setenv("HUBDESK_API_URL", env)
    profile = Profile(base_url=saved, client_id="c", username="u") if saved else None
    assert resolve_base_url(cli, profile) == expected


def test_production_is_the_default() -> None:
    assert DEFAULT_API_URL == "https://smsapi.thehubwork.com/api"
