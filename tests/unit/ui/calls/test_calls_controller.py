"""Calls: the Calls page, the masked-call dialog and the header, against the simulator."""

from __future__ import annotations

import pytest

from hubdesk.ui.shell.window import CALLS
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

PARTNER = "447400123456"
SOURCE = "442079460000"


@in_loop
async def test_call_again_from_the_calls_page_dials_and_updates_the_log(driver: Driver) -> None:
    await signed_in(driver)
    page = driver.window.calls_page
    driver.window.show_page(CALLS)
    await driver.until(lambda: page.status.text() == "No calls yet.", what="empty log")
    await driver.controller.calls.call(PARTNER)
    await driver.until(lambda: page.model.rowCount() == 1, what="logged")
    page.table.selectRow(0)
    page.again_button.click()
    await driver.until(lambda: len(driver.posts("/api/click-to-dial/dial")) == 2, what="again")
    await driver.until(lambda: page.model.rowCount() == 2, what="log updated")
    newest = page.model.rows()[0]
    assert newest.ok and newest.number == PARTNER
    assert newest.call_id == driver.sim.calls()[-1]["call_id"]
    assert newest.call_id in driver.window.toast.text()


@in_loop
async def test_masked_call_dialog_remembers_the_source_and_calls_masked_again(
    driver: Driver,
) -> None:
    await signed_in(driver)
    assert driver.runtime.settings.current.masked_source is None
    dialog = driver.controller.calls.ask_masked(PARTNER)
    assert dialog.destination_edit.text() == "07400 123456" and dialog.source_edit.text() == ""
    dialog.source_edit.setText("020 7946 0000")
    dialog.call_button.click()
    masked = "/api/click-to-dial-mask/dial"
    await driver.until(lambda: len(driver.posts(masked)) == 1, what="masked dial")
    form = driver.posts(masked)[0]["form"]
    assert (form["source"], form["destination"]) == ([SOURCE], [PARTNER])
    await driver.until(
        lambda: driver.runtime.settings.current.masked_source == SOURCE, what="remembered"
    )
    again = driver.controller.calls.ask_masked(PARTNER)
    assert again.source_edit.text() == "020 7946 0000"
    again.reject()

    page = driver.window.calls_page
    driver.window.show_page(CALLS)
    await driver.until(lambda: page.model.rowCount() == 1, what="logged")
    page.table.selectRow(0)
    page.call_again()
    await driver.until(lambda: len(driver.posts(masked)) == 2, what="masked again")
    assert driver.posts("/api/click-to-dial/dial") == []


@in_loop
async def test_an_unusable_number_says_why_and_sends_nothing(driver: Driver) -> None:
    await signed_in(driver)
    await driver.controller.calls.call("07400 12")
    await driver.until(lambda: driver.window.toast.text() != "", what="toast")
    assert "UK number" in driver.window.toast.text()
    assert driver.posts("/api/click-to-dial/dial") == []


PREMIUM = "449065123456"  # 0906 512 3456: premium rate


@in_loop
async def test_a_call_button_on_a_premium_rate_number_asks_first(driver: Driver) -> None:
    """A click on Call dialled a premium-rate number at once, with no word of its cost
    (only a ``tel:`` link asked). It asks now, with the warning; a mobile is dialled at
    once as before."""
    await signed_in(driver)
    calls = driver.controller.calls
    driver.window.messages_page.call_requested.emit(PREMIUM)  # the header's Call
    dialog = calls.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    assert "premium-rate" in dialog.warning.text()
    await driver.until(lambda: not dialog.is_guarding(), what="the buttons armed")
    assert driver.posts("/api/click-to-dial/dial") == []  # nothing dialled yet
    dialog.call_button.click()
    await driver.until(lambda: len(driver.posts("/api/click-to-dial/dial")) == 1, what="dial")
    assert driver.posts("/api/click-to-dial/dial")[0]["form"]["destination"] == [PREMIUM]

    driver.window.contacts_page.call_requested.emit(PREMIUM)  # Call on the Contacts page
    again = calls.confirm_dialog
    assert again is not None and again.isVisible()
    again.reject()

    assert calls.request_call(PARTNER) is None  # a mobile: no question
    await driver.until(lambda: len(driver.posts("/api/click-to-dial/dial")) == 2, what="mobile")
    assert calls.confirm_dialog is None
