"""core.dialer against the simulator in process; the call log in a real SQLite file."""

from __future__ import annotations

import pytest

from hubdesk.api import ServerError
from hubdesk.core.dialer import Dialer
from hubdesk.core.errors import InvalidInput
from hubdesk.sim import Fault, SimState
from tests.unit.core.conftest import Wiring


@pytest.fixture
def dialer(wiring: Wiring) -> Dialer:
    return Dialer(wiring.client, wiring.worker)


async def test_dial_sends_digits_and_logs_the_call(dialer: Dialer, sim_state: SimState) -> None:
    result = await dialer.dial("07400 123456")
    assert result.call_id
    (call,) = sim_state.calls()
    assert call["destination"] == "447400123456" and call["kind"] == "dial"
    (record,) = await dialer.call_history()
    assert record.ok and record.call_id == result.call_id and record.number == "447400123456"


async def test_masked_dial_validates_both_numbers_before_any_request(
    dialer: Dialer, sim_state: SimState
) -> None:
    sim_state.clear_requests()
    with pytest.raises(InvalidInput, match="Number to show: not a UK number"):
        await dialer.dial_masked("+1 516 725 9623", "07400 123456")
    with pytest.raises(InvalidInput, match="Number to call: not a valid UK number: too short"):
        await dialer.dial_masked("020 7377 1555", "07400 12345")
    assert sim_state.requests() == [] and await dialer.call_history() == []
    result = await dialer.dial_masked("020 7377 1555", "+44 7400 123457")
    (call,) = sim_state.calls()
    assert (call["source"], call["destination"]) == ("442073771555", "447400123457")
    (record,) = await dialer.call_history(number="07400123457")
    assert record.masked_source == "442073771555" and record.call_id == result.call_id


async def test_a_failed_attempt_is_logged_with_its_sentence(
    dialer: Dialer, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("500", path="/api/click-to-dial"))
    with pytest.raises(ServerError):
        await dialer.dial("07400 123456")
    (record,) = await dialer.call_history()
    assert not record.ok and record.call_id is None
    assert "may or may not have been dialled" in record.outcome
