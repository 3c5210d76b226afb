"""core.errors: one sentence per failure, never a secret or a traceback."""

from __future__ import annotations

import pytest

from hubdesk.api import errors as api
from hubdesk.core.errors import (
    SESSION_EXPIRED,
    OptedOut,
    SignInProblem,
    describe_error,
    is_offline,
    is_session_expired,
    not_signed_in,
    sign_in_problem,
)
from hubdesk.domain.numbers import NumberError, parse_uk_number
from hubdesk.domain.senderids import SenderIdError
from hubdesk.store.secrets import VaultUnavailable


def _one_sentence(text: str) -> None:
    assert "\n" not in text and "Traceback" not in text
    assert text[0].isupper() and text.endswith((".", "!", "?", "…"))


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (api.ConnectFailed("x", operation="send_sms"), "Could not reach the HubWork server"),
        (api.RequestTimedOut("x", operation="list_sms"), "did not answer in time while trying"),
        (
            api.RequestTimedOut("x", operation="send_sms", may_have_executed=True),
            "may or may not have been sent",
        ),
        (
            api.ConnectionDropped("x", operation="bulk_send", may_have_executed=True),
            "may or may not have been sent",
        ),
        (api.ConnectionDropped("x", operation="list_sms"), "connection to the server broke"),
        (api.SessionExpired("x", operation="refresh"), SESSION_EXPIRED),
        (api.Unauthenticated("x", operation="send_sms", status=401), SESSION_EXPIRED),
        (api.BadCredentials("x", operation="login"), "username or password was not accepted"),
        (api.InvalidClient("x", operation="login"), "client ID or client secret"),
        (api.NotSignedIn("x"), "not signed in"),
        (api.PermissionDenied("x", operation="dial", status=403), "not allowed to place the call"),
        (api.RateLimited("x", retry_after=41.6, operation="list_sms"), "try again in 42 seconds"),
        (api.ServerError("x", operation="list_sms", status=503), "failed (HTTP 503)"),
        (
            api.ServerError("x", operation="send_sms", status=500, may_have_executed=True),
            "may or may not have been sent",
        ),
        (
            api.UnexpectedResponse("x", operation="sms_detail", status=200),
            "unexpected answer while trying to fetch the message (HTTP 200)",
        ),
        (
            api.UnexpectedResponse("x", operation="dial", status=200, may_have_executed=True),
            "it may or may not have been dialled (its answer could not be read, HTTP 200)",
        ),
    ],
)
def test_api_errors_map_to_one_sentence(exc: api.ApiError, expected: str) -> None:
    text = describe_error(exc)
    _one_sentence(text)
    assert expected in text


def test_validation_lists_the_field_messages() -> None:
    exc = api.ValidationFailed(
        "raw",
        errors={"destination": ["The destination must be a valid UK number."], "text": []},
        operation="dial",
        status=422,
    )
    assert describe_error(exc) == (
        "The server refused to place the call: destination: The destination must be a valid "
        "UK number."
    )


def test_refused_without_fields_keeps_the_server_sentence() -> None:
    exc = api.Refused("The server refused to send the SMS: no credit.", operation="send_sms")
    assert describe_error(exc) == "The server refused to send the SMS: no credit."


def test_local_input_errors_are_capitalised_sentences() -> None:
    with pytest.raises(NumberError) as caught:
        parse_uk_number("07400 12345")
    assert describe_error(caught.value) == "Not a valid UK number: too short."
    assert describe_error(SenderIdError("sender ID is empty")) == "Sender ID is empty."
    assert describe_error(OptedOut("447400123456")).startswith("This number has opted out (STOP)")
    assert "keyring" in describe_error(VaultUnavailable("install gnome-keyring"))


def test_unknown_exceptions_never_show_their_text() -> None:
    secret = "def502-refresh-token-value"
    text = describe_error(KeyError(secret))
    assert secret not in text and "KeyError" in text
    _one_sentence(text)


def test_status_helpers() -> None:
    assert is_offline(api.ConnectFailed("x"))
    assert is_offline(api.RequestTimedOut("x"))
    assert not is_offline(api.ServerError("x", status=500))
    assert is_session_expired(api.SessionExpired("x"))
    assert is_session_expired(api.Unauthenticated("x", operation="list_sms", status=401))
    assert not is_session_expired(api.BadCredentials("x", operation="login"))
    assert not is_session_expired(api.ConnectFailed("x"))


def test_autostart_unsupported_says_so_in_its_own_words() -> None:
    from hubdesk.core.autostart import AutostartUnsupported

    exc = AutostartUnsupported("The Windows registry is only available on Windows.")
    assert describe_error(exc) == "The Windows registry is only available on Windows."
    assert describe_error(AutostartUnsupported()) == (
        "Start at login is not supported on this system yet."
    )


@pytest.mark.parametrize(
    ("exc", "problem"),
    [
        (api.BadCredentials("no", operation="login"), "credentials"),
        (api.InvalidClient("no", operation="login"), "client"),
        (api.ConnectFailed("down", operation="login"), "unreachable"),
        (api.RequestTimedOut("slow", operation="login"), "unreachable"),
        (api.InsecureUrl("plain http"), "address"),
        (VaultUnavailable("no keyring"), "keyring"),
        (api.ServerError("x", status=500, operation="login"), None),
        (KeyError("x"), None),
    ],
)
def test_sign_in_problem_says_what_to_fix(exc: Exception, problem: SignInProblem | None) -> None:
    assert sign_in_problem(exc) == problem


def test_not_signed_in_is_the_sessions_error_and_says_sign_in() -> None:
    exc = not_signed_in("dial")
    assert isinstance(exc, api.NotSignedIn) and exc.operation == "dial"
    assert is_session_expired(exc)
    assert describe_error(exc) == "You are not signed in; sign in first."
