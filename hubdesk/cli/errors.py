"""Every failure as one sentence on stderr and one exit code.

Exit codes (also in ``hubdesk-cli --help``)::

    0  done
    2  bad input: nothing was sent
    3  not logged in, session expired, or no usable keyring
    4  the API refused the request (4xx other than 401/429, e.g. 422 with field messages)
    5  network or server failure after retries, or an unexpected response; a send whose
       outcome is unknown (it stays in the outbox and is reconciled by 'outbox --flush'),
       or one that could not start and stays queued for that flush
    6  the local database is busy: another HubDesk (or another program) held its lock
       for more than 5 s; nothing was lost and nothing half-written: run it again
    1  the local database cannot be used, or an internal error

The sentences come from the API errors themselves (``str(ApiError)`` is written for
people and never holds a secret); this module only adds what a command-line user needs
to know next, such as which command to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXIT_API_REFUSED",
    "EXIT_BAD_INPUT",
    "EXIT_BUSY",
    "EXIT_FAILURE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_LOGGED_IN",
    "EXIT_OK",
    "CliError",
    "Failure",
    "NotLoggedIn",
    "UsageError",
    "describe",
]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_LOGGED_IN = 3
EXIT_API_REFUSED = 4
EXIT_FAILURE = 5
EXIT_BUSY = 6
EXIT_INTERRUPTED = 130

LOGIN_HINT = "Run 'hubdesk-cli login' to sign in."
CHECK_HINT = "Check with 'hubdesk-cli messages --sender SENDER' before sending it again."


class CliError(Exception):
    """A failure the CLI found itself; ``str()`` is the sentence to print, ``facts`` go
    into the ``--json`` error document beside it (e.g. the report of a refused send)."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str = "", **facts: Any) -> None:
        super().__init__(message)
        self.facts = facts


class UsageError(CliError):
    """Bad input, found before any request was made."""

    exit_code = EXIT_BAD_INPUT


class NotLoggedIn(CliError):
    """No session to use (and none can be made from what was given)."""

    exit_code = EXIT_NOT_LOGGED_IN


@dataclass(frozen=True, slots=True)
class Failure:
    """How to report one exception."""

    exit_code: int
    message: str
    detail: str = ""  # shown with -v only


def describe(exc: BaseException) -> Failure:
    """Map any exception a command may raise to an exit code and a sentence.

    The sentence comes from the shared mapping (``hubdesk.core.errors.describe_error``,
    also used by the GUI); this adds the exit code and what to run next.
    """
    from hubdesk.api import errors as api
    from hubdesk.core.errors import CoreError, describe_error, sentence
    from hubdesk.domain.numbers import NumberError
    from hubdesk.domain.placeholders import PlaceholderError
    from hubdesk.domain.schedule import ScheduleError
    from hubdesk.domain.senderids import SenderIdError
    from hubdesk.store.database import DatabaseBusy, DatabaseUnavailable
    from hubdesk.store.migrations import DatabaseTooNew
    from hubdesk.store.profile import ProfileError
    from hubdesk.store.secrets import VaultUnavailable
    from hubdesk.store.templates import TemplateError
    from hubdesk.sync.outbox import OptedOut

    if isinstance(exc, CliError):
        return Failure(exc.exit_code, sentence(str(exc)))
    bad_input = (
        NumberError,
        SenderIdError,
        CoreError,
        OptedOut,
        PlaceholderError,
        ScheduleError,
        TemplateError,
    )
    if isinstance(exc, bad_input):
        return Failure(EXIT_BAD_INPUT, describe_error(exc))
    if isinstance(exc, VaultUnavailable | ProfileError):
        return Failure(EXIT_NOT_LOGGED_IN, describe_error(exc))
    if isinstance(exc, DatabaseBusy):
        return Failure(EXIT_BUSY, describe_error(exc), f"DatabaseBusy: {exc}")
    if isinstance(exc, DatabaseUnavailable | DatabaseTooNew):
        return Failure(EXIT_INTERNAL, describe_error(exc), f"{type(exc).__name__}: {exc}")
    if not isinstance(exc, api.ApiError):
        return Failure(
            EXIT_INTERNAL,
            f"Internal error ({type(exc).__name__}); run with -v for details.",
        )

    detail = (
        f"{type(exc).__name__}: operation={exc.operation or '-'} "
        f"status={exc.status if exc.status is not None else '-'} "
        f"may_have_executed={exc.may_have_executed}"
    )
    message = describe_error(exc)
    if isinstance(exc, api.InsecureUrl):
        return Failure(EXIT_BAD_INPUT, message, detail)
    if isinstance(exc, api.BadCredentials | api.InvalidClient):
        return Failure(EXIT_NOT_LOGGED_IN, message, detail)
    if isinstance(exc, api.Unauthenticated):
        return Failure(EXIT_NOT_LOGGED_IN, f"{message} {LOGIN_HINT}", detail)
    if isinstance(exc, api.ValidationFailed | api.PermissionDenied):  # incl. Refused
        return Failure(EXIT_API_REFUSED, message, detail)
    if exc.may_have_executed:
        if exc.operation in ("send_sms", "bulk_send"):
            if "may or may not have been sent" not in message:
                message = f"{message} The message may or may not have been sent."
            message += f" {CHECK_HINT}"
        elif "may or may not" not in message:
            message = f"{message} It may or may not have taken effect."
    return Failure(EXIT_FAILURE, message, detail)
