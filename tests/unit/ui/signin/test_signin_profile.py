"""Without a managed file, an earlier sign-in on this profile provides the client: when
the session expires the dialog asks only for the password (client fields hidden once the
keyring has been read, the username read-only), and signing in again needs nothing else."""

from __future__ import annotations

import pytest

from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


@in_loop
async def test_an_expired_session_needs_only_the_password(driver: Driver) -> None:
    d = driver
    first = d.controller.sign_in.dialog
    assert first is not None and not first.client_known()  # a fresh profile: all fields
    await signed_in(d)
    d.sim.revoke_tokens()
    d.runtime.poke()
    await d.until(d.controller.sign_in.is_open, timeout=8, what="the dialog")
    dialog = d.controller.sign_in.dialog
    await d.until(dialog.client_known, what="the client from the last sign-in")
    cfg = d.sim.config
    assert cfg.client_id in dialog.client_note.text()
    assert "last sign-in" in dialog.client_note.text()
    assert dialog.username.isReadOnly() and dialog.username.text() == cfg.username
    grants = d.sim.stats()["password_grants"]
    dialog.password.setText(cfg.password)
    dialog.submit()
    await d.until(lambda: d.runtime.signed_in and not d.controller.sign_in.is_open(), what="in")
    assert d.sim.stats()["password_grants"] == grants + 1
