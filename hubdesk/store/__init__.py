"""Local persistence: the profile folder and config file, and the keyring-backed
session vault. (The SQLite cache joins this package later.)"""

from hubdesk.store.profile import (
    DATABASE_FILE,
    DEFAULT_API_URL,
    Profile,
    ProfileError,
    clear_profile,
    database_path,
    home_dir,
    load_profile,
    resolve_base_url,
    save_profile,
)
from hubdesk.store.secrets import (
    KeyringVault,
    MemoryVault,
    SessionVault,
    StoredSession,
    VaultUnavailable,
)

__all__ = [
    "DEFAULT_API_URL",
    "Profile",
    "ProfileError",
    "DATABASE_FILE",
    "clear_profile",
    "database_path",
    "home_dir",
    "load_profile",
    "resolve_base_url",
    "save_profile",
    "KeyringVault",
    "MemoryVault",
    "SessionVault",
    "StoredSession",
    "VaultUnavailable",
]

# The SQLite cache (one database per profile): appended by the store-db work.
from hubdesk.store.calls import Calls  # noqa: E402
from hubdesk.store.contacts import ContactError, Contacts  # noqa: E402
from hubdesk.store.database import Database, DatabaseUnavailable, RecoveryNotice  # noqa: E402
from hubdesk.store.drafts import Drafts  # noqa: E402
from hubdesk.store.messages import Messages, UpsertResult  # noqa: E402
from hubdesk.store.migrations import LATEST_VERSION, DatabaseTooNew  # noqa: E402
from hubdesk.store.optouts import OptOut, OptOuts  # noqa: E402
from hubdesk.store.outbox import Outbox, OutboxError  # noqa: E402
from hubdesk.store.search import HitKind, Search, SearchHit  # noqa: E402
from hubdesk.store.settings import JsonValue, Settings  # noqa: E402
from hubdesk.store.syncstate import BACKFILL_CURSOR, BACKFILL_DONE, HIGH_WATER, SyncState  # noqa: E402
from hubdesk.store.threads import next_cursor  # noqa: E402
from hubdesk.store.transactions import transaction  # noqa: E402
from hubdesk.store.worker import DbWorker, WorkerClosed  # noqa: E402

__all__ += [
    "BACKFILL_CURSOR",
    "BACKFILL_DONE",
    "Calls",
    "ContactError",
    "Contacts",
    "Database",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "DbWorker",
    "Drafts",
    "HIGH_WATER",
    "HitKind",
    "JsonValue",
    "LATEST_VERSION",
    "Messages",
    "OptOut",
    "OptOuts",
    "Outbox",
    "OutboxError",
    "RecoveryNotice",
    "Search",
    "SearchHit",
    "Settings",
    "SyncState",
    "UpsertResult",
    "WorkerClosed",
    "next_cursor",
    "transaction",
]
