"""Exports (contacts CSV and vCard, a conversation's CSV) are private (0600) and atomic,
under umask 022 in a folder others can read (POSIX)."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hubdesk.core.contacts import ContactBook
from hubdesk.core.inbox import Inbox
from hubdesk.store.worker import DbWorker
from tests.unit.core.test_inbox import ALICE, sms

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="Windows: exports inherit the chosen folder's ACL"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    db = await DbWorker.open(tmp_path / "profile" / "hubdesk.sqlite3")
    await db.run(lambda d: d.messages.upsert_messages([sms(1, text="hello")]))
    await db.run(lambda d: d.contacts.add(ALICE, "Alice"))
    yield db
    await db.close()


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "Documents"
    folder.mkdir(mode=0o755)
    return folder


async def test_every_export_is_private_and_leaves_no_temporary_file(
    worker: DbWorker, exports: Path
) -> None:
    book = ContactBook(worker)
    assert await book.export_csv(exports / "contacts.csv") == 1
    assert await book.export_vcard(exports / "contacts.vcf") == 1
    assert await Inbox(worker).export_conversation_csv(ALICE, exports / "alice.csv") == 1
    assert {p.name: mode(p) for p in exports.iterdir()} == {
        "contacts.csv": 0o600,
        "contacts.vcf": 0o600,
        "alice.csv": 0o600,
    }
    assert (exports / "contacts.csv").read_bytes().startswith(b"\xef\xbb\xbfname,number")
    assert "hello" in (exports / "alice.csv").read_text("utf-8-sig")


async def test_an_export_over_a_readable_file_makes_it_private(
    worker: DbWorker, exports: Path
) -> None:
    target = exports / "alice.csv"
    target.write_text("an older export")
    target.chmod(0o644)
    await Inbox(worker).export_conversation_csv(ALICE, target)
    assert mode(target) == 0o600 and "hello" in target.read_text("utf-8-sig")
