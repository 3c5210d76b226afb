"""Staff sign in without the secret, in the wired window against the simulator: a
machine's ``managed.toml`` (``HUBDESK_MANAGED_CONFIG``) lets a fresh profile sign in with
a username and password only; an expired session asks only for the password; a bad
managed file is said (file and key) and the cached history stays readable."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hubdesk.core.managed import ENV_MANAGED_CONFIG
from hubdesk.sim import SimApp, SimState
from hubdesk.store.secrets import MemoryVault
from tests.unit.ui.appkit import BASE_URL, Driver, in_loop, make_shell, shell_driver  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

PARTNER = "447400123456"


@pytest.fixture(autouse=True)
def managed_file(tmp_path: Path, sim_state: SimState, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The machine's managed file, set before the window starts (autouse: first)."""
    cfg = sim_state.config
    path = tmp_path / "managed.toml"
    path.write_text(
        f'base_url = "{BASE_URL}"\n'
        f'client_id = "{cfg.client_id}"\n'
        f'client_secret = "{cfg.client_secret}"\n'
    )
    path.chmod(0o644)
    monkeypatch.setenv(ENV_MANAGED_CONFIG, str(path))
    return path


def _vault(d: Driver) -> MemoryVault:
    vault = d.runtime.vault
    assert isinstance(vault, MemoryVault)
    return vault


@in_loop
async def test_a_fresh_profile_signs_in_with_username_and_password_only(
    driver: Driver,
) -> None:
    d = driver
    managed_file = os.environ[ENV_MANAGED_CONFIG]
    dialog = d.controller.sign_in.dialog
    assert dialog is not None and dialog.isVisible()
    # No client fields, no server address: one line says who set this computer up.
    assert dialog.client_known()
    assert not dialog.client_id.isVisible() and not dialog.client_secret.isVisible()
    assert not dialog.advanced.isVisible()
    assert dialog.client_note.isVisible() and managed_file in dialog.client_note.text()
    assert "organisation" in dialog.client_note.text()
    assert not dialog.sign_in_button.isEnabled()
    cfg = d.sim.config
    dialog.username.setText(cfg.username)
    dialog.password.setText(cfg.password)
    assert dialog.sign_in_button.isEnabled()  # username and password are enough
    dialog.submit()
    await d.until(lambda: d.runtime.signed_in and not d.controller.sign_in.is_open(), what="in")
    token_posts = d.posts("/api/oauth/token")
    assert token_posts, "a password grant went to the server"
    # The managed secret was not copied to the keyring: only a marker (None).
    stored = _vault(d).load(d.runtime.base_url(), cfg.username)
    assert stored is not None and stored.client_secret is None


@in_loop
async def test_an_expired_session_asks_only_for_the_password(driver: Driver) -> None:
    d = driver
    dialog = d.controller.sign_in.dialog
    cfg = d.sim.config
    dialog.username.setText(cfg.username)
    dialog.password.setText(cfg.password)
    dialog.submit()
    await d.until(lambda: d.runtime.signed_in and not d.controller.sign_in.is_open(), what="in")
    d.sim.revoke_tokens()
    d.runtime.poke()
    await d.until(d.controller.sign_in.is_open, timeout=8, what="the dialog again")
    dialog = d.controller.sign_in.dialog
    assert dialog.username.text() == cfg.username and dialog.username.isReadOnly()
    assert dialog.client_known() and not dialog.client_secret.isVisible()
    assert QApplication.focusWidget() in (dialog.password, None)
    dialog.password.setText(cfg.password)
    assert dialog.sign_in_button.isEnabled()
    dialog.submit()
    await d.until(lambda: d.runtime.signed_in and not d.controller.sign_in.is_open(), what="in")
    # "Sign in as someone else" makes the username editable again.
    d.controller.sign_in.open()
    other = d.controller.sign_in.dialog
    assert not other.username.isReadOnly()  # not expired: a normal dialog


@pytest.fixture
def bad_home(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Driver]:
    """A profile with cached history, then a broken managed file, then a new start."""
    home = tmp_path / "home"
    monkeypatch.setenv("HUBDESK_HOME", str(home))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    sim_state.inject_inbound(PARTNER, "Is the car ready?")
    first = make_shell(qapp, home, sim_app)
    d = Driver(qloop, first, sim_state)
    d.run(first.start())
    try:

        async def sign_in() -> None:
            dialog = d.controller.sign_in.dialog
            dialog.username.setText(sim_state.config.username)
            dialog.password.setText(sim_state.config.password)
            dialog.submit()
            await d.until(lambda: d.page.conversation_model.rowCount() > 0, what="history")

        d.run(sign_in())
    finally:
        d.run(first.shutdown())
    broken = tmp_path / "broken.toml"
    broken.write_text('client_id = "acme"\nclient_secret = "s"\n[locked]\npoll_interval = 1\n')
    broken.chmod(0o644)
    monkeypatch.setenv(ENV_MANAGED_CONFIG, str(broken))
    second = make_shell(qapp, home, sim_app)
    d2 = Driver(qloop, second, sim_state)
    d2.run(second.start())
    try:
        yield d2
    finally:
        d2.run(second.shutdown())


def test_a_bad_managed_file_is_named_and_history_stays_readable(bad_home: Driver) -> None:
    bad_home.run(_bad_file_scenario(bad_home))


async def _bad_file_scenario(d: Driver) -> None:
    broken = os.environ[ENV_MANAGED_CONFIG]
    assert PARTNER in [c.partner for c in d.page.conversations()]  # the cache
    dialog = d.controller.sign_in.dialog
    assert dialog is not None and dialog.isVisible()
    error = dialog.error_text()
    assert broken.endswith("broken.toml") and broken in error and "locked.poll_interval" in error
    assert "line 4" in error
    assert broken in d.window.toast.text()  # said in the window too, not only at sign-in
    assert not dialog.client_known() and dialog.client_secret.isVisibleTo(dialog)
    await d.controller.open_conversation(PARTNER)
    await d.until(
        lambda: any(e.text == "Is the car ready?" for e in d.page.thread_entries()),
        what="the cached thread",
    )
