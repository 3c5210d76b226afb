"""Staff sign-in without the secret: the real ``hubdesk-cli`` with a real managed.toml
(``HUBDESK_MANAGED_CONFIG``, or the XDG system folder), against the simulator over
loopback, with a file-backed keyring."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.integration.cli.cli_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    USERNAME,
    Cli,
    Run,
)


def _managed(cli: Cli, text: str | None = None, *, name: str = "managed.toml") -> Path:
    path = cli.home.parent / "machine" / name
    path.parent.mkdir(exist_ok=True)
    if text is None:
        text = (
            f'base_url = "{cli.sim.base_url}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def staff(cli: Cli) -> Cli:
    """A machine whose installer wrote managed.toml; no server URL in the environment."""
    path = _managed(cli)
    cli.env["HUBDESK_MANAGED_CONFIG"] = str(path)
    del cli.env["HUBDESK_API_URL"]
    return cli


def _login(cli: Cli, *extra: str, env: Mapping[str, str | None] | None = None) -> Run:
    return cli(
        *extra, "login", "--username", USERNAME, "--password-stdin", input=PASSWORD + "\n", env=env
    )


def test_a_fresh_profile_signs_in_with_username_and_password_only(staff: Cli) -> None:
    run = staff(
        "--json", "login", "--username", USERNAME, "--password-stdin", input=PASSWORD + "\n"
    )
    assert run.code == 0, run
    data = run.json()
    assert data["client_credentials"] == "managed" and data["client_id"] == CLIENT_ID
    assert data["base_url"] == staff.sim.base_url  # from the managed file
    # The secret was copied nowhere: only a marker in the keyring, nothing in the profile.
    assert all(CLIENT_SECRET not in value for value in staff.keyring().values())
    assert [v for k, v in staff.keyring().items() if k.endswith("|client_secret")] == ["m:"]
    assert CLIENT_SECRET not in (staff.home / "config.json").read_text("utf-8")
    who = staff("--json", "whoami").json()
    assert who["base_url"] == staff.sim.base_url
    assert who["client_credentials"] == "managed"
    assert who["managed_config"] == staff.env["HUBDESK_MANAGED_CONFIG"]
    assert "client from the managed configuration" in staff("whoami").stdout
    # Later commands restore the session with the managed secret.
    senders = staff("--json", "senders")
    assert senders.code == 0, senders
    assert len(senders.json()) == 4


def test_the_xdg_system_folder_is_found_without_the_variable(cli: Cli) -> None:
    folder = cli.home.parent / "xdg-a"
    (folder / "hubdesk").mkdir(parents=True)
    (folder / "hubdesk" / "managed.toml").write_text(
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n', encoding="utf-8"
    )
    env = {"XDG_CONFIG_DIRS": f"{cli.home.parent / 'empty'}:{folder}"}
    run = _login(cli, "--json", env=env)
    assert run.code == 0, run
    assert run.json()["client_credentials"] == "managed"


def test_an_expired_session_needs_only_the_password(staff: Cli) -> None:
    assert _login(staff).code == 0
    staff.sim.state.revoke_tokens()
    assert staff("senders").code == 3
    again = staff("login", "--password-stdin", input=PASSWORD + "\n")  # no --username
    assert again.code == 0, again
    assert USERNAME in again.stdout or "200-VasimTest" in again.stdout
    assert staff("senders").code == 0


def test_an_earlier_login_provides_the_client(cli: Cli) -> None:
    cli.login()  # with --client-id and --client-secret, as before
    run = _login(cli, "--json")
    assert run.code == 0, run
    assert run.json()["client_credentials"] == "profile"
    assert cli("--json", "whoami").json()["client_credentials"] == "profile"


def test_without_managed_file_or_earlier_login_it_says_what_is_missing(cli: Cli) -> None:
    run = _login(cli)
    assert run.code == 2, run
    assert "No client ID" in run.stderr and "managed.toml" in run.stderr
    only_id = cli(
        "login",
        "--client-id",
        CLIENT_ID,
        "--username",
        USERNAME,
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert only_id.code == 2 and "No client secret for client ID" in only_id.stderr
    assert cli.requests() == []


def test_precedence_option_over_environment_over_managed_over_profile(staff: Cli) -> None:
    # The managed file names a client the server does not know: whatever beats it wins.
    wrong = _managed(
        staff,
        f'base_url = "{staff.sim.base_url}"\n'
        'client_id = "not-a-client"\nclient_secret = "not-the-secret"\n',
    )
    staff.env["HUBDESK_MANAGED_CONFIG"] = str(wrong)
    assert _login(staff).code == 3  # the managed client
    env = {"HUBDESK_CLIENT_ID": CLIENT_ID, "HUBDESK_CLIENT_SECRET": CLIENT_SECRET}
    by_env = _login(staff, "--json", env=env)
    assert by_env.code == 0 and by_env.json()["client_credentials"] == "environment"
    by_option = staff.login("--json", env={"HUBDESK_CLIENT_ID": "not-a-client"})
    assert by_option.json()["client_credentials"] == "option"
    # Managed beats the profile: the earlier login's client is not used while it names one.
    assert _login(staff).code == 3
    # The base URL: --base-url and HUBDESK_API_URL beat the managed file's.
    unreachable = "http://127.0.0.1:9/api"
    _managed(staff, f'base_url = "{unreachable}"\n', name="url-only.toml")
    staff.env["HUBDESK_MANAGED_CONFIG"] = str(staff.home.parent / "machine" / "url-only.toml")
    direct = staff("--base-url", staff.sim.base_url, "--json", "whoami")
    assert direct.code == 0 and direct.json()["base_url"] == staff.sim.base_url
    via_env = staff("--json", "whoami", env={"HUBDESK_API_URL": staff.sim.base_url})
    assert via_env.code == 0 and via_env.json()["base_url"] == staff.sim.base_url
    from_file = staff("whoami")
    assert from_file.code == 3 and unreachable in from_file.stderr


def test_a_broken_managed_file_never_blocks_cached_history(staff: Cli) -> None:
    assert _login(staff).code == 0
    staff.sim.state.inject_inbound("447400111222", "Can you call me back please?")
    assert staff("sync", "--backfill-days", "0").code == 0
    broken = _managed(
        staff, 'client_id = "x"\n\n[locked]\npoll_interval = "soon"\n', name="broken.toml"
    )
    staff.env["HUBDESK_MANAGED_CONFIG"] = str(broken)
    for args in (
        ("conversations",),
        ("thread", "07400111222"),
        ("search", "call back"),
        ("optouts",),
        ("outbox",),
    ):
        run = staff(*args)
        assert run.code == 0, run
    assert "call me back" in staff("thread", "07400111222").stdout
    # What needs the server says what is wrong: the file, the key and the line.
    for args in (("senders",), ("whoami",)):
        run = staff(*args)
        assert run.code == 2, run
        assert str(broken) in run.stderr and "'client_secret'" in run.stderr
    bad_line = _managed(staff, '[locked]\npoll_interval = "soon"\n', name="bad-line.toml")
    run = staff("senders", env={"HUBDESK_MANAGED_CONFIG": str(bad_line)})
    assert run.code == 2 and "'locked.poll_interval' (line 2)" in run.stderr
    data = staff("--json", "senders", env={"HUBDESK_MANAGED_CONFIG": str(bad_line)}).json()
    assert "line 2" in data["error"]["message"] and data["error"]["exit_code"] == 2


def test_a_managed_file_everyone_may_write_is_refused(staff: Cli) -> None:
    path = Path(staff.env["HUBDESK_MANAGED_CONFIG"])
    path.chmod(0o666)
    run = _login(staff)
    assert run.code == 2, run
    assert "every user of this machine may change it" in run.stderr
    assert staff.requests() == []
