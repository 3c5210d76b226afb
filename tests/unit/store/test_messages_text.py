"""The store's backstop for text that cannot be encoded (issue 11, item 1): server text is
repaired where the API parses it, but a lone surrogate that reaches ``upsert_messages``
some other way must never make the batch raise and lose the messages beside it."""

from __future__ import annotations

import dataclasses

from hubdesk.store.database import Database
from tests.unit.store.conftest import MakeSms


def test_a_lone_surrogate_is_stored_as_the_replacement_character(
    db: Database, make_sms: MakeSms
) -> None:
    broken = make_sms(1, text="half an emoji: \ud83d")
    broken = dataclasses.replace(broken, source="4474\udc00", chat_partner="\ud800")
    result = db.messages.upsert_messages([broken, make_sms(2, text="fine")])
    assert result.new_ids == {1, 2}
    stored = db.messages.get(1)
    assert stored is not None
    assert stored.text == "half an emoji: \ufffd"
    assert stored.source == "4474\ufffd"
    assert db.messages.get(2) is not None


def test_an_update_with_a_lone_surrogate_is_stored_too(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, text="before")])
    db.messages.upsert_messages([make_sms(1, text="after \udfff")])
    stored = db.messages.get(1)
    assert stored is not None and stored.text == "after \ufffd"
