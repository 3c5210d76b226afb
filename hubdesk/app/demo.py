"""Demo mode's address book and default sender ID.

``hubdesk --demo`` runs against the simulator's generated history; with its people in
the address book the conversation list, notifications and the Contacts page show names,
as they would for a front desk that has been using HubDesk for a while.

The demo does not ask the one-time "default sender ID" question either: it was the
first thing the demo showed, before anything else, with the simulator's US-looking
number preselected. The demo profile uses the simulator's first approved sender ID, and
the question counts as asked (real sign-ins still ask it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubdesk.core.contacts import ContactBook
    from hubdesk.core.settings import SettingsStore
    from hubdesk.sim.seed import DemoContact
    from hubdesk.store.worker import DbWorker

DEMO_SURNAMES = (
    "Patel", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson", "White",
    "Watson", "Jackson", "Wright", "Green", "Harris", "Cooper", "King", "Lee", "Martin",
    "Clarke", "James", "Morgan", "Hughes", "Edwards", "Hill",
)  # fmt: skip


async def fill_demo_address_book(contacts: ContactBook, people: Sequence[DemoContact]) -> int:
    """Add ``people`` to an empty address book; returns how many were added.

    An address book that already holds anyone is left alone (a demo profile kept with
    HUBDESK_HOME, edited by the user).
    """
    if await contacts.list():
        return 0
    for index, person in enumerate(people):
        surname = DEMO_SURNAMES[index % len(DEMO_SURNAMES)]
        await contacts.add(f"{person.name} {surname}", person.number)
    return len(people)


def first_approved(sender_ids: Sequence[Mapping[str, Any]]) -> str | None:
    """The first approved sender ID (status "1", lowest id) of the simulator's list."""
    approved = [s for s in sender_ids if str(s.get("status")) == "1" and s.get("sender_id")]
    approved.sort(key=lambda s: int(s.get("id") or 0))
    return str(approved[0]["sender_id"]) if approved else None


async def settle_demo_default_sender(
    settings: SettingsStore, worker: DbWorker, sender_ids: Sequence[Mapping[str, Any]]
) -> str | None:
    """Give the demo profile a default sender ID (the simulator's first approved one)
    and mark the default question asked, so the demo opens on its window, not on that
    question. A default already chosen (a demo profile kept with HUBDESK_HOME) or fixed
    by the administrator is left alone. Returns the default now in use."""
    from hubdesk.core.messenger import DEFAULT_ASKED_KEY

    current = settings.current.default_sender_id
    chosen = first_approved(sender_ids)
    if not current and chosen is not None and not settings.is_locked("default_sender_id"):
        current = (await settings.update(default_sender_id=chosen)).default_sender_id
    await worker.run(lambda db: db.settings.set(DEFAULT_ASKED_KEY, True))
    return current
