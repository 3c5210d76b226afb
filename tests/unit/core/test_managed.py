"""core.managed: the machine's managed.toml — where it is, what it may hold, and errors
that name the file, the key and the line (never a value)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubdesk.core.errors import describe_error
from hubdesk.core.managed import (
    ENV_MANAGED_CONFIG,
    MAX_MANAGED_BYTES,
    ManagedConfig,
    ManagedConfigError,
    load_managed,
    managed_config_path,
)

GOOD = """\
# written by the installer
base_url = "https://smsapi.thehubwork.com/api/"
client_id = "hubdesk-acme"
client_secret = "s3cret-value"

[locked]
default_sender_id = "ACME"
poll_interval = 30
notifications = true
start_at_login = false
"""


def _write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_good_file_is_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "managed.toml", GOOD)
    config = load_managed({ENV_MANAGED_CONFIG: str(path)})
    assert config == ManagedConfig(
        path,
        "https://smsapi.thehubwork.com/api",
        "hubdesk-acme",
        "s3cret-value",
        {
            "default_sender_id": "ACME",
            "poll_interval": 30,
            "notifications": True,
            "start_at_login": False,
        },
    )
    assert config.has_client
    assert "s3cret-value" not in repr(config)


def test_every_key_is_optional(tmp_path: Path) -> None:
    path = _write(tmp_path / "managed.toml", "[locked]\nnotifications = false\n")
    config = load_managed({ENV_MANAGED_CONFIG: str(path)})
    assert config is not None and not config.has_client and config.base_url is None
    assert config.locked == {"notifications": False}
    empty = _write(tmp_path / "empty.toml", "\ufeff# nothing yet\n")  # a BOM, as Notepad writes
    assert load_managed({ENV_MANAGED_CONFIG: str(empty)}) == ManagedConfig(empty)


@pytest.mark.parametrize(
    ("text", "key", "line", "problem"),
    [
        ('base_url = "http://example.com/api"\n', "base_url", 1, "plain http"),
        ('client_id = "x"\n', "client_secret", None, "together with 'client_id'"),
        ('client_secret = "x"\n', "client_id", None, "together with 'client_secret'"),
        ('\nclient_id = ""\nclient_secret = "x"\n', "client_id", 2, "non-empty text"),
        ("client_id = 42\n", "client_id", 1, "non-empty text"),
        ('base_url = "https://a.test"\nclient_idd = "x"\n', "client_idd", 2, "unknown key"),
        ("[locked]\ntheme = 'dark'\n", "locked.theme", 2, "cannot be locked"),
        ("[locked]\n\npoll_interval = '30'\n", "locked.poll_interval", 3, "whole number"),
        ("[locked]\npoll_interval = 2\n", "locked.poll_interval", 2, "at least 5"),
        ("[locked]\nnotifications = 1\n", "locked.notifications", 2, "true or false"),
        ("[locked]\ndefault_sender_id = 'A B'\n", "locked.default_sender_id", 2, "Default"),
        ('locked = "yes"\n', "locked", 1, "must be a table"),
    ],
)
def test_a_bad_file_names_the_file_the_key_and_the_line(
    tmp_path: Path, text: str, key: str, line: int | None, problem: str
) -> None:
    path = _write(tmp_path / "managed.toml", text)
    with pytest.raises(ManagedConfigError) as caught:
        load_managed({ENV_MANAGED_CONFIG: str(path)})
    error = caught.value
    assert (error.path, error.key, error.line) == (path, key, line)
    message = describe_error(error)
    assert str(path) in message and f"'{key}'" in message and problem in message
    if line is not None:
        assert f"(line {line})" in message


def test_syntax_errors_carry_tomls_line_and_no_value(tmp_path: Path) -> None:
    path = _write(tmp_path / "managed.toml", 'client_id = "a"\nclient_secret = "oops-secret\n')
    with pytest.raises(ManagedConfigError, match=r"not valid TOML .*line 2") as caught:
        load_managed({ENV_MANAGED_CONFIG: str(path)})
    assert "oops-secret" not in str(caught.value)
    wrong_type = _write(tmp_path / "t.toml", 'client_id = "a"\nclient_secret = ["not-text"]\n')
    with pytest.raises(ManagedConfigError) as caught:
        load_managed({ENV_MANAGED_CONFIG: str(wrong_type)})
    assert "not-text" not in str(caught.value) and "'client_secret' (line 2)" in str(caught.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_file_in_a_folder_every_user_may_write_is_refused(tmp_path: Path) -> None:
    # The file itself 0644, its folder 0777 (a careless installer): anyone could delete
    # it and put their own managed.toml (another base_url) in its place. It was read.
    folder = tmp_path / "hubdesk"
    path = _write(folder / "managed.toml", GOOD)
    folder.chmod(0o777)
    with pytest.raises(ManagedConfigError, match="its folder .* every user of this machine"):
        load_managed({ENV_MANAGED_CONFIG: str(path)})
    folder.chmod(0o1777)  # sticky, as /tmp: only the owner may replace the file
    assert load_managed({ENV_MANAGED_CONFIG: str(path)}) is not None
    folder.chmod(0o755)
    assert load_managed({ENV_MANAGED_CONFIG: str(path)}) is not None


def test_not_utf8_missing_and_world_writable_files_are_refused(tmp_path: Path) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'client_id = "caf\xe9"\n')
    with pytest.raises(ManagedConfigError, match="not UTF-8"):
        load_managed({ENV_MANAGED_CONFIG: str(latin)})
    with pytest.raises(ManagedConfigError, match="does not exist") as caught:
        load_managed({ENV_MANAGED_CONFIG: str(tmp_path / "nowhere.toml")})
    assert ENV_MANAGED_CONFIG in str(caught.value)
    if os.name == "posix":
        open_to_all = _write(tmp_path / "open.toml", GOOD, mode=0o666)
        with pytest.raises(ManagedConfigError, match="every user of this machine may change it"):
            load_managed({ENV_MANAGED_CONFIG: str(open_to_all)})


def test_a_file_far_larger_than_any_real_one_is_refused_unread(tmp_path: Path) -> None:
    """A few hundred bytes is a real file; 50 MB made every command take seconds."""
    huge = _write(tmp_path / "huge.toml", GOOD + "# " + "x" * (MAX_MANAGED_BYTES + 1) + "\n")
    with pytest.raises(ManagedConfigError, match="larger than any managed file"):
        load_managed({ENV_MANAGED_CONFIG: str(huge)})
    just = _write(tmp_path / "just.toml", GOOD + "# " + "x" * 1000 + "\n")
    assert load_managed({ENV_MANAGED_CONFIG: str(just)}) is not None


def test_where_each_os_keeps_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    dirs = f"relative/ignored:{first}:{second}"
    env = {"XDG_CONFIG_DIRS": dirs}
    assert managed_config_path(env, "linux") is None  # no file anywhere: no managed config
    later = _write(second / "hubdesk" / "managed.toml", "")
    assert managed_config_path(env, "linux") == later
    earlier = _write(first / "hubdesk" / "managed.toml", "")
    assert managed_config_path(env, "linux") == earlier  # the first folder that holds one
    # The environment variable wins over the system place.
    named = _write(tmp_path / "elsewhere.toml", "")
    assert managed_config_path({**env, ENV_MANAGED_CONFIG: str(named)}, "linux") == named
    # Windows: %ProgramData%\\HubDesk; macOS: /Library/Application Support/HubDesk.
    program_data = tmp_path / "ProgramData"
    windows = _write(program_data / "HubDesk" / "managed.toml", "")
    assert managed_config_path({"ProgramData": str(program_data)}, "win32") == windows
    assert managed_config_path({}, "darwin") in (
        None,
        Path("/Library/Application Support/HubDesk/managed.toml"),
    )
