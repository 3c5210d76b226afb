"""Child process for the restart test: one poll, then print the announced ids as JSON.

Usage: python poll_child.py BASE_URL DB_PATH
"""

from __future__ import annotations

import asyncio
import json
import sys

from hubdesk.api import HubClient
from hubdesk.domain import Sms
from hubdesk.store.worker import DbWorker
from hubdesk.sync.poller import Poller


async def main(base_url: str, db_path: str) -> None:
    client = HubClient(base_url, client_id="hubdesk-demo", client_secret="demo-secret")
    worker = await DbWorker.open(db_path)
    await client.login("demo@hubwork.test", "demo-password")
    poller = Poller(client, worker)
    announced: list[int] = []

    def record(messages: list[Sms]) -> None:
        announced.extend(m.sms_id for m in messages)

    poller.events.new_inbound.connect(record)
    result = await poller.poll_once()
    print(json.dumps({"announced": announced, "requests": result.requests}), flush=True)
    await client.aclose()
    await worker.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
