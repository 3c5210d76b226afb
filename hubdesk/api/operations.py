"""What each API operation is called, in code and in a sentence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OPERATIONS", "Operation"]


@dataclass(frozen=True, slots=True)
class Operation:
    """One endpoint as the client uses it.

    ``name`` is the ``HubClient`` method (``ApiError.operation``); ``doing`` completes
    "while trying to ..."; ``changes`` is True for requests that change something on the
    server (never retried once they may have arrived); ``unconfirmed`` is the sentence for
    such a request whose outcome is unknown; ``grant`` marks the OAuth token grants (a
    POST whose unreadable answer is handled by the session, not reported as "may have
    taken effect").
    """

    name: str
    method: str
    path: str
    doing: str
    changes: bool = False
    unconfirmed: str = ""
    grant: bool = False

    @property
    def may_execute_unseen(self) -> bool:
        """True when an answer that cannot be read may follow an executed request: a
        request that changes something, other than the OAuth grants."""
        return self.changes and not self.grant


def _op(name: str, method: str, path: str, doing: str, unconfirmed: str = "") -> Operation:
    return Operation(
        name,
        method,
        path,
        doing,
        changes=method != "GET",
        unconfirmed=unconfirmed,
        grant=path == "/oauth/token",
    )


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        _op(
            "login",
            "POST",
            "/oauth/token",
            "sign in",
            "The server did not answer the sign-in; please try again.",
        ),
        _op(
            "refresh",
            "POST",
            "/oauth/token",
            "renew the session",
            "The server did not confirm the session renewal; if the next request fails, "
            "please sign in again.",
        ),
        _op("list_sender_ids", "GET", "/sender-id/list", "list the sender IDs"),
        _op(
            "add_sender_id",
            "POST",
            "/sender-id/add",
            "add the sender ID",
            "The server did not confirm the new sender ID; it may or may not have been added.",
        ),
        _op(
            "send_sms",
            "POST",
            "/sms/send",
            "send the SMS",
            "The server did not confirm the message; it may or may not have been sent.",
        ),
        _op(
            "bulk_send",
            "POST",
            "/sms/bulk-send",
            "send the bulk SMS",
            "The server did not confirm the bulk send; the messages may or may not have been sent.",
        ),
        _op("list_sms", "GET", "/sms/list", "list the messages"),
        _op("sms_detail", "GET", "/sms/detail/{sms_id}", "fetch the message"),
        _op(
            "dial",
            "POST",
            "/click-to-dial/dial",
            "place the call",
            "The server did not confirm the call; it may or may not have been dialled.",
        ),
        _op(
            "dial_masked",
            "POST",
            "/click-to-dial-mask/dial",
            "place the masked call",
            "The server did not confirm the masked call; it may or may not have been dialled.",
        ),
    )
}
