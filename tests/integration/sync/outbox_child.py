"""Child process for the kill -9 trials: sends numbered messages through the outbox.

Usage: python outbox_child.py BASE_URL DB_PATH PREFIX COUNT DESTINATION
Prints "ready" once signed in, then "committed <text>" after each outbox row is
committed (before it is sent) and "sent <text>" after each send settles; the test
kills it at a random moment after "ready".
"""

from __future__ import annotations

import asyncio
import sys

import httpx

from hubdesk.api import HubClient
from hubdesk.store.worker import DbWorker
from hubdesk.sync.clock import ServerClock, ServerClockTransport
from hubdesk.sync.outbox import OutboxSender

SENDER = "447520602706"


async def main(base_url: str, db_path: str, prefix: str, count: int, dest: str) -> None:
    clock = ServerClock()
    transport = ServerClockTransport(clock)
    client = HubClient(
        base_url,
        client_id="hubdesk-demo",
        client_secret="demo-secret",
        transport=transport,
        timeout=httpx.Timeout(1.0),
    )
    worker = await DbWorker.open(db_path)
    await client.login("demo@hubwork.test", "demo-password")
    sender = OutboxSender(client, worker, server_clock=clock, reconcile_window=0.2)
    print("ready", flush=True)  # the test's kill clock starts here, not at process start
    for i in range(count):
        text = f"{prefix}-{i}"
        result = await sender.submit(SENDER, dest, text, send=False)
        print("committed", text, flush=True)
        assert result.item is not None
        await sender.send(result.item)
        print("sent", text, flush=True)
    await sender.settle(timeout=30)
    print("done", flush=True)
    await client.aclose()
    await worker.close()


if __name__ == "__main__":
    base, db, prefix, count, dest = sys.argv[1:6]
    asyncio.run(main(base, db, prefix, int(count), dest))
