"""Helpers to run the real ``hubdesk-cli`` as a subprocess against a loopback simulator.

Each test gets its own simulator, profile folder (``HUBDESK_HOME``) and a file-backed
keyring (``tests/fakes/file_keyring.py`` via ``PYTHON_KEYRING_BACKEND``). Every run's
stdout and stderr are checked for secrets: the password, the client secret, and every
access and refresh token the simulator ever issued.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubdesk.sim import SimServer

ROOT = Path(__file__).resolve().parents[3]
FAKES = ROOT / "tests" / "fakes"
CLIENT_ID = "hubdesk-demo"
CLIENT_SECRET = "demo-secret"
USERNAME = "demo@hubwork.test"
PASSWORD = "demo-password"
#: ``login`` with every option but the password (``Cli.login`` writes that on stdin).
LOGIN = (
    "login",
    "--client-id",
    CLIENT_ID,
    "--client-secret",
    CLIENT_SECRET,
    "--username",
    USERNAME,
    "--password-stdin",
)
SENDER = "447520602706"  # approved in the simulator's seed
# The installation's scripts folder (venv/bin, or Scripts\ of a Windows Python), with
# the console script's own suffix (hubdesk-cli.exe on Windows).
CONSOLE_SCRIPT = Path(sysconfig.get_path("scripts")) / (
    "hubdesk-cli.exe" if sys.platform == "win32" else "hubdesk-cli"
)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


class Cli:
    """Runs ``hubdesk-cli`` with an isolated home and keyring."""

    def __init__(self, tmp_path: Path, sim: SimServer) -> None:
        self.sim = sim
        self.home = tmp_path / "home"
        self.keyring_file = tmp_path / "keyring.json"
        self.runs: list[Run] = []
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))
        }
        self.env.update(
            HUBDESK_HOME=str(self.home),
            HUBDESK_API_URL=sim.base_url,
            HUBDESK_TEST_KEYRING_FILE=str(self.keyring_file),
            PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
            PYTHONPATH=os.pathsep.join([str(FAKES), str(ROOT)]),
            TZ="UTC",
            # No machine-wide managed.toml leaks in from the host (/etc/xdg/hubdesk/).
            XDG_CONFIG_DIRS=str(tmp_path / "xdg"),
        )

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
        module: bool = False,
        timeout: float = 60,
    ) -> Run:
        full_env = dict(self.env)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        command = (
            [sys.executable, "-m", "hubdesk.cli", *args] if module else [str(CONSOLE_SCRIPT), *args]
        )
        done = subprocess.run(
            command,
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=full_env,
            timeout=timeout,
        )
        run = Run(done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        assert "Traceback" not in run.stderr, str(run)
        return run

    def login(
        self,
        *extra: str,
        env: Mapping[str, str | None] | None = None,
        module: bool = False,
        expect: int = 0,
    ) -> Run:
        """``hubdesk-cli [EXTRA...] login`` as the simulator's demo user (client ID and
        secret as options, the password on stdin); checks that it exits ``expect``."""
        run = self(*extra, *LOGIN, input=PASSWORD + "\n", env=env, module=module)
        assert run.code == expect, str(run)
        return run

    def keyring(self) -> dict[str, str]:
        """The file keyring's entries for HubDesk: {entry key: stored value}."""
        if not self.keyring_file.exists():
            return {}
        data = json.loads(self.keyring_file.read_text("utf-8"))
        entries: dict[str, str] = data.get("HubDesk", {})
        return entries

    def stored_refresh_token(self) -> str | None:
        for key, value in self.keyring().items():
            if key.endswith("|refresh_token"):
                return value.removeprefix("v:")
        return None

    def stored_access_token(self) -> str | None:
        """The access token stored beside the refresh token (the entry's last field)."""
        for key, value in self.keyring().items():
            if key.endswith("|access_token"):
                return value.rsplit("|", 1)[-1]
        return None

    def secrets(self) -> set[str]:
        found = {PASSWORD, CLIENT_SECRET}
        for value in self.keyring().values():
            if len(value) > 40:
                found.add(value.removeprefix("v:"))
        data = getattr(self.sim.state, "_data", None)  # tokens the simulator issued
        for kind in ("access", "refresh"):
            found.update(getattr(data, kind, {}).keys())
        return found

    def requests(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.sim.state.requests()]

    def api_requests(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests() if r["path"] == "/api" + path]


UNREACHABLE = "http://127.0.0.1:9/api"  # the discard port: nothing listens there


def server_messages(sim: SimServer) -> list[dict[str, Any]]:
    """Every message the simulator holds, read over HTTP from ``GET /_sim/messages``."""
    import httpx

    root = sim.base_url.removesuffix("/api")
    response = httpx.get(f"{root}/_sim/messages", timeout=10)
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()
    return found
