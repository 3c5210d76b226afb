"""Demo mode's address book: the built-in simulator's people, with surnames.

``hubdesk --demo`` runs against the simulator's generated history; with its people in
the address book the conversation list, notifications and the Contacts page show names,
as they would for a front desk that has been using HubDesk for a while.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubdesk.core.contacts import ContactBook
    from hubdesk.sim.seed import DemoContact

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
