"""The schema, as forward migrations keyed by ``PRAGMA user_version``.

Migration 1 is the base schema. Migration 2 adds full-text search (FTS5) over message
text and contact names and back-fills it from the rows already stored: a profile
created by the first release keeps its data and becomes searchable. Migration 3 makes a
server message claimable by one outbox destination only (a UNIQUE partial index on
``outbox_destinations.sms_id``) and moves each outbox entry's attempt window (server
times) from the sync engine's ``outbox_attempt:<id>`` sync-state keys into columns.
``_TEMPLATES`` adds the saved message templates (``store.templates``).
``_INBOX_STATES`` adds resend links, per-conversation marks (pinned, Done, kept unread),
an index of calls by number, and recounts the list's failure marks by the resend rule.
``_SCHEDULED_SENDS`` lets outbox rows wait for a time (``scheduled``, ``overdue``) or be
``cancelled``, and groups rows into batches (a personalised or split bulk send): SQLite
cannot change a CHECK constraint, so it rebuilds ``outbox`` and ``outbox_destinations``
(SQLite's twelve-step procedure, every row and id kept).
A new migration is appended to ``MIGRATIONS``; an existing one is never edited once
released.

Each migration runs in its own transaction together with the ``user_version`` bump, so
a crash part-way leaves the database at the previous version, never in between. Foreign
keys are off while migrations run (a rebuilt table's ``DROP`` must not cascade into the
rows that refer to it; the pragma does nothing inside a transaction, so ``migrate``
switches it around its loop) and every migration checks them before it commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from hubdesk.store.transactions import transaction


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer HubDesk (higher schema version): left untouched."""


class MigrationFailed(sqlite3.IntegrityError):
    """A migration would leave rows pointing at nothing (``PRAGMA foreign_key_check``);
    it was rolled back and the database stays at its previous version (``Database.open``
    raises it as ``DatabaseUnavailable``)."""


_V1_BASE = (
    # Every SMS the server has told us about. ``partner`` is the other party's number,
    # ``sender_id`` the account's own end; ``time`` is the server's clock, epoch seconds.
    # ``unread`` is the local read state; ``server_read`` only seeded it.
    """CREATE TABLE messages (
        sms_id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        destination TEXT NOT NULL,
        partner TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        text TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('1', '2')),
        delivery_status TEXT NOT NULL CHECK (delivery_status IN ('0', '1', '2')),
        server_read TEXT NOT NULL CHECK (server_read IN ('0', '1')),
        unread INTEGER NOT NULL DEFAULT 0 CHECK (unread IN (0, 1)),
        time INTEGER NOT NULL,
        segments INTEGER,
        stored_at INTEGER NOT NULL
    )""",
    "CREATE INDEX messages_thread ON messages (partner, time, sms_id)",
    "CREATE INDEX messages_time ON messages (time)",
    "CREATE INDEX messages_pending ON messages (time) WHERE delivery_status = '0'",
    "CREATE INDEX messages_unread ON messages (partner) WHERE unread = 1",
    "CREATE INDEX messages_failed ON messages (partner) WHERE delivery_status = '2'",
    # One row per partner, maintained in the same transaction as every message write.
    """CREATE TABLE conversations (
        partner TEXT PRIMARY KEY,
        last_sms_id INTEGER NOT NULL,
        last_time INTEGER NOT NULL,
        last_text TEXT NOT NULL,
        last_direction TEXT NOT NULL CHECK (last_direction IN ('1', '2')),
        last_sender_id TEXT,
        unread INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "CREATE INDEX conversations_recent ON conversations (last_time, last_sms_id)",
    """CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE CHECK (number <> '' AND number NOT GLOB '*[^0-9]*'),
        name TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE contact_groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    )""",
    """CREATE TABLE contact_group_members (
        group_id INTEGER NOT NULL REFERENCES contact_groups (id) ON DELETE CASCADE,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, contact_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX contact_group_members_contact ON contact_group_members (contact_id)",
    "CREATE TABLE drafts (partner TEXT PRIMARY KEY, text TEXT NOT NULL, "
    "updated_at INTEGER NOT NULL) WITHOUT ROWID",
    # The outbox: a send the user asked for, written before anything goes on the wire.
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('queued', 'sending', 'sent', 'unknown', 'failed')),
        bulk INTEGER NOT NULL CHECK (bulk IN (0, 1)),
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        error TEXT
    )""",
    "CREATE INDEX outbox_open ON outbox (state) WHERE state IN ('queued', 'sending', 'unknown')",
    """CREATE TABLE outbox_destinations (
        outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        destination TEXT NOT NULL,
        sms_id INTEGER,
        state TEXT NOT NULL
            CHECK (state IN ('queued', 'sending', 'sent', 'unknown', 'failed')),
        PRIMARY KEY (outbox_id, position),
        UNIQUE (outbox_id, destination)
    ) WITHOUT ROWID""",
    "CREATE INDEX outbox_destinations_partner ON outbox_destinations (destination)",
    "CREATE INDEX outbox_destinations_sms ON outbox_destinations (sms_id) WHERE sms_id IS NOT NULL",
    """CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL,
        masked_source TEXT,
        call_id TEXT,
        time INTEGER NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        outcome TEXT NOT NULL
    )""",
    "CREATE INDEX calls_time ON calls (time)",
    "CREATE TABLE optouts (number TEXT PRIMARY KEY, since INTEGER NOT NULL, sms_id INTEGER) "
    "WITHOUT ROWID",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)

_V2_SEARCH = (
    # External-content FTS5 tables: the text lives once, in messages / contacts.
    "CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', "
    "content_rowid = 'sms_id', tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE contacts_fts USING fts5 (name, content = 'contacts', "
    "content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.sms_id, new.text);
    END""",
    """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
        VALUES ('delete', old.sms_id, old.text);
    END""",
    """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
    WHEN old.text IS NOT new.text BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
        VALUES ('delete', old.sms_id, old.text);
        INSERT INTO messages_fts (rowid, text) VALUES (new.sms_id, new.text);
    END""",
    """CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_fts (rowid, name) VALUES (new.id, new.name);
    END""",
    """CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, name) VALUES ('delete', old.id, old.name);
    END""",
    """CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name ON contacts
    WHEN old.name IS NOT new.name BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, name) VALUES ('delete', old.id, old.name);
        INSERT INTO contacts_fts (rowid, name) VALUES (new.id, new.name);
    END""",
    # Back-fill whatever version 1 already holds.
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
    "INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')",
)

_ATTEMPT_KEY = "'outbox_attempt:'"  # the sync engine's old sync_state keys, one per entry


def _attempt_time(field: str) -> str:
    """SQL: epoch seconds of ``field`` ("YYYY-MM-DD HH:MM:SS", UTC) in the JSON value the
    sync engine kept under ``outbox_attempt:<id>``; NULL when absent or unreadable."""
    return (
        f"(SELECT CASE WHEN json_valid(s.value) AND json_type(s.value, '$.{field}') = 'text' "
        f"THEN CAST(strftime('%s', "
        f"json_extract(s.value, '$.{field}')) AS INTEGER) END "
        f"FROM sync_state s WHERE s.key = {_ATTEMPT_KEY} || outbox.id)"
    )


_V3_OUTBOX = (
    # Two outbox destinations must never claim one server message. Should a database
    # hold such a pair anyway, the first claim (lowest outbox id, then position) keeps
    # the id and the others forget it: a sent destination without an id is a state the
    # outbox already knows (a bulk send whose ids were not found yet).
    """UPDATE outbox_destinations SET sms_id = NULL
        WHERE sms_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM outbox_destinations kept
             WHERE kept.sms_id = outbox_destinations.sms_id
               AND (kept.outbox_id < outbox_destinations.outbox_id
                    OR (kept.outbox_id = outbox_destinations.outbox_id
                        AND kept.position < outbox_destinations.position)))""",
    "DROP INDEX outbox_destinations_sms",
    "CREATE UNIQUE INDEX outbox_destinations_sms ON outbox_destinations (sms_id) "
    "WHERE sms_id IS NOT NULL",
    # The latest attempt's bounds in SERVER time (epoch seconds): started at or before
    # the request left, ended at or after it was over (NULL: not known yet).
    "ALTER TABLE outbox ADD COLUMN attempt_started_at INTEGER",
    "ALTER TABLE outbox ADD COLUMN attempt_ended_at INTEGER",
    # Until now the sync engine kept them in sync_state as JSON: move them over.
    f"UPDATE outbox SET attempt_started_at = {_attempt_time('started')}, "
    f"attempt_ended_at = {_attempt_time('ended')}",
    f"DELETE FROM sync_state WHERE key GLOB {_ATTEMPT_KEY[:-1]}*'",
)

_TEMPLATES = (
    # Saved message texts. ``name`` as the user wrote it; ``name_key`` its case-folded
    # form (Python's ``str.casefold`` after NFKC, see ``store.templates.name_key``):
    # names are unique case-insensitively in every script, which SQLite's NOCASE (ASCII
    # only) cannot promise. ``position`` orders the list as the user arranged it.
    """CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (trim(name) <> ''),
        name_key TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL CHECK (text <> ''),
        position INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )""",
    "CREATE INDEX templates_order ON templates (position, id)",
)

_INBOX_STATES = (
    # A resend of a failed message (one the server reports undelivered): the failed
    # sms_id -> the outbox entry that sends it again. One resend per failed message (the
    # primary key): a second Retry finds this row instead of sending a duplicate. Dropping
    # the outbox entry (a discarded failed resend) drops the link with it.
    """CREATE TABLE resends (
        sms_id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL UNIQUE REFERENCES outbox (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL
    )""",
    # What the user decided about a conversation (kept apart from the derived
    # ``conversations`` rows, so a mark outlives a rebuilt row): pinned (since when,
    # local epoch seconds), Done (the newest message's time and sms_id when it was marked:
    # a received message after that brings it back), kept unread (the received message
    # "Mark unread" flagged: refreshing the open thread leaves it unread).
    """CREATE TABLE conversation_marks (
        partner TEXT PRIMARY KEY,
        pinned_at INTEGER,
        done_time INTEGER,
        done_sms_id INTEGER,
        kept_unread_sms_id INTEGER
    ) WITHOUT ROWID""",
    # A thread's timeline merges the calls placed to its number.
    "CREATE INDEX calls_number ON calls (number, time, id)",
    # The list's failure mark counts a failed message only while nothing settled it:
    # neither resent (no resends yet) nor followed by a later message to the same person
    # that was delivered.
    """UPDATE conversations SET failed = (
        SELECT count(*) FROM messages f
         WHERE f.partner = conversations.partner AND f.delivery_status = '2' AND f.type = '1'
           AND NOT EXISTS (
               SELECT 1 FROM messages n
                WHERE n.partner = f.partner AND n.type = '1' AND n.delivery_status = '1'
                  AND n.time >= f.time AND (n.time > f.time OR n.sms_id > f.sms_id)))""",
)

_OUTBOX_STATES = (
    "'queued', 'sending', 'sent', 'unknown', 'failed', 'scheduled', 'overdue', 'cancelled'"
)
_OUTBOX_COLUMNS = (
    "id, uuid, source, text, state, bulk, created_at, attempts, last_attempt_at, error, "
    "attempt_started_at, attempt_ended_at"
)

_SCHEDULED_SENDS = (
    # A bulk send made of several outbox rows: one per recipient with its own text (a
    # personalised send), or bulk rows of at most 500 numbers each (a long list). Its
    # state says whether its rows may be sent; each row keeps its own state.
    # ``resumed_at``: when the user last let it go on (after a pause, or an overdue one).
    """CREATE TABLE outbox_batches (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        template_text TEXT,
        state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'cancelled')),
        not_before INTEGER,
        created_at INTEGER NOT NULL,
        resumed_at INTEGER
    )""",
    # The outbox again, with the new states and three columns: ``not_before`` (epoch
    # seconds, UTC: never sent before then), ``template_text`` (the text as written,
    # placeholders unfilled, while it may be filled again for a new time) and
    # ``batch_id``.
    f"""CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ({_OUTBOX_STATES})),
        bulk INTEGER NOT NULL CHECK (bulk IN (0, 1)),
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at INTEGER,
        error TEXT,
        attempt_started_at INTEGER,
        attempt_ended_at INTEGER,
        not_before INTEGER,
        template_text TEXT,
        batch_id INTEGER REFERENCES outbox_batches (id)
    )""",
    f"INSERT INTO outbox_new ({_OUTBOX_COLUMNS}) SELECT {_OUTBOX_COLUMNS} FROM outbox",
    f"""CREATE TABLE outbox_destinations_new (
        outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        destination TEXT NOT NULL,
        sms_id INTEGER,
        state TEXT NOT NULL CHECK (state IN ({_OUTBOX_STATES})),
        PRIMARY KEY (outbox_id, position),
        UNIQUE (outbox_id, destination)
    ) WITHOUT ROWID""",
    "INSERT INTO outbox_destinations_new (outbox_id, position, destination, sms_id, state) "
    "SELECT outbox_id, position, destination, sms_id, state FROM outbox_destinations",
    "DROP TABLE outbox_destinations",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_new RENAME TO outbox",
    "ALTER TABLE outbox_destinations_new RENAME TO outbox_destinations",
    "CREATE INDEX outbox_open ON outbox (state) WHERE state IN ('queued', 'sending', 'unknown')",
    "CREATE INDEX outbox_due ON outbox (not_before) WHERE state = 'scheduled'",
    "CREATE INDEX outbox_batch ON outbox (batch_id, state) WHERE batch_id IS NOT NULL",
    "CREATE INDEX outbox_destinations_partner ON outbox_destinations (destination)",
    "CREATE UNIQUE INDEX outbox_destinations_sms ON outbox_destinations (sms_id) "
    "WHERE sms_id IS NOT NULL",
)

# Search finds the outbox entries not sent yet (``store.search_outbox``): the newest of
# them without reading every sent row. The state list is the query's, word for word.
_SEARCH_OUTBOX = (
    "CREATE INDEX outbox_unsent ON outbox (id) "
    "WHERE state IN ('scheduled', 'overdue', 'queued', 'sending', 'unknown', 'failed')",
)

MIGRATIONS: tuple[Sequence[str], ...] = (
    _V1_BASE,
    _V2_SEARCH,
    _V3_OUTBOX,
    _TEMPLATES,
    _INBOX_STATES,
    _SCHEDULED_SENDS,
    _SEARCH_OUTBOX,
)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Bring the schema forward to ``target``; return the version it started from.

    Raises ``DatabaseTooNew`` when the file is already past the newest version known here.
    """
    if not 0 <= target <= LATEST_VERSION:
        raise ValueError(f"no schema version {target} (latest is {LATEST_VERSION})")
    start = schema_version(conn)
    if start > LATEST_VERSION:
        raise DatabaseTooNew(
            f"the database has schema version {start}, newer than this HubDesk knows "
            f"({LATEST_VERSION}); update HubDesk or use another profile"
        )
    if start >= target:
        return start
    foreign_keys = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or it does nothing
    try:
        for version in range(start + 1, target + 1):
            with transaction(conn):
                # Another process may have migrated while this one waited for the lock.
                if schema_version(conn) >= version:
                    continue
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationFailed(
                        f"schema version {version} would leave {len(broken)} row(s) of "
                        f"{broken[0][0]} pointing at nothing; the database was left as it was"
                    )
                conn.execute(f"PRAGMA user_version = {version}")
    finally:
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys = ON")
    return start
