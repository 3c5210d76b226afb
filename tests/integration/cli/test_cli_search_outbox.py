"""hubdesk-cli search finds messages not sent yet (here one scheduled for tomorrow) with
their state, and a sent message once: the real CLI against a real hubdesk-sim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.cli.cli_harness import SENDER, Cli

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d 09:00")


def test_search_finds_a_scheduled_message_with_its_state_and_a_sent_one_once(
    logged_in: Cli,
) -> None:
    later = logged_in("--json", "send", "--from", SENDER, "--to", "07400 123456",
                      "--at", TOMORROW, "Your appointment is tomorrow at 10")  # fmt: skip
    assert later.code == 0, later
    outbox_id = later.json()["outbox_id"]
    sent = logged_in("send", "--from", SENDER, "--to", "07400 222333", "Appointment moved")
    assert sent.code == 0, sent
    assert logged_in("sync").code == 0

    hits = logged_in("--json", "search", "appointment").json()["hits"]
    by_partner = {h["partner"]: h for h in hits}
    assert len(hits) == 2 and set(by_partner) == {"447400123456", "447400222333"}
    waiting = by_partner["447400123456"]
    assert (waiting["state"], waiting["outbox_id"], waiting["sms_id"]) == (
        "scheduled", outbox_id, None,
    )  # fmt: skip
    assert waiting["match_ranges"] and waiting["time"].endswith("09:00:00Z")
    stored = by_partner["447400222333"]
    assert stored["state"] is None and stored["sms_id"] is not None

    human = logged_in("search", "appointment")
    assert human.code == 0 and "scheduled" in human.stdout, human
