"""login / whoami / logout / --no-store, over loopback with a file-backed keyring."""

from __future__ import annotations

import json

from tests.integration.cli.cli_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    SENDER,
    USERNAME,
    Cli,
)


def test_login_keeps_secrets_in_the_keyring_and_profile_in_home(cli: Cli) -> None:
    run = cli.login()
    assert "Logged in as 200-VasimTest (user id 2)" in run.stdout
    assert cli.sim.base_url in run.stdout
    config = json.loads((cli.home / "config.json").read_text("utf-8"))
    assert config["base_url"] == cli.sim.base_url
    assert config["username"] == USERNAME
    assert config["user_id"] == 2 and config["user_name"] == "200-VasimTest"
    stored = cli.keyring()
    assert any(v == "v:" + CLIENT_SECRET for v in stored.values())
    assert cli.stored_refresh_token()
    everything = (cli.home / "config.json").read_text("utf-8") + json.dumps(stored)
    assert PASSWORD not in everything
    assert CLIENT_SECRET not in (cli.home / "config.json").read_text("utf-8")


def test_login_json_and_module_entry_point(cli: Cli) -> None:
    run = cli.login("--json", module=True)
    assert run.json() == {
        "user_name": "200-VasimTest",
        "user_id": 2,
        "username": USERNAME,
        "client_id": CLIENT_ID,
        "base_url": cli.sim.base_url,
        "stored": True,
        "client_credentials": "option",
    }


def test_login_with_a_wrong_password_is_exit_3_and_stores_nothing(cli: Cli) -> None:
    run = cli(
        "login",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--username",
        USERNAME,
        "--password-stdin",
        input="wrong-password\n",
    )
    assert run.code == 3, run
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert "wrong-password" not in run.stderr
    assert not (cli.home / "config.json").exists()
    assert cli.keyring() == {}


def test_login_with_a_wrong_client_secret_is_exit_3(cli: Cli) -> None:
    run = cli(
        "login",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        "not-the-secret",
        "--username",
        USERNAME,
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert run.code == 3, run
    assert "not-the-secret" not in run.stderr


def test_login_without_a_terminal_or_password_stdin_is_bad_input(cli: Cli) -> None:
    run = cli(
        "login",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--username",
        USERNAME,
    )
    assert run.code == 2, run
    assert "--password-stdin" in run.stderr
    assert cli.requests() == []


def test_login_missing_option_is_usage_error(cli: Cli) -> None:
    run = cli("login", "--client-id", CLIENT_ID, "--password-stdin", input=PASSWORD + "\n")
    assert run.code == 2 and "--username" in run.stderr
    run = cli("login", "--client-id", CLIENT_ID, "--username", USERNAME)  # no terminal
    assert run.code == 2
    assert "--client-secret" in run.stderr and "HUBDESK_CLIENT_SECRET" in run.stderr
    assert cli.requests() == []


def test_login_takes_the_client_secret_from_the_environment(cli: Cli) -> None:
    run = cli(
        "login",
        "--client-id",
        CLIENT_ID,
        "--username",
        USERNAME,
        "--password-stdin",
        input=PASSWORD + "\n",
        env={"HUBDESK_CLIENT_SECRET": CLIENT_SECRET},
    )
    assert run.code == 0, run
    assert cli("senders").code == 0


def test_whoami_after_login_and_json(logged_in: Cli) -> None:
    run = logged_in("whoami")
    assert run.code == 0, run
    assert "200-VasimTest" in run.stdout and "user id 2" in run.stdout
    assert logged_in.sim.base_url in run.stdout
    data = logged_in("--json", "whoami").json()
    assert data["user_name"] == "200-VasimTest" and data["user_id"] == 2
    assert data["base_url"] == logged_in.sim.base_url
    assert logged_in.requests() == []  # from the profile: no network


def test_whoami_when_not_logged_in_is_exit_3(cli: Cli) -> None:
    run = cli("whoami")
    assert run.code == 3, run
    assert "login" in run.stderr
    assert run.stdout == ""


def test_commands_when_not_logged_in_are_exit_3_without_requests(cli: Cli) -> None:
    for args in (("senders",), ("messages",), ("dial", "07400 123456")):
        run = cli(*args)
        assert run.code == 3, run
        assert "Run 'hubdesk-cli login'" in run.stderr
    assert cli.requests() == []


def test_logout_forgets_everything_and_tells_the_server_nothing(logged_in: Cli) -> None:
    run = logged_in("logout")
    assert run.code == 0, run
    assert "Logged out" in run.stdout
    assert logged_in.keyring() == {}
    assert not (logged_in.home / "config.json").exists()
    assert logged_in.requests() == []
    assert logged_in("whoami").code == 3
    assert logged_in("senders").code == 3
    again = logged_in("logout")
    assert again.code == 0 and "Not logged in" in again.stdout


def test_no_store_login_writes_nothing(cli: Cli) -> None:
    run = cli.login("--no-store")
    assert "not stored" in run.stdout
    assert cli.keyring() == {}
    assert not (cli.home / "config.json").exists()
    assert cli("whoami").code == 3


def test_no_store_command_signs_in_from_the_environment(cli: Cli) -> None:
    env = {
        "HUBDESK_CLIENT_ID": CLIENT_ID,
        "HUBDESK_CLIENT_SECRET": CLIENT_SECRET,
        "HUBDESK_USERNAME": USERNAME,
        "HUBDESK_PASSWORD": PASSWORD,
    }
    run = cli("--no-store", "--json", "senders", env=env)
    assert run.code == 0, run
    assert any(s["sender_id"] == SENDER for s in run.json())
    assert cli.keyring() == {}
    assert not (cli.home / "config.json").exists()
    grants = [r for r in cli.api_requests("/oauth/token")]
    assert [r["form"]["grant_type"] for r in grants] == [["password"]]


def test_no_store_command_without_credentials_is_exit_3(cli: Cli) -> None:
    run = cli("--no-store", "senders")
    assert run.code == 3, run
    assert "HUBDESK_PASSWORD" in run.stderr
    assert cli.requests() == []


def test_rotated_refresh_token_is_persisted_and_the_old_one_is_dead(logged_in: Cli) -> None:
    first, first_access = logged_in.stored_refresh_token(), logged_in.stored_access_token()
    assert first_access
    assert logged_in("senders").code == 0  # the access token stored at sign-in: no refresh
    assert logged_in.stored_refresh_token() == first
    assert logged_in.api_requests("/oauth/token") == []

    logged_in.sim.state.expire_tokens()
    assert logged_in("senders").code == 0  # refused: refreshes, stores both new tokens
    second, second_access = logged_in.stored_refresh_token(), logged_in.stored_access_token()
    assert second and second != first
    assert second_access and second_access != first_access
    assert logged_in("messages").code == 0  # the next run uses that access token
    assert logged_in.stored_refresh_token() == second

    logged_in.sim.state.expire_tokens()
    assert logged_in("messages").code == 0  # uses the rotated token: still signed in
    assert logged_in.stored_refresh_token() not in (first, second)
    grants = [r["form"]["grant_type"] for r in logged_in.api_requests("/oauth/token")]
    assert grants == [["refresh_token"], ["refresh_token"]]


def test_revoked_session_is_exit_3(logged_in: Cli) -> None:
    logged_in.sim.state.revoke_tokens()
    run = logged_in("senders")
    assert run.code == 3, run
    assert "login" in run.stderr


def test_no_usable_keyring_is_exit_3_with_a_clear_message(cli: Cli) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    run = cli.login(env=env, expect=3)
    assert "keyring" in run.stderr and "--no-store" in run.stderr
    assert not (cli.home / "config.json").exists()


def test_base_url_flag_beats_environment_and_profile(logged_in: Cli) -> None:
    other = "https://api.other.example/api"
    run = logged_in("--base-url", other, "whoami")
    assert run.code == 3 and other in run.stderr
    run = logged_in("whoami", env={"HUBDESK_API_URL": None})  # falls back to the profile
    assert run.code == 0 and logged_in.sim.base_url in run.stdout


def test_plain_http_to_a_remote_host_is_refused(cli: Cli) -> None:
    run = cli("--base-url", "http://example.com/api", "senders")
    assert run.code == 2, run
    assert "http://" in run.stderr


def test_damaged_profile_is_exit_3(cli: Cli) -> None:
    cli.home.mkdir(parents=True)
    (cli.home / "config.json").write_text("{not json", "utf-8")
    run = cli("senders")
    assert run.code == 3, run
    assert "log in again" in run.stderr
    assert cli.requests() == []
