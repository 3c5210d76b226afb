"""Demo mode's address book, on a real store file with the simulator's real people."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hubdesk.app.demo import fill_demo_address_book, first_approved, settle_demo_default_sender
from hubdesk.core.contacts import ContactBook
from hubdesk.sim import SimApp, SimConfig, SimServer, SimState
from hubdesk.sim.seed import MAIN_SENDER
from hubdesk.store.worker import DbWorker
from tests.unit.ui.appkit import Driver, make_shell


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


def test_the_demo_opens_on_its_window_not_on_the_default_sender_question(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    sim_server: SimServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A day in the window: ``hubdesk --demo`` opened with the one-time default sender ID
    question, the simulator's US-looking number preselected, before anything else. The
    demo shell (the simulator over loopback HTTP, as ``main`` wires it) signs in, lists
    two approved sender IDs, asks nothing and sends from the first approved one. (A real
    first sign-in still asks: tests/unit/ui/senders/test_default_sender.py.)"""
    from hubdesk.ui.senders.default_prompt import DefaultSenderPrompt

    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    monkeypatch.delenv("HUBDESK_POLL_INTERVAL", raising=False)
    shell = make_shell(
        qapp, tmp_path, sim_app, demo=True, shell={"sim": sim_server, "transport": None}
    )
    d = Driver(qloop, shell, sim_state)
    d.run(shell.start())
    try:
        runtime = d.runtime
        d.run(d.until(lambda: len(runtime.sender_ids.approved()) == 2, what="sender IDs"))
        d.run(asyncio.sleep(0.5))  # time enough for the question, were it coming
        assert d.controller.senders.prompt is None
        assert [p for p in d.window.findChildren(DefaultSenderPrompt) if p.isVisible()] == []
        assert runtime.settings.current.default_sender_id == MAIN_SENDER
        messenger = runtime.messenger
        assert messenger is not None and not d.run(messenger.default_prompt_due())
        assert d.run(d.controller.senders.ask_default_if_due()) is None
    finally:
        d.run(shell.shutdown())


async def test_a_default_already_chosen_in_a_kept_demo_profile_stays(tmp_path: Path) -> None:
    from hubdesk.core.settings import SettingsStore

    ids = SimState(SimConfig()).sender_ids()
    assert first_approved(ids) == MAIN_SENDER
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    try:
        settings = SettingsStore(worker)
        await settings.load()
        await settings.update(default_sender_id="13234710258")
        assert await settle_demo_default_sender(settings, worker, ids) == "13234710258"
        assert settings.current.default_sender_id == "13234710258"
    finally:
        await worker.close()
