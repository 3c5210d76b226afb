"""The real ``hubdesk`` process in the headless desktop: a machine's ``managed.toml``
lets a fresh profile sign in with a username and a password only, typed into the real
sign-in dialog through XTEST (no client ID or secret fields to fill); the session keeps
the managed client (``hubdesk-cli whoami --json``: ``client_credentials`` ``managed``), so
the secret never reached the keyring.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.desktop.test_app_e2e import Story, story, wait_until  # noqa: F401

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

DIALOG_TITLE = "Sign in to HubWork"


def _windows(s: Story, name: str) -> list[str]:
    run = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        capture_output=True,
        text=True,
        env=s.env,
        timeout=10,
    )
    return run.stdout.split()


@pytest.mark.usefixtures("story")
def test_a_managed_file_lets_a_fresh_profile_sign_in_with_username_and_password(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    s: Story = request.getfixturevalue("story")
    cfg = s.sim.state.config
    managed = tmp_path / "managed.toml"
    managed.write_text(
        f'base_url = "{s.sim.base_url}"\n'
        f'client_id = "{cfg.client_id}"\n'
        f'client_secret = "{cfg.client_secret}"\n'
    )
    managed.chmod(0o644)
    s.env["HUBDESK_MANAGED_CONFIG"] = str(managed)
    try:
        s.start_app()
        (dialog,) = wait_until(lambda: _windows(s, DIALOG_TITLE), 20, "the sign-in dialog")
        s.xdotool("windowfocus", "--sync", dialog)
        wait_until(lambda: s.focused_window() == dialog, 5, "X input focus on the dialog")
        time.sleep(0.5)
        # Username (focused first: there is no client field before it), Tab, password.
        s.xdotool("type", "--delay", "5", cfg.username)
        s.xdotool("key", "Tab")
        s.xdotool("type", "--delay", "5", cfg.password)
        s.xdotool("key", "Return")
        wait_until(lambda: s.requests("POST", "/oauth/token"), 15, "the password grant")
        wait_until(lambda: s.requests("GET", "/sms/list"), 20, "the first poll")
        wait_until(lambda: not _windows(s, DIALOG_TITLE), 10, "the dialog to close")
        (grant,) = s.requests("POST", "/oauth/token")
        assert grant["form"]["grant_type"] == ["password"]
        assert grant["form"]["client_id"] == [cfg.client_id]
        assert grant["form"]["username"] == [cfg.username]
        assert s.sim.state.stats()["password_grants"] == 1
        assert s.stop_app() == 0
        who = s.cli("--json", "whoami")
        assert who.returncode == 0, who
        said = json.loads(who.stdout)
        assert said["client_credentials"] == "managed"
        assert said["managed_config"] == str(managed)
        assert said["base_url"] == s.sim.base_url
    except BaseException:
        print(s.diagnose(request.node.name))
        raise
