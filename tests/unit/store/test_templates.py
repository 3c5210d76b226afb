"""The templates repository: names unique case-insensitively, a dense user order."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.store.database import Database
from hubdesk.store.templates import MAX_NAME_LENGTH, TemplateError, name_key

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def names(db: Database) -> list[str]:
    return [t.name for t in db.templates.list()]


def positions(db: Database) -> list[int]:
    return [t.position for t in db.templates.list()]


def test_add_list_and_get_in_the_order_added(db: Database, clock: Any) -> None:
    assert db.templates.list() == []
    ready = db.templates.add("  Table   ready ", "Hi {first_name|there}, your table is ready.")
    clock.advance(10)
    late = db.templates.add("Running late", "Running 10 minutes late?")
    assert ready.name == "Table ready"  # white space collapsed
    assert ready.text == "Hi {first_name|there}, your table is ready."  # kept as written
    assert (ready.position, late.position) == (0, 1)
    assert ready.created_at == ready.updated_at == T0
    assert late.created_at == datetime(2024, 5, 1, 12, 0, 10, tzinfo=UTC)
    assert db.templates.list() == [ready, late]
    assert db.templates.get(late.id) == late
    assert db.templates.get(999) is None


def test_names_compare_case_insensitively_in_every_script(db: Database) -> None:
    db.templates.add("Table ready", "a")
    db.templates.add("École", "b")
    for taken in ("TABLE READY", "table  ready", "école", "ÉCOLE"):
        with pytest.raises(TemplateError, match="already exists"):
            db.templates.add(taken, "c")
    assert db.templates.get_by_name("tAbLe ReAdY") is not None
    assert db.templates.get_by_name("ÉCOLE") is not None
    assert db.templates.get_by_name("Strasse") is None
    db.templates.add("Straße", "d")
    with pytest.raises(TemplateError):  # casefold: ß is ss
        db.templates.add("STRASSE", "e")
    assert name_key("Ｔａｂｌｅ") == name_key("table")  # NFKC: full-width letters
    assert names(db) == ["Table ready", "École", "Straße"]


def test_empty_names_and_texts_are_refused(db: Database) -> None:
    with pytest.raises(TemplateError, match="needs a name"):
        db.templates.add(" \n ", "text")
    with pytest.raises(TemplateError, match="needs a text"):
        db.templates.add("Name", "  \n")
    with pytest.raises(TemplateError, match=f"at most {MAX_NAME_LENGTH} characters"):
        db.templates.add("x" * (MAX_NAME_LENGTH + 1), "text")
    assert db.templates.add("x" * MAX_NAME_LENGTH, "text").name == "x" * MAX_NAME_LENGTH
    # The schema holds the line too, for anything that writes around the repository.
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute(
            "INSERT INTO templates (name, name_key, text, position, created_at, updated_at) "
            "VALUES ('a', 'a', '', 0, 0, 0)"
        )


def test_edit_and_rename_keep_the_place(db: Database, clock: Any) -> None:
    first = db.templates.add("First", "one")
    db.templates.add("Second", "two")
    clock.advance(60)
    edited = db.templates.edit(first.id, "one, again")
    assert (edited.text, edited.position, edited.created_at) == ("one, again", 0, T0)
    assert edited.updated_at == datetime(2024, 5, 1, 12, 1, tzinfo=UTC)
    renamed = db.templates.rename(first.id, "FIRST")  # a change of case only
    assert renamed.name == "FIRST" and renamed.position == 0
    with pytest.raises(TemplateError, match="'Second' already exists"):
        db.templates.rename(first.id, "second")
    with pytest.raises(TemplateError, match="needs a text"):
        db.templates.edit(first.id, "")
    with pytest.raises(TemplateError, match="no template 999"):
        db.templates.edit(999, "x")
    assert names(db) == ["FIRST", "Second"]


def test_duplicate_goes_right_after_its_original(db: Database) -> None:
    a = db.templates.add("A", "alpha")
    db.templates.add("B", "beta")
    copy = db.templates.duplicate(a.id)
    again = db.templates.duplicate(a.id)
    named = db.templates.duplicate(a.id, "A for Leeds")
    assert (copy.name, copy.text) == ("A (copy)", "alpha")
    assert again.name == "A (copy 2)"
    assert names(db) == ["A", "A for Leeds", "A (copy 2)", "A (copy)", "B"]
    assert positions(db) == [0, 1, 2, 3, 4]
    with pytest.raises(TemplateError, match="already exists"):
        db.templates.duplicate(a.id, "b")
    long = db.templates.add("y" * MAX_NAME_LENGTH, "long")
    assert len(db.templates.duplicate(long.id).name) == MAX_NAME_LENGTH
    assert named.text == "alpha"


def test_delete_and_move_keep_positions_dense(db: Database) -> None:
    ids = [db.templates.add(name, name.lower()).id for name in "ABCDE"]
    assert db.templates.delete(ids[1]) is True
    assert db.templates.delete(ids[1]) is False
    assert names(db) == ["A", "C", "D", "E"] and positions(db) == [0, 1, 2, 3]
    moved = db.templates.move(ids[4], 0)
    assert [t.name for t in moved] == ["E", "A", "C", "D"]
    db.templates.move(ids[0], 99)  # clamped to the end
    assert names(db) == ["E", "C", "D", "A"]
    db.templates.move(ids[3], -5)  # clamped to the start
    assert names(db) == ["D", "E", "C", "A"] and positions(db) == [0, 1, 2, 3]
    with pytest.raises(TemplateError):
        db.templates.move(999, 0)
    added = db.templates.add("F", "f")
    assert added.position == 4
