from __future__ import annotations

from dataclasses import replace

import pytest

from hubdesk.domain.numbers import format_number
from hubdesk.store.contacts import ContactError
from hubdesk.store.database import Database

P = "447400123456"
Q = "447911123456"


def test_add_get_update_delete(db: Database) -> None:
    alice = db.contacts.add(P, "  Alice  ", "plumber")
    assert alice.id is not None and alice.name == "Alice" and alice.notes == "plumber"
    assert db.contacts.get(alice.id) == alice == db.contacts.get_by_number(P)
    moved = db.contacts.update(replace(alice, number=Q, name="Alice B"))
    assert moved.number == Q and db.contacts.get_by_number(P) is None
    assert db.contacts.delete(alice.id) and db.contacts.get(alice.id) is None
    assert db.contacts.delete(alice.id) is False


def test_numbers_are_unique_and_must_be_uk_digits(db: Database) -> None:
    db.contacts.add(P, "Alice")
    with pytest.raises(ContactError, match=f"number {format_number(P)} already exists: Alice$"):
        db.contacts.add(P, "Again")
    bob = db.contacts.add(Q, "Bob")
    with pytest.raises(ContactError):
        db.contacts.update(replace(bob, number=P))
    for bad in ("07400123456", "+447400123456", "15551234567", "44abc", ""):
        with pytest.raises(ContactError):
            db.contacts.add(bad, "Bad")
    with pytest.raises(ContactError):
        db.contacts.add("447400000111", "   ")


def test_list_and_search(db: Database) -> None:
    db.contacts.add(P, "zoe")
    db.contacts.add(Q, "Adam 100%")
    db.contacts.add("447520602707", "Bea_x")
    assert [c.name for c in db.contacts.list()] == ["Adam 100%", "Bea_x", "zoe"]
    assert [c.name for c in db.contacts.list("ZO")] == ["zoe"]
    assert [c.name for c in db.contacts.list("07911")] == ["Adam 100%"]
    assert [c.name for c in db.contacts.list("11123")] == ["Adam 100%"]
    assert [c.name for c in db.contacts.list("%")] == ["Adam 100%"]  # LIKE wildcards escaped
    assert [c.name for c in db.contacts.list("_")] == ["Bea_x"]


def test_groups_many_to_many(db: Database) -> None:
    a = db.contacts.add(P, "Alice")
    b = db.contacts.add(Q, "Bob")
    assert a.id is not None and b.id is not None
    db.contacts.create_group("Customers")
    with pytest.raises(ContactError):
        db.contacts.create_group("customers")  # names are case-insensitive
    db.contacts.add_to_group(a.id, "Customers")
    db.contacts.add_to_group(b.id, "Customers")
    db.contacts.add_to_group(a.id, "Suppliers")  # created on the fly
    db.contacts.add_to_group(a.id, "Suppliers")  # twice is harmless
    assert db.contacts.groups() == ["Customers", "Suppliers"]
    assert [c.name for c in db.contacts.members("Customers")] == ["Alice", "Bob"]
    alice = db.contacts.get(a.id)
    assert alice is not None and alice.groups == ("Customers", "Suppliers")
    assert db.contacts.remove_from_group(a.id, "Customers")
    assert [c.name for c in db.contacts.members("Customers")] == ["Bob"]
    db.contacts.delete(b.id)  # membership goes with the contact
    assert db.contacts.members("Customers") == []
    assert db.contacts.delete_group("Suppliers")
    bare = db.contacts.get(a.id)
    assert bare is not None and bare.groups == ()
    with pytest.raises(ContactError):
        db.contacts.add_to_group(9999, "Customers")


def test_rename_group_keeps_its_id_and_members(db: Database) -> None:
    a = db.contacts.add(P, "Alice")
    assert a.id is not None
    group_id = db.contacts.create_group("Staff")
    db.contacts.add_to_group(a.id, "Staff")
    db.contacts.create_group("Suppliers")
    assert db.contacts.rename_group("Staff", "Team") == group_id
    assert db.contacts.groups() == ["Suppliers", "Team"]
    assert [c.name for c in db.contacts.members("Team")] == ["Alice"]
    assert db.contacts.rename_group("team", "TEAM") == group_id  # a change of case only
    assert db.contacts.groups() == ["Suppliers", "TEAM"]
    for old, new in (("Nope", "X"), ("TEAM", "suppliers"), ("TEAM", "  ")):
        with pytest.raises(ContactError):
            db.contacts.rename_group(old, new)
    assert db.conn.execute(
        "SELECT id, name FROM contact_groups WHERE id = ?", (group_id,)
    ).fetchone() == (group_id, "TEAM")
    member = db.contacts.get(a.id)
    assert member is not None and member.groups == ("TEAM",)


def test_name_change_is_seen_by_conversations_and_search(db: Database) -> None:
    c = db.contacts.add(P, "Old Name")
    db.contacts.update(replace(c, name="New Name"))
    assert db.search.search("old") == []
    assert [h.text for h in db.search.search("new")] == ["New Name"]
