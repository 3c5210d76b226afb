"""Two real processes sharing one stored session refresh at the same moment.

Refresh tokens are single use, and a refresh revokes the access token issued with the
refresh token it spends. Both children (``session_child.py``) restore the same session
from the same profile folder and file-backed keyring, then, on a signal sent to both at
once, each makes a request: first right after the restore (both use the access token
the sign-in stored: no refresh), then in several rounds after ``/_sim/tokens/expire``
(a 401 each). The refresh lock in the profile folder serialises the two, and the second
one finds the access token the first one stored and adopts it: every request succeeds,
the server grants exactly one refresh per round (it used to grant one per process and
round), refuses none, and answers no more 401s than the expired tokens caused.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hubdesk.core.session import Credentials, SessionManager
from hubdesk.sim import SimServer
from hubdesk.store.lock import REFRESH_LOCK
from hubdesk.store.secrets import KeyringVault
from tests.fakes.file_keyring import ENV_VAR, FileKeyring
from tests.integration.api.simhttp import Control
from tests.unit.api.simclient import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME

pytestmark = pytest.mark.network

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
FAKES = ROOT / "tests" / "fakes"
CHILDREN = 2
ROUNDS = 5  # the first round refreshes after restore, the others after tokens/expire


def file_vault() -> KeyringVault:
    """The children's vault, from this process (keyring's base class is untyped)."""
    return KeyringVault(FileKeyring())  # type: ignore[no-untyped-call]


class Child:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def line(self) -> str:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout=30)
        return raw.decode().strip()

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")


@pytest.fixture
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


@pytest.fixture
async def children(
    tmp_path: Path, keyring_file: Path, sim_server: SimServer
) -> AsyncIterator[list[Child]]:
    home = tmp_path / "home"
    async with SessionManager(home, file_vault()) as manager:
        await manager.login(
            sim_server.base_url, Credentials(CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD)
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))}
    env.update(
        HUBDESK_HOME=str(home),
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        PYTHONPATH=os.pathsep.join([str(FAKES), str(ROOT)]),
    )
    env[ENV_VAR] = str(keyring_file)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(HERE / "session_child.py"),
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(CHILDREN)
    ]
    started = [Child(p) for p in procs]
    try:
        assert [await c.line() for c in started] == ["ready"] * CHILDREN
        yield started
    finally:
        for proc in procs:
            if proc.stdin is not None:
                proc.stdin.close()
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), timeout=10)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def test_two_processes_refreshing_at_once_both_keep_the_session(
    children: list[Child], control: Control, sim_server: SimServer, tmp_path: Path
) -> None:
    before = await control.stats()
    answers: list[list[str]] = []
    for number in range(ROUNDS):
        if number > 0:
            await control.expire_tokens()  # every access token held is refused now
        for child in children:
            child.go()  # at the same moment: both need a refresh for this request
        answers.append([await child.line() for child in children])
    after = await control.stats()

    assert answers == [["ok"] * CHILDREN] * ROUNDS
    assert after.get("refreshes", 0) - before.get("refreshes", 0) == ROUNDS - 1
    assert after.get("refresh_failures", 0) == before.get("refresh_failures", 0)
    refused = after.get("unauthenticated", 0) - before.get("unauthenticated", 0)
    assert refused == CHILDREN * (ROUNDS - 1)  # the expired tokens only
    grants = await control.refresh_grants()
    assert len(grants) == ROUNDS - 1
    assert (tmp_path / "home" / REFRESH_LOCK).exists()

    # The keyring holds the newest refresh token: a third process carries on with it.
    async with SessionManager(tmp_path / "home", file_vault()) as manager:
        client = await manager.restore()
        await client.list_sms()
