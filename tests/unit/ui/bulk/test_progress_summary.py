"""The bulk send's progress sentence agrees with its bar: the bar counts every settled
recipient (sent, refused, cancelled), so the sentence says how many of those were not
sent. Cancelling a send part way showed "Sent 24 of 38" beside a bar at "34 of 38"."""

from __future__ import annotations

from datetime import UTC, datetime

from hubdesk.domain import BatchState, OutboxBatch, OutboxState
from hubdesk.ui.bulk.progress import BatchProgress, batch_summary, done_of


def _batch(state: BatchState, **counts: int) -> OutboxBatch:
    by_state = {OutboxState(name): n for name, n in counts.items()}
    return OutboxBatch(1, "447520602706", state, datetime(2026, 12, 7, tzinfo=UTC), 38, by_state)


def test_cancelling_says_how_many_were_cancelled(qtbot: object) -> None:
    batch = _batch(BatchState.CANCELLED, sent=24, cancelled=10, sending=4)
    text, _tone = batch_summary(batch)
    assert text.startswith("Sent 24 of 38, 10 cancelled. Cancelling:"), text
    page = BatchProgress()
    page.show_batch(batch)
    assert page.bar.value() == done_of(batch)[0] == 34
    assert "10 cancelled" in page.label.text()


def test_refused_ones_are_named_while_the_send_goes_on(qtbot: object) -> None:
    text, _tone = batch_summary(_batch(BatchState.ACTIVE, sent=5, failed=2, queued=31))
    assert text.startswith("Sent 5 of 38, 2 refused by the server, paced"), text


def test_a_plain_send_reads_as_before(qtbot: object) -> None:
    text, _tone = batch_summary(_batch(BatchState.ACTIVE, sent=4, queued=34))
    assert text == "Sent 4 of 38, paced under the server's rate limit."
