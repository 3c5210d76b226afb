"""The simulated account: data, rules and the control operations (no HTTP here).

Every public method takes the state's lock, so tests may read or drive the state from
their own thread while uvicorn serves requests in another.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

from hubdesk.sim import seed as seeds
from hubdesk.sim.api_ops import ApiOperations
from hubdesk.sim.config import SimConfig, check_live_settings
from hubdesk.sim.faults import Fault
from hubdesk.sim.laravel import JsonDict
from hubdesk.sim.records import Data, RateDecision, StoredSenderId, StoredSms, Window
from hubdesk.sim.rules import check_inbound, strip_plus

Clock = Callable[[], float]
_REQUEST_LOG_MAX = 5000


class SimState(ApiOperations):
    """The simulator's data and logic. ``clock`` returns epoch seconds (default ``time.time``).

    The API operations (``token_grant``, ``send_sms`` …, from ``ApiOperations``) raise
    ``SimError`` carrying the status and body the real service answers with.
    """

    def __init__(self, config: SimConfig | None = None, *, clock: Clock = time.time) -> None:
        self._initial = config or SimConfig()
        self._config = self._initial
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random(self._initial.seed)
        self._contacts: list[seeds.DemoContact] = []
        self._data = Data()
        self.reset()

    @property
    def config(self) -> SimConfig:
        with self._lock:
            return self._config

    def http_date(self) -> str:
        """The ``Date`` header for now (the same clock as the ``time`` fields)."""
        return formatdate(self.now(), usegmt=True)

    def count(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._data.stats[name] += amount

    # --- control ------------------------------------------------------------------------

    def reset(self, *, keep_tokens: bool = False) -> None:
        """Back to the seed: data, tokens, faults, request log, counters and initial config."""
        with self._lock:
            old, cfg = self._data, self._initial
            self._config = cfg
            self._rng = random.Random(cfg.seed)
            data = Data()
            if keep_tokens:
                data.access, data.refresh = old.access, old.refresh
            for s in seeds.collection_sender_ids(cfg.customer_user_name):
                data.sender_ids[s.id] = StoredSenderId(
                    s.id,
                    cfg.customer_user_id,
                    s.sender_id,
                    s.status,
                    s.created_at,
                    s.created_by,
                    s.updated_at,
                    s.updated_by,
                )
            for m in seeds.collection_messages():
                assert m.sms_id is not None
                data.messages[m.sms_id] = _stored(m, m.sms_id, "seed")
            data.next_sms_id = cfg.first_sms_id
            self._contacts = seeds.demo_contacts(self._rng)
            if cfg.demo_data:
                now = seeds.utc_from_epoch(self.now())
                for m in seeds.demo_history(self._rng, now, self._contacts):
                    data.messages[data.next_sms_id] = _stored(m, data.next_sms_id, "demo")
                    data.next_sms_id += 1
            data.last_generated_inbound = self.now()
            self._data = data

    def configure(self, **settings: Any) -> SimConfig:
        """Change live settings: token_ttl, rate_limit, delivery_delay, inbound_every."""
        check_live_settings(**settings)
        with self._lock:
            self._config = self._config.with_changes(**settings)
            return self._config

    def expire_tokens(self) -> int:
        """Every access token issued so far is now expired. Returns how many there are."""
        with self._lock:
            past = self.now() - 1
            for record in self._data.access.values():
                record.expires_at = min(record.expires_at, past)
            return len(self._data.access)

    def revoke_tokens(self) -> int:
        """Revoke every access and refresh token. Returns how many tokens there are."""
        with self._lock:
            for a in self._data.access.values():
                a.revoked = True
            for r in self._data.refresh.values():
                r.revoked = True
            return len(self._data.access) + len(self._data.refresh)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._data.faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._data.faults.clear()

    def faults(self) -> list[JsonDict]:
        """The armed faults (with the uses they have left)."""
        with self._lock:
            return [f.to_json() for f in self._data.faults if f.count > 0]

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first armed fault that matches this request."""
        with self._lock:
            for fault in self._data.faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    self._data.stats["faults"] += 1
                    return dataclasses.replace(fault, count=1, headers=dict(fault.headers))
            return None

    def log_request(self, entry: JsonDict) -> JsonDict:
        """Append to the request log (the caller may fill in ``status`` later)."""
        with self._lock:
            log = self._data.requests
            log.append(entry)
            if len(log) > _REQUEST_LOG_MAX:
                del log[: len(log) - _REQUEST_LOG_MAX]
            self._data.stats["requests"] += 1
            return entry

    def requests(self) -> list[JsonDict]:
        """The API requests seen (never a token or password value), oldest first."""
        with self._lock:
            return [dict(e) for e in self._data.requests]

    def clear_requests(self) -> None:
        with self._lock:
            self._data.requests.clear()

    def messages(self) -> list[JsonDict]:
        """Every stored message with its current status and ``origin``, by ``sms_id``."""
        with self._lock:
            now = self.now()
            return [
                {**m.settle(now).detail(), "origin": m.origin}
                for _, m in sorted(self._data.messages.items())
            ]

    def clear_messages(self) -> None:
        """A new account: no message at all (the collection's examples gone too)."""
        with self._lock:
            self._data.messages.clear()

    def calls(self) -> list[JsonDict]:
        """Every dial, oldest first: call_id, kind ("dial"/"mask"), source, destination, time."""
        with self._lock:
            return [dict(c) for c in self._data.calls]

    def sender_ids(self) -> list[JsonDict]:
        with self._lock:
            return [s.to_json() for _, s in sorted(self._data.sender_ids.items())]

    def stats(self) -> dict[str, int]:
        """Counters (refreshes, password_grants, sms_sent, rate_limited …) and live totals
        (``streaming``: dribbling or huge answers still being sent)."""
        with self._lock:
            now = self.now()
            counters: dict[str, int] = dict(self._data.stats)
            counters["messages"] = len(self._data.messages)
            counters["live_access_tokens"] = sum(
                1 for a in self._data.access.values() if not a.revoked and a.expires_at > now
            )
            counters["live_refresh_tokens"] = sum(
                1 for r in self._data.refresh.values() if not r.revoked and r.expires_at > now
            )
            return counters

    def demo_contacts(self) -> list[seeds.DemoContact]:
        """The demo's people (first name, E.164 digits): the other parties of the demo
        history and the senders of generated inbound texts. Demo mode fills its address
        book from them."""
        with self._lock:
            return list(self._contacts)

    def approve_sender_id(self, sender_id: str) -> None:
        """Approve a sender id (status "1"), as the vendor's review eventually does."""
        with self._lock:
            for s in self._data.sender_ids.values():
                if s.sender_id == sender_id:
                    s.status = "1"
                    s.updated_at = self.server_time()
                    s.updated_by = "HubWork Support"
                    return
            raise KeyError(sender_id)

    def inject_inbound(
        self, source: str, text: str, destination: str | None = None, time: str | None = None
    ) -> int:
        """Store a received SMS (type "2", unread, delivered). Returns its ``sms_id``.

        ``destination`` defaults to the first approved sender id; ``time`` (server time
        string) to now. Raises ``SimError`` (422) when a field is malformed.
        """
        with self._lock:
            dest = destination or self._default_sender()
            check_inbound(source, text, dest, time)
            sms_id = self._data.next_sms_id
            self._data.next_sms_id += 1
            self._data.messages[sms_id] = StoredSms(
                sms_id,
                strip_plus(source.strip()),
                strip_plus(dest.strip()),
                text,
                "2",
                "1",
                "0",
                time or self.server_time(),
                "inbound",
            )
            self._data.stats["inbound"] += 1
            return sms_id

    def generate_inbound(self) -> int:
        """A plausible inbound SMS from one of the demo contacts. Returns its ``sms_id``."""
        with self._lock:
            contact = self._rng.choice(self._contacts)
            self._data.last_generated_inbound = self.now()
            self._data.stats["generated_inbound"] += 1
            return self.inject_inbound(contact.number, seeds.inbound_text(self._rng, contact))

    def tick(self) -> int | None:
        """Generate an inbound SMS if ``inbound_every`` has elapsed (the demo loop's step)."""
        with self._lock:
            every = self._config.inbound_every
            if every <= 0:
                self._data.last_generated_inbound = self.now()
                return None
            if self.now() - self._data.last_generated_inbound < every:
                return None
            return self.generate_inbound()

    def hit_rate_limit(self, key: str) -> RateDecision:
        """Count one request for ``key`` in its one-minute window (Laravel's throttle)."""
        with self._lock:
            now = self.now()
            limit = self._config.rate_limit
            window = self._data.windows.get(key)
            if window is None or now >= window.started + 60:
                window = self._data.windows[key] = Window(now)
            reset_at = window.started + 60
            retry_after = max(math.ceil(reset_at - now), 1)
            if window.hits >= limit:
                self._data.stats["rate_limited"] += 1
                return RateDecision(False, limit, 0, retry_after, math.ceil(reset_at))
            window.hits += 1
            return RateDecision(True, limit, limit - window.hits, retry_after, math.ceil(reset_at))

    def _default_sender(self) -> str:
        for s in sorted(self._data.sender_ids.values(), key=lambda s: s.id):
            if s.status == "1":
                return s.sender_id
        return seeds.MAIN_SENDER


def _stored(m: seeds.SeedSms, sms_id: int, origin: str) -> StoredSms:
    return StoredSms(
        sms_id,
        m.source,
        m.destination,
        m.text,
        m.type,
        m.delivery_status,
        m.read_status,
        m.time,
        origin,
    )
