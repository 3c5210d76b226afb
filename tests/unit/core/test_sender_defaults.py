"""Sender IDs without friction: the ID last used with a person, else the default, else the
only approved one; when to ask for a default (once); an ``sms:`` link's sender ID."""

from __future__ import annotations

from hubdesk.core.messenger import Messenger
from hubdesk.core.senders import CACHE_KEY, SenderIds
from hubdesk.domain.uris import parse_sms_uri
from hubdesk.store.database import Database
from hubdesk.sync.outbox import OutboxSender
from tests.unit.core.conftest import Wiring

MAIN = "447520602706"
OTHER = "13234710258"


async def _messenger(wiring: Wiring, default: list[str | None]) -> Messenger:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()  # two approved on the simulator's account: MAIN and OTHER
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    return Messenger(wiring.worker, sender, senders, lambda: default[0])


async def test_a_default_is_asked_for_once_when_several_are_approved(wiring: Wiring) -> None:
    default: list[str | None] = [None]
    m = await _messenger(wiring, default)
    assert m.needs_default()
    assert await m.default_prompt_due()
    await m.default_prompt_done()  # chosen or skipped: not asked again on this profile
    assert not await m.default_prompt_due()
    assert m.needs_default()  # still none (skipped): the compose box lets them pick
    default[0] = "SMTEST"  # a default that is not approved does not count
    assert m.needs_default()
    default[0] = MAIN
    assert not m.needs_default()


async def test_one_approved_id_needs_no_default(wiring: Wiring) -> None:
    m = await _messenger(wiring, [None])

    def keep_only_main(db: Database) -> None:  # an account with one approved sender ID
        cached = db.settings.get_raw(CACHE_KEY)
        assert isinstance(cached, list)
        db.settings.set(
            CACHE_KEY, [s for s in cached if isinstance(s, dict) and s["sender_id"] == MAIN]
        )

    await wiring.worker.run(keep_only_main)
    offline = SenderIds(None, wiring.worker)
    await offline.load_cached()
    single = Messenger(wiring.worker, m._sender, offline)
    assert not single.needs_default() and not await single.default_prompt_due()
    assert await single.sender_for("447400123456") == MAIN


async def test_an_sms_link_gets_a_sender_id_by_the_same_rule(wiring: Wiring) -> None:
    default: list[str | None] = [None]
    m = await _messenger(wiring, default)
    one = parse_sms_uri("sms:+447400123456?body=Hello")
    bulk = parse_sms_uri("sms:07400123456,07400123457")
    assert await m.sender_for_request(one) is None  # the user picks: no error for it
    assert await m.sender_for_request(bulk) is None
    default[0] = OTHER
    assert await m.sender_for_request(one) == OTHER
    assert await m.sender_for_request(bulk) == OTHER
    await m.send("07400 123456", "hello", MAIN)
    assert await m.sender_for_request(one) == MAIN  # the one last used with that person
    assert await m.sender_for_request(bulk) == OTHER
