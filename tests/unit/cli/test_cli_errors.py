"""Every failure maps to one exit code and one sentence."""

from __future__ import annotations

import pytest

from hubdesk.api import errors as api
from hubdesk.cli.errors import NotLoggedIn, UsageError, describe
from hubdesk.domain.numbers import NumberError
from hubdesk.store.profile import ProfileError
from hubdesk.store.secrets import VaultUnavailable


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (UsageError("bad"), 2),
        (NumberError("not a phone number"), 2),
        (api.InsecureUrl("Refusing plain http://"), 2),
        (NotLoggedIn("Not logged in"), 3),
        (VaultUnavailable("No system keyring is available"), 3),
        (ProfileError("config.json is not valid JSON"), 3),
        (api.NotSignedIn("Not signed in."), 3),
        (api.SessionExpired("Your session has expired."), 3),
        (api.BadCredentials("The username or password was not accepted."), 3),
        (api.InvalidClient("The client id or secret was refused."), 3),
        (api.PermissionDenied("Not allowed.", status=403), 4),
        (api.ValidationFailed("Refused.", status=422), 4),
        (api.Refused("Refused.", status=400), 4),
        (api.RateLimited("Too many requests.", retry_after=5), 5),
        (api.ServerError("Server failed.", status=500), 5),
        (api.ConnectFailed("Could not connect."), 5),
        (api.UnexpectedResponse("Odd answer.", status=200), 5),
        (RuntimeError("boom"), 1),
    ],
)
def test_exit_codes(exc: BaseException, code: int) -> None:
    failure = describe(exc)
    assert failure.exit_code == code
    assert failure.message and "\n" not in failure.message


def test_validation_fields_are_in_the_sentence() -> None:
    exc = api.ValidationFailed(
        "The server refused the request.",
        errors={"destination": ["The destination must be a valid number."]},
        status=422,
    )
    message = describe(exc).message
    assert "destination: The destination must be a valid number." in message


def test_unconfirmed_send_says_may_or_may_not_have_been_sent() -> None:
    exc = api.ConnectionDropped(
        "The connection broke.", operation="send_sms", may_have_executed=True
    )
    failure = describe(exc)
    assert failure.exit_code == 5
    assert "may or may not have been sent" in failure.message


def test_internal_error_hides_the_exception_text() -> None:
    failure = describe(ValueError("secret-value"))
    assert "secret-value" not in failure.message
