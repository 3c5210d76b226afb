"""Local persistence: the profile folder and config file, the keyring-backed session
vault and the SQLite cache (one database per profile).

The public names below are imported from their submodules on first use (PEP 562): the
first frame reads the profile and settings without loading the keyring stack
(``store.secrets``: keyring, secretstorage, cryptography) or the database layer.
``from hubdesk.store import Database`` works as ever."""

from typing import TYPE_CHECKING

from hubdesk import lazy_exports

if TYPE_CHECKING:
    from hubdesk.store.batches import Batches, BatchRow
    from hubdesk.store.calls import Calls
    from hubdesk.store.contacts import ContactError, Contacts
    from hubdesk.store.database import (
        Database,
        DatabaseBusy,
        DatabaseUnavailable,
        RecoveryNotice,
    )
    from hubdesk.store.drafts import Drafts
    from hubdesk.store.marks import ConversationMarks, Marks
    from hubdesk.store.messages import Messages, UpsertResult
    from hubdesk.store.migrations import LATEST_VERSION, DatabaseTooNew
    from hubdesk.store.optouts import OptOut, OptOuts
    from hubdesk.store.outbox import Outbox, OutboxError
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
    from hubdesk.store.resends import AlreadyResent, NotResendable, ResendError, Resends, Resent
    from hubdesk.store.schedule import Promoted, Schedule
    from hubdesk.store.search import HitKind, Search, SearchHit
    from hubdesk.store.secrets import (
        KeyringVault,
        MemoryVault,
        SessionVault,
        StoredSession,
        VaultUnavailable,
    )
    from hubdesk.store.settings import JsonValue, Settings
    from hubdesk.store.syncstate import BACKFILL_CURSOR, BACKFILL_DONE, HIGH_WATER, SyncState
    from hubdesk.store.templates import TemplateError, Templates
    from hubdesk.store.threads import next_cursor
    from hubdesk.store.transactions import transaction
    from hubdesk.store.worker import DbWorker, WorkerClosed

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
    "AlreadyResent",
    "BACKFILL_CURSOR",
    "BACKFILL_DONE",
    "BatchRow",
    "Batches",
    "Calls",
    "ContactError",
    "ConversationMarks",
    "Contacts",
    "Database",
    "DatabaseTooNew",
    "DatabaseBusy",
    "DatabaseUnavailable",
    "DbWorker",
    "Drafts",
    "HIGH_WATER",
    "HitKind",
    "JsonValue",
    "LATEST_VERSION",
    "Marks",
    "Messages",
    "NotResendable",
    "OptOut",
    "OptOuts",
    "Outbox",
    "OutboxError",
    "Promoted",
    "RecoveryNotice",
    "ResendError",
    "Resends",
    "Resent",
    "Schedule",
    "Search",
    "SearchHit",
    "Settings",
    "SyncState",
    "TemplateError",
    "Templates",
    "UpsertResult",
    "WorkerClosed",
    "next_cursor",
    "transaction",
]

# Where each public name lives: imported on first use, so that importing one part of
# the package (or a submodule) does not load the others' dependencies.
_HOME: dict[str, str] = {
    "BatchRow": "hubdesk.store.batches",
    "Batches": "hubdesk.store.batches",
    "Calls": "hubdesk.store.calls",
    "ContactError": "hubdesk.store.contacts",
    "Contacts": "hubdesk.store.contacts",
    "Database": "hubdesk.store.database",
    "DatabaseBusy": "hubdesk.store.database",
    "DatabaseUnavailable": "hubdesk.store.database",
    "RecoveryNotice": "hubdesk.store.database",
    "Drafts": "hubdesk.store.drafts",
    "ConversationMarks": "hubdesk.store.marks",
    "Marks": "hubdesk.store.marks",
    "Messages": "hubdesk.store.messages",
    "UpsertResult": "hubdesk.store.messages",
    "LATEST_VERSION": "hubdesk.store.migrations",
    "DatabaseTooNew": "hubdesk.store.migrations",
    "OptOut": "hubdesk.store.optouts",
    "OptOuts": "hubdesk.store.optouts",
    "Outbox": "hubdesk.store.outbox",
    "OutboxError": "hubdesk.store.outbox",
    "DATABASE_FILE": "hubdesk.store.profile",
    "DEFAULT_API_URL": "hubdesk.store.profile",
    "Profile": "hubdesk.store.profile",
    "ProfileError": "hubdesk.store.profile",
    "clear_profile": "hubdesk.store.profile",
    "database_path": "hubdesk.store.profile",
    "home_dir": "hubdesk.store.profile",
    "load_profile": "hubdesk.store.profile",
    "resolve_base_url": "hubdesk.store.profile",
    "save_profile": "hubdesk.store.profile",
    "AlreadyResent": "hubdesk.store.resends",
    "NotResendable": "hubdesk.store.resends",
    "ResendError": "hubdesk.store.resends",
    "Resends": "hubdesk.store.resends",
    "Resent": "hubdesk.store.resends",
    "Promoted": "hubdesk.store.schedule",
    "Schedule": "hubdesk.store.schedule",
    "HitKind": "hubdesk.store.search",
    "Search": "hubdesk.store.search",
    "SearchHit": "hubdesk.store.search",
    "KeyringVault": "hubdesk.store.secrets",
    "MemoryVault": "hubdesk.store.secrets",
    "SessionVault": "hubdesk.store.secrets",
    "StoredSession": "hubdesk.store.secrets",
    "VaultUnavailable": "hubdesk.store.secrets",
    "JsonValue": "hubdesk.store.settings",
    "Settings": "hubdesk.store.settings",
    "BACKFILL_CURSOR": "hubdesk.store.syncstate",
    "BACKFILL_DONE": "hubdesk.store.syncstate",
    "HIGH_WATER": "hubdesk.store.syncstate",
    "SyncState": "hubdesk.store.syncstate",
    "TemplateError": "hubdesk.store.templates",
    "Templates": "hubdesk.store.templates",
    "next_cursor": "hubdesk.store.threads",
    "transaction": "hubdesk.store.transactions",
    "DbWorker": "hubdesk.store.worker",
    "WorkerClosed": "hubdesk.store.worker",
}

if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all
    __getattr__, __dir__ = lazy_exports(__name__, _HOME)
