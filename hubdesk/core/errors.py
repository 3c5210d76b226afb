"""Every user-visible error as one sentence: the single mapping the GUI and the CLI use.

``describe_error(exc)`` turns anything a use case may raise into one line of plain text:
``ApiError`` subclasses (network down, timed out, dropped, session expired, refused,
rate limited, server error, unexpected answer), local input errors (``NumberError``,
``SenderIdError``, ``UriError``), the keyring (``VaultUnavailable``), the store
(damaged or too-new database, contact and template errors), placeholders and send
times (``PlaceholderError``, ``ScheduleError``) and the refusals core itself raises
(``CoreError``: opted-out numbers, no approved sender ID, empty text, ...).

Sentences never hold a traceback or a secret: for an exception type it does not know,
only the type's name is shown, never ``str(exc)``.

The UI reaches the api and store layers only through core: what it needs of their
errors is here too. ``sign_in_problem(exc)`` says what a failed sign-in asks the person
to fix, ``not_signed_in(operation)`` is the error a use case raises without a session,
and ``ApiError`` (the base of every error of the HTTP layer) is re-exported for the one
place that catches it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from hubdesk.api import ApiError
from hubdesk.api import errors as api
from hubdesk.api.operations import OPERATIONS
from hubdesk.domain.senderids import SenderIdError

if TYPE_CHECKING:
    from hubdesk.store.database import RecoveryNotice

__all__ = [
    "AlreadyResent",
    "ApiError",
    "CoreError",
    "DATABASE_BUSY",
    "InvalidInput",
    "NoApprovedSender",
    "OptedOut",
    "SESSION_EXPIRED",
    "SignInProblem",
    "describe_error",
    "describe_recovery",
    "is_offline",
    "is_session_expired",
    "not_signed_in",
    "sentence",
    "sign_in_problem",
]

SESSION_EXPIRED = "Your session has expired; sign in again."
DATABASE_BUSY = (
    "The local message database is busy: another HubDesk or another program is writing "
    "to it. Nothing was lost; try again in a moment."
)
_MAX_LENGTH = 400


class CoreError(Exception):
    """A refusal by a core use case; ``str()`` is already a sentence for a person."""


class InvalidInput(CoreError, ValueError):
    """Something the user typed or imported is not acceptable (nothing was sent)."""


class OptedOut(CoreError):
    """The number opted out (replied STOP); sending needs an explicit override."""

    def __init__(self, number: str, message: str | None = None) -> None:
        super().__init__(message or "This number has opted out (STOP); the message was not sent.")
        self.number = number


class NoApprovedSender(CoreError):
    """No approved sender ID is available (or the chosen one is not approved)."""


class AlreadyResent(CoreError):
    """A failed message was sent again already and that resend is queued, being sent,
    of unknown outcome or sent: retrying once more would send a duplicate.
    ``outbox_id`` is that resend's outbox entry."""

    def __init__(self, failed_sms_id: int, outbox_id: int, message: str) -> None:
        super().__init__(message)
        self.failed_sms_id = failed_sms_id
        self.outbox_id = outbox_id


def sentence(text: str) -> str:
    """One line, capitalised, ending with a full stop; cut when absurdly long."""
    line = re.sub(r"\s+", " ", text).strip()
    if not line:
        return ""
    if len(line) > _MAX_LENGTH:
        line = line[: _MAX_LENGTH - 1].rstrip() + "…"
    if line[-1] not in ".!?…":
        line += "."
    return line[0].upper() + line[1:]


def _doing(exc: api.ApiError) -> str:
    op = OPERATIONS.get(exc.operation)
    return op.doing if op is not None else "reach the HubWork server"


def _unconfirmed(exc: api.ApiError) -> str:
    op = OPERATIONS.get(exc.operation)
    if op is not None and op.unconfirmed:
        return op.unconfirmed
    return "The server did not confirm the request; it may or may not have taken effect."


def _describe_api(exc: api.ApiError) -> str:
    doing = _doing(exc)
    status = f" (HTTP {exc.status})" if exc.status is not None else ""
    if isinstance(exc, api.InsecureUrl | api.DeadlineExceeded | api.ResponseTooLarge):
        return str(exc)  # says what the limit was and, for a change, that it may have happened
    if isinstance(exc, api.ConnectFailed):
        return (
            f"Could not reach the HubWork server to {doing}; check the network connection "
            "and try again."
        )
    if isinstance(exc, api.RequestTimedOut | api.ConnectionDropped):
        if exc.may_have_executed:
            return _unconfirmed(exc)
        if isinstance(exc, api.RequestTimedOut):
            return f"The server did not answer in time while trying to {doing}; try again."
        return f"The connection to the server broke while trying to {doing}; try again."
    if isinstance(exc, api.NetworkError):
        return f"The network failed while trying to {doing}; try again."
    if isinstance(exc, api.SessionExpired):
        return SESSION_EXPIRED
    if isinstance(exc, api.NotSignedIn):
        return "You are not signed in; sign in first."
    if isinstance(exc, api.BadCredentials):
        return "The username or password was not accepted."
    if isinstance(exc, api.InvalidClient):
        return (
            "The server refused HubDesk's client ID or client secret; check the account settings."
        )
    if isinstance(exc, api.Unauthenticated):
        if exc.operation in ("login", "refresh"):
            return str(exc)
        return SESSION_EXPIRED
    if isinstance(exc, api.PermissionDenied):
        return f"Your account is not allowed to {doing}; ask HubWork to enable it."
    if isinstance(exc, api.ValidationFailed):  # includes Refused
        fields = "; ".join(
            f"{name}: {' '.join(m.rstrip('.') for m in msgs)}"
            for name, msgs in exc.errors.items()
            if msgs
        )
        if fields:
            return f"The server refused to {doing}: {fields}."
        return str(exc) or f"The server refused to {doing}."
    if isinstance(exc, api.RateLimited):
        seconds = max(1, round(exc.retry_after))
        unit = "second" if seconds == 1 else "seconds"
        return (
            f"The server is limiting requests and did not {doing}; try again in {seconds} {unit}."
        )
    if isinstance(exc, api.ServerError):
        if exc.may_have_executed:
            return f"{_unconfirmed(exc).rstrip('.')} (the server failed{status})."
        return f"The HubWork server failed{status} while trying to {doing}; try again later."
    if isinstance(exc, api.UnexpectedResponse):
        if exc.may_have_executed:
            http = f", HTTP {exc.status}" if exc.status is not None else ""
            return f"{_unconfirmed(exc).rstrip('.')} (its answer could not be read{http})."
        return f"The server sent an unexpected answer while trying to {doing}{status}."
    return str(exc) or f"The request to {doing} failed{status}."


def describe_error(exc: BaseException) -> str:
    """One sentence for a person, for any exception a use case may raise."""
    from hubdesk.core.autostart import AutostartError
    from hubdesk.domain.numbers import NumberError  # phonenumbers: not at import time
    from hubdesk.domain.placeholders import PlaceholderError
    from hubdesk.domain.schedule import ScheduleError
    from hubdesk.domain.uris import UriError
    from hubdesk.store.contacts import ContactError
    from hubdesk.store.database import DatabaseBusy, DatabaseUnavailable
    from hubdesk.store.migrations import DatabaseTooNew
    from hubdesk.store.outbox import OutboxError
    from hubdesk.store.profile import ProfileError
    from hubdesk.store.secrets import VaultUnavailable
    from hubdesk.store.templates import TemplateError
    from hubdesk.store.worker import WorkerClosed
    from hubdesk.sync.outbox import OptedOut as SyncOptedOut

    if isinstance(exc, api.ApiError):
        return sentence(_describe_api(exc))
    if isinstance(exc, CoreError | SyncOptedOut):
        return sentence(str(exc))
    if isinstance(exc, NumberError | SenderIdError | UriError | ContactError):
        return sentence(str(exc))
    if isinstance(exc, PlaceholderError | ScheduleError | TemplateError):
        return sentence(str(exc))
    if isinstance(exc, VaultUnavailable):
        text = str(exc) or "the system keyring cannot be used"
        return sentence(f"Cannot use the system keyring: {text.rstrip('.')}")
    if isinstance(exc, ProfileError):
        return sentence(str(exc) or "The profile could not be read")
    if isinstance(exc, DatabaseBusy):
        return DATABASE_BUSY
    if isinstance(exc, DatabaseTooNew):
        return sentence(
            "The local database was written by a newer HubDesk; update HubDesk to open it"
        )
    if isinstance(exc, DatabaseUnavailable):
        return sentence(f"The local database cannot be opened: {exc}")
    if isinstance(exc, OutboxError):
        return sentence(f"That message is no longer in the outbox ({exc})")
    if isinstance(exc, WorkerClosed):
        return "The local database is closed; restart HubDesk."
    if isinstance(exc, AutostartError):  # AutostartUnsupported too
        return sentence(str(exc) or "Start at login is not supported on this system yet")
    if isinstance(exc, OSError):
        name = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or type(exc).__name__
        return sentence(f"A file could not be used{name}: {reason}")
    if isinstance(exc, TimeoutError):
        return "The operation timed out; try again."
    return f"Something went wrong ({type(exc).__name__}); the details are in the log."


def describe_recovery(notice: RecoveryNotice) -> str:
    """The sentence to show once when a damaged database was moved aside and rebuilt."""
    return sentence(notice.message)


def is_offline(exc: BaseException) -> bool:
    """True when the server could not be reached or did not answer (show "offline")."""
    return isinstance(exc, api.NetworkError)


def is_session_expired(exc: BaseException) -> bool:
    """True when the user must sign in again (not for a wrong password at sign-in)."""
    if isinstance(exc, api.BadCredentials | api.InvalidClient):
        return False
    if isinstance(exc, api.SessionExpired | api.NotSignedIn):
        return True
    return isinstance(exc, api.Unauthenticated) and exc.operation not in ("login",)


def not_signed_in(operation: str) -> Exception:
    """The error a use case raises when there is no session for ``operation`` (an
    ``api.operations`` name): ``describe_error`` says "sign in first"."""
    return api.NotSignedIn("Not signed in.", operation=operation)


SignInProblem = Literal["credentials", "client", "unreachable", "address", "keyring"]


def sign_in_problem(exc: BaseException) -> SignInProblem | None:
    """What a failed sign-in asks the person to fix: the username or password
    ("credentials"), the client ID or secret ("client"), the server address (no answer
    from it: "unreachable"; refused as written, e.g. plain ``http://``: "address"), or
    keeping the session in the system keyring ("keyring"). None: nothing they typed."""
    from hubdesk.store.secrets import VaultUnavailable  # keyring: not at import time

    if isinstance(exc, api.BadCredentials):
        return "credentials"
    if isinstance(exc, api.InvalidClient):
        return "client"
    if isinstance(exc, api.NetworkError):
        return "unreachable"
    if isinstance(exc, api.InsecureUrl):
        return "address"
    if isinstance(exc, VaultUnavailable):
        return "keyring"
    return None
