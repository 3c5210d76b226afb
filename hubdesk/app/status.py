"""The sync loops as the window shows them: their state ("Online" only after a poll that
went through, ``sync.health.StatusBoard``) and the history backfill's progress, from the
sync events to the shell controller's status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubdesk.sync.events import BackfillProgress, SyncEvents, SyncStatus
from hubdesk.sync.health import StatusBoard

if TYPE_CHECKING:
    from hubdesk.ui.shell.controller import MainController

__all__ = ["show_sync_events"]


def show_sync_events(events: SyncEvents, controller: MainController) -> None:
    """Connect the sync state and backfill progress of ``events`` to ``controller``."""
    board = StatusBoard()  # "Online" only after a poll that went through: see health

    def on_state(status: SyncStatus) -> None:
        shown = board.update(status)
        if shown is not None:
            controller.show_sync(shown.kind.value, shown.last_sync, shown.detail, shown.retry_after)

    def on_backfill(progress: BackfillProgress) -> None:
        controller.show_backfill(progress.done, progress.total, progress.finished)

    events.sync_state.connect(on_state)
    events.backfill_progress.connect(on_backfill)
