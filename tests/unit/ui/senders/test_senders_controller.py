"""Sender IDs page <-> SenderIds, against the simulator."""

from __future__ import annotations

import pytest

from hubdesk.ui.shell.window import SENDER_IDS
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


@in_loop
async def test_page_lists_the_account_and_a_request_reaches_the_server(driver: Driver) -> None:
    await signed_in(driver)
    page = driver.window.senders_page
    driver.window.show_page(SENDER_IDS)
    await driver.until(lambda: page.model.rowCount() == 4, what="listed")
    assert {s.sender_id for s in page.model.rows()} >= {"SMTEST", "44123456789"}

    page.new_id.setText("CLINIC1")
    assert page.request_button.isEnabled()
    page.request_button.click()
    await driver.until(lambda: len(driver.posts("/api/sender-id/add")) == 1, what="POST")
    assert driver.posts("/api/sender-id/add")[0]["form"]["sender_id"] == ["CLINIC1"]
    await driver.until(lambda: page.new_id.text() == "", what="request done")
    assert "reviewed soon for approval" in page.status.text()  # the server's answer
    assert "CLINIC1" in {s.sender_id for s in page.model.rows()}
    assert driver.sim.sender_ids()[-1]["sender_id"] == "CLINIC1"


@in_loop
async def test_refresh_failure_keeps_the_cached_list_and_says_why(driver: Driver) -> None:
    page = driver.window.senders_page
    driver.window.show_page(SENDER_IDS)  # signed out: the cache (empty) and no request
    assert page.model.rowCount() == 0
    page.refresh_button.click()
    await driver.until(lambda: "Showing the saved list" in page.status.text(), what="error")
    assert "sign" in page.status.text().lower()
    assert driver.posts("/api/sender-id/add") == []
