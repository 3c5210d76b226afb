"""Child process: one of several HubDesk processes sharing one stored session.

Usage: ``python session_child.py`` with ``HUBDESK_HOME`` and a file-backed keyring in the
environment (``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring``, ``tests/fakes`` on
``PYTHONPATH``, ``HUBDESK_TEST_KEYRING_FILE``), exactly as ``hubdesk-cli`` would run.

Restores the session from the profile and the keyring (``SessionManager.restore``) and
prints ``ready``. Then, for each line read on stdin, makes one request (``list_sms``:
it refreshes first whenever the access token is missing or refused) and prints ``ok`` or
``error <ExceptionType>: <message>``. Ends at end of input.
"""

from __future__ import annotations

import asyncio
import sys

from hubdesk.api import ApiError
from hubdesk.core.session import SessionManager
from hubdesk.store.profile import home_dir
from hubdesk.store.secrets import KeyringVault


async def main() -> None:
    async with SessionManager(home_dir(), KeyringVault()) as manager:
        client = await manager.restore()
        print("ready", flush=True)
        while await asyncio.to_thread(sys.stdin.readline):
            try:
                await client.list_sms()
            except ApiError as exc:
                print(f"error {type(exc).__name__}: {exc}", flush=True)
            else:
                print("ok", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
