"""The flush's sentences about rows another process is sending."""

from __future__ import annotations

from hubdesk.cli.outbox import elsewhere_sentence


def test_one_and_a_few_rows_are_named() -> None:
    assert elsewhere_sentence([7]) == (
        "Outbox entry 7 is being sent by another HubDesk process (left to it; see "
        "'hubdesk-cli outbox')."
    )
    assert elsewhere_sentence([1, 2, 3]).startswith("Outbox entries 1, 2, 3 are being sent")


def test_a_long_list_is_cut_short() -> None:
    # Two flushes of a 600-recipient bulk: one printed some 300 ids in one sentence.
    sentence = elsewhere_sentence(list(range(1, 301)))
    assert sentence.startswith("Outbox entries 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 290 more ")
    assert "are being sent by another HubDesk process" in sentence
    assert len(sentence) < 200
