"""The API's operations on the simulated account (``SimState`` inherits them).

Each takes the request's inputs already parsed (form and query values as lists of
strings) and returns the JSON body of the 200 answer, or raises ``SimError``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from hubdesk.sim import laravel
from hubdesk.sim.config import SimConfig
from hubdesk.sim.laravel import Errors, JsonDict, SimError
from hubdesk.sim.records import AccessRecord, Data, RefreshRecord, StoredSenderId, StoredSms
from hubdesk.sim.rules import (
    Inputs,
    array,
    check_alnum,
    check_numeric,
    check_pattern,
    check_server_time,
    check_uk_number,
    deliverable,
    strip_plus,
    value,
    within_bounds,
)
from hubdesk.sim.tokens import make_access_token, make_refresh_token

_YEAR = 365 * 86400
_SEND_OK = "SMS sent Successfully!"
_SENDER_ADDED = "Sender ID is created successfully and it will be reviewed soon for approval."


class ApiOperations:
    """Mixin: the endpoints' logic. Every method takes the lock."""

    _lock: threading.RLock
    _data: Data
    _config: SimConfig
    _clock: Callable[[], float]

    def now(self) -> float:
        """The server clock, epoch seconds."""
        return self._clock()

    def server_time(self, at: float | None = None) -> str:
        """The server clock as the API writes it: ``YYYY-MM-DD HH:MM:SS`` UTC."""
        moment = self.now() if at is None else at
        return datetime.fromtimestamp(math.floor(moment), UTC).strftime("%Y-%m-%d %H:%M:%S")

    # --- OAuth --------------------------------------------------------------------------

    def token_grant(self, inputs: Inputs) -> JsonDict:
        """``POST /oauth/token`` with grant ``password`` or ``refresh_token``."""
        with self._lock:
            cfg = self._config
            grant = value(inputs, "grant_type")
            if grant not in ("password", "refresh_token"):
                raise laravel.unsupported_grant_type()
            client_id = value(inputs, "client_id")
            if client_id is None:
                raise laravel.invalid_request("client_id")
            if client_id != cfg.client_id or value(inputs, "client_secret") != cfg.client_secret:
                self._data.stats["client_failures"] += 1
                raise laravel.invalid_client()
            if grant == "password":
                return self._password_grant(inputs)
            return self._refresh_grant(inputs)

    def _password_grant(self, inputs: Inputs) -> JsonDict:
        cfg = self._config
        username = value(inputs, "username")
        if username is None:
            raise laravel.invalid_request("username")
        password = inputs.get("password", [""])[-1]
        if not password:
            raise laravel.invalid_request("password")
        if username != cfg.username or password != cfg.password:
            self._data.stats["login_failures"] += 1
            raise laravel.invalid_credentials()
        self._data.stats["password_grants"] += 1
        now = self.now()
        return self._issue(now, jwt_exp=now + cfg.token_ttl, user_id=cfg.customer_user_id)

    def _refresh_grant(self, inputs: Inputs) -> JsonDict:
        cfg = self._config
        token = value(inputs, "refresh_token")
        if token is None:
            raise laravel.invalid_request("refresh_token")
        record = self._data.refresh.get(token)
        now = self.now()
        if record is None:
            hint = "Cannot decrypt the refresh token"
        elif record.revoked:
            hint = "Token has been revoked"
        elif record.expires_at <= now:
            hint = "Token has expired"
        else:
            hint = ""
        if record is None or hint:
            self._data.stats["refresh_failures"] += 1
            raise laravel.invalid_refresh_token(hint)
        record.revoked = True
        old_access = self._data.access.get(record.access_token)
        if cfg.revoke_access_on_refresh and old_access is not None:
            old_access.revoked = True
        self._data.stats["refreshes"] += 1
        # As in the collection's example, a refreshed JWT's own ``exp`` is a year away;
        # the server still honours ``expires_in`` only.
        return self._issue(now, jwt_exp=now + _YEAR, user_id=str(cfg.customer_user_id))

    def _issue(self, now: float, *, jwt_exp: float, user_id: int | str) -> JsonDict:
        cfg = self._config
        access = make_access_token(
            client_id=cfg.client_id, subject=str(cfg.customer_user_id), iat=now, exp=jwt_exp
        )
        refresh = make_refresh_token()
        self._data.access[access] = AccessRecord(now + cfg.token_ttl)
        self._data.refresh[refresh] = RefreshRecord(access, now + cfg.refresh_ttl)
        return {
            "customer_user_name": cfg.customer_user_name,
            "customer_user_id": user_id,
            "expires_in": cfg.token_ttl,
            "access_token": access,
            "refresh_token": refresh,
        }

    def authenticate(self, authorization: str | None) -> None:
        """Check an ``Authorization`` header; raise 401 ``Unauthenticated.`` if not good."""
        with self._lock:
            token = None
            if authorization and authorization[:7].lower() == "bearer ":
                token = authorization[7:].strip()
            record = self._data.access.get(token) if token else None
            if record is None or record.revoked or record.expires_at <= self.now():
                self._data.stats["unauthenticated"] += 1
                raise SimError(401, dict(laravel.UNAUTHENTICATED))

    # --- sender ids ---------------------------------------------------------------------

    def list_sender_ids(
        self, inputs: Inputs, *, path: str, query: Sequence[tuple[str, str]] = ()
    ) -> JsonDict:
        with self._lock:
            rows = sorted(self._data.sender_ids.values(), key=lambda s: s.id, reverse=True)
            page = laravel.resolve_page(value(inputs, "page"))
            data = laravel.paginate(
                [s.to_json() for s in rows],
                page=page,
                per_page=self._config.per_page,
                path=path,
                query=query,
            )
            return {"status": "success", "message": "success", "data": data}

    def add_sender_id(self, inputs: Inputs) -> JsonDict:
        with self._lock:
            errors = Errors()
            sender_id = value(inputs, "sender_id")
            if sender_id is None:
                errors.required("sender_id")
            elif check_alnum(errors, "sender_id", sender_id):
                if len(sender_id) > 15:
                    errors.add("sender_id", "The sender id field must not be greater than 15 "
                                            "characters.")  # fmt: skip
                elif any(s.sender_id == sender_id for s in self._data.sender_ids.values()):
                    errors.add("sender_id", "The sender id has already been taken.")
            errors.raise_if_any()
            assert sender_id is not None
            new_id = max(self._data.sender_ids, default=0) + 1
            self._data.sender_ids[new_id] = StoredSenderId(
                new_id,
                self._config.customer_user_id,
                sender_id,
                "0",
                self.server_time(),
                self._config.customer_user_name,
            )
            self._data.stats["sender_ids_added"] += 1
            return {"status": "success", "message": _SENDER_ADDED}

    # --- SMS ----------------------------------------------------------------------------

    def _check_source(self, errors: Errors, inputs: Inputs) -> str | None:
        source = value(inputs, "source")
        if source is None:
            errors.required("source")
            return None
        if not check_alnum(errors, "source", source):
            return None
        approved = {s.sender_id for s in self._data.sender_ids.values() if s.status == "1"}
        if source not in approved:
            errors.add("source", "The selected source is invalid.")
            return None
        return source

    def _store_outbound(self, source: str, destination: str, text: str, origin: str) -> StoredSms:
        sms_id = self._data.next_sms_id
        self._data.next_sms_id += 1
        now = self.now()
        sms = StoredSms(
            sms_id, source, destination, text, "1", "0", "1", self.server_time(now), origin,
            settles_at=now + self._config.delivery_delay,
            settles_to="1" if deliverable(destination) else "2",
        )  # fmt: skip
        self._data.messages[sms_id] = sms
        return sms

    def send_sms(self, inputs: Inputs) -> JsonDict:
        """``POST /sms/send``: store one outbound SMS, Pending until ``delivery_delay``."""
        with self._lock:
            errors = Errors()
            source = self._check_source(errors, inputs)
            destination = value(inputs, "destination")
            if destination is None:
                errors.required("destination")
            else:
                check_numeric(errors, "destination", destination)
            text = value(inputs, "text")  # Laravel's TrimStrings applies
            if text is None:
                errors.required("text")
            errors.raise_if_any()
            assert source is not None and destination is not None and text is not None
            sms = self._store_outbound(source, strip_plus(destination), text, "send")
            self._data.stats["sms_sent"] += 1
            return {
                "status": "success",
                "message": _SEND_OK,
                "delivery_status": "0",
                "sms": {**sms.detail(), "chat_partner": sms.destination},
            }

    def bulk_send(self, inputs: Inputs) -> JsonDict:
        """``POST /sms/bulk-send``: one SMS per ``destination[]`` (consecutive ids), no ids back."""
        with self._lock:
            errors = Errors()
            source = self._check_source(errors, inputs)
            text = value(inputs, "text")  # Laravel's TrimStrings applies
            if text is None:
                errors.required("text")
            destinations = array(inputs, "destination")
            if destinations is None:
                if value(inputs, "destination") is not None:
                    errors.add("destination", "The destination field must be an array.")
                else:
                    errors.required("destination")
            else:
                if not destinations:
                    errors.required("destination")
                for index, d in enumerate(destinations):
                    if not d.strip():
                        errors.required(f"destination.{index}")
                    else:
                        check_numeric(errors, f"destination.{index}", d.strip())
            errors.raise_if_any()
            assert source is not None and destinations is not None and text is not None
            for d in destinations:
                self._store_outbound(source, strip_plus(d.strip()), text, "bulk")
            self._data.stats["bulk_sends"] += 1
            self._data.stats["bulk_messages"] += len(destinations)
            return {"status": "success", "message": _SEND_OK, "delivery_status": "0"}

    def list_sms(
        self, inputs: Inputs, *, path: str, query: Sequence[tuple[str, str]] = ()
    ) -> JsonDict:
        """``GET /sms/list``: filters, newest first, 10 a page."""
        with self._lock:
            errors = Errors()
            sender, receiver = value(inputs, "sender"), value(inputs, "receiver")
            since, until = value(inputs, "sent_since"), value(inputs, "sent_until")
            for name, given in (("sender", sender), ("receiver", receiver)):
                if given is not None:
                    check_pattern(errors, name, given)
            for name, given in (("sent_since", since), ("sent_until", until)):
                if given is not None:
                    check_server_time(errors, name, given)
            errors.raise_if_any()
            now = self.now()
            exclusive = self._config.list_bounds == "exclusive"
            rows = [
                m.settle(now)
                for m in self._data.messages.values()
                if (sender is None or m.source == sender)
                and (receiver is None or m.destination == receiver)
                and within_bounds(m.time, since, until, exclusive=exclusive)
            ]
            rows.sort(key=lambda m: (m.time, m.sms_id), reverse=True)
            data = laravel.paginate(
                [m.list_item() for m in rows],
                page=laravel.resolve_page(value(inputs, "page")),
                per_page=self._config.per_page,
                path=path,
                query=query,
            )
            return {"status": "success", "message": "success", "data": data}

    def sms_detail(self, sms_id: int) -> JsonDict:
        with self._lock:
            sms = self._data.messages.get(sms_id)
            if sms is None:
                raise SimError(404, {"status": "error", "message": "SMS not found"})
            return {
                "status": "success",
                "message": "success",
                "data": sms.settle(self.now()).detail(),
            }

    # --- calls --------------------------------------------------------------------------

    def _call_id(self) -> str:
        """Like the real ids: "1" + PHP ``uniqid()`` (8 hex seconds, 5 hex microseconds)."""
        now = self.now()
        seconds, usec = int(now), int((now % 1) * 1_000_000)
        stamp = seconds * 1_000_000 + usec
        if stamp <= self._data.last_call_id_usec:
            stamp = self._data.last_call_id_usec + 1
        self._data.last_call_id_usec = stamp
        return f"1{stamp // 1_000_000:08x}{stamp % 1_000_000:05x}"

    def _dialled(self, kind: str, source: str | None, destination: str) -> JsonDict:
        call_id = self._call_id()
        self._data.calls.append({
            "call_id": call_id, "kind": kind, "source": source, "destination": destination,
            "time": self.server_time(),
        })  # fmt: skip
        self._data.stats["dials"] += 1
        return {
            "status": "success",
            "message": f"Call Dialed successfully to {destination}.",
            "call_id": call_id,
        }

    def dial(self, inputs: Inputs) -> JsonDict:
        """``POST /click-to-dial/dial``: ``destination`` must be a valid UK number."""
        with self._lock:
            errors = Errors()
            given = value(inputs, "destination")
            digits = None
            if given is None:
                errors.required("destination")
            else:
                digits = check_uk_number(errors, "destination", given)
            errors.raise_if_any()
            assert digits is not None
            return self._dialled("dial", None, digits)

    def dial_mask(self, inputs: Inputs) -> JsonDict:
        """``POST /click-to-dial-mask/dial``: ``source`` and ``destination`` valid UK numbers."""
        with self._lock:
            errors = Errors()
            found: dict[str, str | None] = {}
            for name in ("source", "destination"):
                given = value(inputs, name)
                if given is None:
                    errors.required(name)
                    found[name] = None
                else:
                    found[name] = check_uk_number(errors, name, given)
            errors.raise_if_any()
            destination = found["destination"]
            assert destination is not None
            return self._dialled("mask", found["source"], destination)
