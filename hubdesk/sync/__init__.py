"""The sync engine: plain asyncio (no Qt) between ``HubClient`` and the store.

* ``poller.Poller``: new messages and status changes from ``/sms/list``; one request when
  nothing is new; "new inbound" exactly once per message.
* ``backfill.Backfill``: older history, resumable, paced by the rate limit
  (``pacing.RatePacer``).
* ``outbox.OutboxSender``: every committed outbox row reaches the server exactly once
  (``outbox_search``: finding its messages; ``outbox_ids``: the ids of sent rows;
  ``inflight``: what a reconcile must not claim; ``passes``: its loops, which wake
  when a scheduled message is due; ``outbox_paced``: the rows of a batch, a few at a
  time under the rate limit). Each flush first queues the scheduled messages whose
  time has come (``store.schedule``).
* ``health``: every background loop survives anything; bounded waits; the status the
  user sees (``StatusBoard``).
* ``events.SyncEvents``: typed observer channels the UI bridges to Qt signals.
* ``clock.ServerClock`` / ``ServerClockTransport``: the server's clock from ``Date``, and
  when the server's current rate-limit window was first seen.
* ``storeops``: store work the repositories do not offer (runs on the DB worker).

Imports ``hubdesk.api``, ``hubdesk.store`` and ``hubdesk.domain`` only.
"""
