"""Queueing the resend of a failed message: the one step ``Messenger.resend`` (the GUI)
and ``hubdesk-cli retry`` share before the outbox sender takes over.

A message the server reports undelivered is sent again as a new outbox entry linked to
it (``store.resends``): committed before any request, then sent by ``OutboxSender``
exactly like any other message. The link makes the Retry settle (the failed message
reads "Resent", the list's failure mark clears) and makes a second Retry of the same
message a refusal with a sentence, not a duplicate SMS. Store refusals become core
errors here, so the GUI and the CLI say the same thing.
"""

from __future__ import annotations

from hubdesk.core.errors import AlreadyResent, InvalidInput, OptedOut
from hubdesk.store import resends
from hubdesk.store.database import Database
from hubdesk.store.resends import Resent

__all__ = ["Resent", "queue_resend"]


def queue_resend(
    db: Database, failed_sms_id: int, source: str | None = None, *, override_optout: bool = False
) -> Resent:
    """Queue the resend (committed) on the DB worker's thread; ``source`` replaces the
    sender ID the failed message was sent from.

    Raises ``InvalidInput`` (no such failed outgoing message here), ``OptedOut`` (the
    person replied STOP since; ``override_optout`` to insist) or ``AlreadyResent``.
    """
    try:
        return db.resends.queue(failed_sms_id, source, override_optout=override_optout)
    except resends.AlreadyResent as exc:
        raise AlreadyResent(failed_sms_id, exc.item.id, str(exc)) from None
    except resends.ResendOptedOut as exc:
        raise OptedOut(
            exc.number, "This number has opted out (STOP); the message was not sent again."
        ) from None
    except resends.NotResendable as exc:
        raise InvalidInput(str(exc)) from None
