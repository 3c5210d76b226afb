"""Demo mode's address book, on a real store file with the simulator's real people."""

from __future__ import annotations

from pathlib import Path

from hubdesk.app.demo import fill_demo_address_book
from hubdesk.core.contacts import ContactBook
from hubdesk.sim import SimConfig, SimState
from hubdesk.store.worker import DbWorker


async def test_an_empty_address_book_gets_the_demo_people_once(tmp_path: Path) -> None:
    people = SimState(SimConfig(demo_data=True)).demo_contacts()
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    try:
        book = ContactBook(worker)
        assert await fill_demo_address_book(book, people) == len(people)
        names = await book.names()
        assert len(names) == len(people)
        for person in people:
            first, surname = names[person.number].split(" ")
            assert first == person.name and surname
        assert await fill_demo_address_book(book, people) == 0  # never twice
        assert len(await book.names()) == len(people)
    finally:
        await worker.close()


async def test_an_address_book_in_use_is_left_alone(tmp_path: Path) -> None:
    people = SimState(SimConfig(demo_data=True)).demo_contacts()
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    try:
        book = ContactBook(worker)
        await book.add("Reception Desk", "020 7377 1555")
        assert await fill_demo_address_book(book, people) == 0
        assert list((await book.names()).values()) == ["Reception Desk"]
    finally:
        await worker.close()
