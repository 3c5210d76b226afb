"""Compose and send: the use case the GUI's compose pane and ``hubdesk-cli send`` share.

Before anything is queued: the destination must be a valid number (``parse_number``; a
number outside the UK is allowed for SMS and comes back with a ``note``), the text must
not be blank, the sender ID must be an approved one, and a number that opted out (STOP)
is refused unless ``override_optout``. Then ``OutboxSender.submit`` commits the outbox
row and tries to send it; network trouble leaves it queued or unknown for the sender's
flush, never raises.

Retry: ``retry_entry`` is the one retry action for a failed bubble. An outbox entry goes
out again as itself; a message the server reports undelivered is resent as a new entry
linked to it (``resend``, see ``core.resend``), exactly once.

Also: drafts per conversation, and the sender ID to preselect for a conversation (the
last one used there, else the thread's, else the default sender ID setting, else the only
approved one); ``needs_default`` / ``default_prompt_due`` say when to ask for a default,
``sender_for_request`` picks the sender ID of an ``sms:`` link's compose.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from hubdesk.core.errors import InvalidInput, NoApprovedSender, OptedOut
from hubdesk.core.resend import queue_resend
from hubdesk.core.senders import SenderIds
from hubdesk.domain import DeliveryStatus, MessageState, OutboxItem, OutboxState, ThreadEntry
from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number
from hubdesk.domain.segments import SegmentInfo, analyse
from hubdesk.domain.uris import ComposeRequest
from hubdesk.store.database import Database
from hubdesk.store.transactions import transaction
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OptedOut as SyncOptedOut
from hubdesk.sync.outbox import OutboxSender

__all__ = [
    "DEFAULT_ASKED_KEY",
    "LAST_SENDER_PREFIX",
    "Messenger",
    "ResendReceipt",
    "SendReceipt",
    "non_uk_note",
]

LAST_SENDER_PREFIX = "senders.last."
DEFAULT_ASKED_KEY = "senders.default_asked"
NO_APPROVED = "No approved sender ID yet; request one and wait for approval."
OPTED_OUT = "This number has opted out (STOP)."
CHOOSE_SENDER = "Choose the sender ID to send from (Settings sets a default for new conversations)."


@dataclass(frozen=True, slots=True)
class ResendReceipt:
    """What ``resend`` did: ``item`` is the resend's outbox entry (``item.state`` says how
    far it got); ``requeued`` when an earlier resend the server refused went out again."""

    item: OutboxItem
    failed_sms_id: int
    requeued: bool = False

    @property
    def sent(self) -> bool:
        return self.item.state is OutboxState.SENT


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message that passed every local check, ready for the outbox."""

    destination: PhoneNumber
    sender_id: str
    text: str
    segments: SegmentInfo
    note: str | None  # e.g. "not a UK number (+1): +1 516-725-9623"


@dataclass(frozen=True, slots=True)
class SendReceipt:
    """What ``send`` did. ``item.state`` says how far it got (sent / queued / unknown /
    failed); ``note`` repeats the preparation note."""

    item: OutboxItem
    destination: PhoneNumber
    sender_id: str
    note: str | None

    @property
    def sent(self) -> bool:
        return self.item.state is OutboxState.SENT


def non_uk_note(number: PhoneNumber) -> str | None:
    """The visible note for a destination outside the UK, None for a UK number."""
    if number.is_uk:
        return None
    code = number.international().split(" ", 1)[0]
    return f"not a UK number ({code}): {number.international()}"


def _destination(text: str) -> PhoneNumber:
    try:
        return parse_number(text)
    except NumberError as exc:
        raise InvalidInput(str(exc)) from None


class Messenger:
    """Validates and queues messages; keeps drafts and the per-conversation sender ID."""

    def __init__(
        self,
        worker: DbWorker,
        sender: OutboxSender,
        sender_ids: SenderIds,
        default_sender_id: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._worker = worker
        self._sender = sender
        self._sender_ids = sender_ids
        self._default_sender_id = default_sender_id

    # --- checks ----------------------------------------------------------------------

    async def sender_for(self, partner: str) -> str | None:
        """The sender ID to preselect, the first still approved of: the one last used with
        ``partner`` from HubDesk, the account's end of the thread's newest message (the
        id it was sent from, by any client, or the number the partner wrote to), the
        default setting, the only approved one. None when several are approved and none
        of those applies (no default set: the user chooses), or when
        nothing is approved."""
        approved = self._sender_ids.approved()
        last, thread_last = await self._worker.run(
            lambda db: (_last_sender(db, partner), _thread_sender(db, partner, approved))
        )
        for candidate in (last, thread_last, self._default_sender_id()):
            if candidate and candidate in approved:
                return candidate
        return approved[0] if len(approved) == 1 else None

    def needs_default(self) -> bool:
        """Whether the user should choose a default sender ID: more than one is approved
        and no approved one is the default (the GUI asks once after sign-in)."""
        approved = self._sender_ids.approved()
        default = self._default_sender_id()
        return len(approved) > 1 and (default is None or default not in approved)

    async def default_prompt_due(self) -> bool:
        """``needs_default`` and the user was not asked yet (or did not answer) on this
        profile: ask now, once."""
        if not self.needs_default():
            return False
        asked = await self._worker.run(lambda db: db.settings.get(DEFAULT_ASKED_KEY, False))
        return not asked

    async def default_prompt_done(self) -> None:
        """The user chose a default (saved through ``SettingsStore``) or skipped the
        question: do not ask again on this profile."""
        await self._worker.run(lambda db: db.settings.set(DEFAULT_ASKED_KEY, True))

    async def sender_for_request(self, request: ComposeRequest) -> str | None:
        """The sender ID an ``sms:`` link's compose starts with, by ``sender_for``'s rule:
        one recipient, that conversation's; several (a bulk compose), the default, else
        the only approved one. None: the user picks (no error is shown for it)."""
        if not request.bulk:
            return await self.sender_for(request.numbers[0].digits)
        approved = self._sender_ids.approved()
        default = self._default_sender_id()
        if default and default in approved:
            return default
        return approved[0] if len(approved) == 1 else None

    async def send_blocked_reason(self, partner: str, sender_id: str | None) -> str | None:
        """Why Send must stay disabled for this conversation (a sentence), or None."""
        try:
            number = parse_number(partner)
        except NumberError as exc:
            return f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        approved = self._sender_ids.approved()
        if not approved:
            return NO_APPROVED
        if sender_id is None:
            return CHOOSE_SENDER
        if sender_id not in approved:
            return f"The sender ID {sender_id} is not approved."
        if await self._worker.run(lambda db: db.optouts.is_opted_out(number.digits)):
            return OPTED_OUT
        return None

    async def _checked(self, destination: str, text: str, sender_id: str | None) -> Prepared:
        """Every local check but the opt-out one (``OutboxSender.submit`` owns that when
        sending, in the same step that queues the message); raises ``InvalidInput`` or
        ``NoApprovedSender``."""
        number = _destination(destination)
        if not text.strip():
            raise InvalidInput("the message is empty")
        approved = self._sender_ids.approved()
        if not approved:
            raise NoApprovedSender(NO_APPROVED)
        chosen = sender_id if sender_id is not None else await self.sender_for(number.digits)
        if chosen is None:
            raise InvalidInput(CHOOSE_SENDER)
        if chosen not in approved:
            raise NoApprovedSender(f"The sender ID {chosen} is not approved.")
        return Prepared(number, chosen, text, analyse(text), non_uk_note(number))

    # --- sending ---------------------------------------------------------------------

    async def send(
        self,
        destination: str,
        text: str,
        sender_id: str | None = None,
        *,
        override_optout: bool = False,
        uuid: str | None = None,
    ) -> SendReceipt:
        """Check, queue (committed), try to send now; clears the draft and remembers the
        sender ID for the conversation. ``uuid`` makes a double-click queue it once.

        ``text`` is as the user wrote it: its placeholders (``{first_name}``, ``{date}``...)
        are filled from the address book (as ``send_later`` does); ``InvalidInput``, with
        nothing queued, when one has no value or the text has a stray brace."""
        ready = await self._checked(destination, text, sender_id)
        digits = ready.destination.digits
        filled, written = await self._filled(ready, text, None)
        try:
            result = await self._sender.submit(
                ready.sender_id, digits, filled, override_optout=override_optout, uuid=uuid,
                template_text=written,
            )  # fmt: skip
        except SyncOptedOut:  # the outbox refuses opted-out numbers (one check, one place)
            raise OptedOut(digits, f"{OPTED_OUT[:-1]}; the message was not sent.") from None
        assert result.item is not None  # a single send either queues or raises
        await self._worker.run(lambda db: _after_send(db, digits, ready.sender_id))
        return SendReceipt(result.item, ready.destination, ready.sender_id, ready.note)

    async def _filled(
        self, ready: Prepared, text: str, when: datetime | None
    ) -> tuple[str, str | None]:
        """The text to send (placeholders filled for ``ready``'s number at ``when``, or
        now) and the text as written when it had placeholders (else None)."""
        from hubdesk.core.personalised import Personaliser
        from hubdesk.domain.placeholders import TemplateSyntaxError, parse

        try:
            parsed = parse(text)
        except TemplateSyntaxError as exc:
            raise InvalidInput(str(exc)) from None
        if not parsed.has_placeholders:
            return parsed.fill({}), None
        moment = when.astimezone() if when is not None else None
        filled = await Personaliser(self._worker).one(
            parsed, ready.sender_id, ready.destination, moment
        )
        return filled, text

    async def retry_entry(self, entry: ThreadEntry) -> OutboxItem:
        """Retry a failed bubble: THE one retry action.

        An outbox entry (refused by the server, or not sent yet) goes out again as that
        same entry (``retry``); a message the server reports undelivered is sent again as
        a new entry linked to it (``resend``). Either way through the outbox, at most once:
        a message already resent is refused with a sentence (``AlreadyResent``).
        """
        if entry.call is not None:
            raise InvalidInput("a call cannot be retried from here; call again instead")
        if entry.outbox_id is not None:
            return await self.retry(entry.outbox_id)
        if entry.sms_id is not None and entry.state is MessageState.FAILED:
            return (await self.resend(entry.sms_id)).item
        raise InvalidInput("only a failed message can be retried")

    async def resend(
        self, failed_sms_id: int, sender_id: str | None = None, *, override_optout: bool = False
    ) -> ResendReceipt:
        """Send a failed (undelivered) message again: queued as a new outbox entry linked
        to it (committed first), then sent now like any message; network trouble leaves it
        queued or unknown for the sender's flush, never raises.

        From the sender ID it was sent from when that is still approved, else the one
        ``sender_for`` picks (``sender_id`` chooses). Raises ``InvalidInput`` (not a failed
        outgoing message here, or no sender ID), ``NoApprovedSender``, ``OptedOut``, or
        ``AlreadyResent`` when it was resent already and that resend is not failed (a
        failed one is sent again as the same entry).
        """
        failed = await self._worker.run(lambda db: db.messages.get(failed_sms_id))
        source = None
        if failed is not None and failed.delivery_status is DeliveryStatus.FAILED:
            source = await self._resend_source(failed.partner, failed.source, sender_id)
        resent = await self._worker.run(
            lambda db: queue_resend(db, failed_sms_id, source, override_optout=override_optout)
        )
        await self._sender.events.outbox_changed.emit(resent.item)
        item = await self._sender.send(resent.item)
        await self._worker.run(
            lambda db: db.settings.set(LAST_SENDER_PREFIX + resent.partner, item.source)
        )
        return ResendReceipt(item, failed_sms_id, resent.requeued)

    async def _resend_source(self, partner: str, original: str, chosen: str | None) -> str:
        approved = self._sender_ids.approved()
        if not approved:
            raise NoApprovedSender(NO_APPROVED)
        if chosen is not None:
            if chosen not in approved:
                raise NoApprovedSender(f"The sender ID {chosen} is not approved.")
            return chosen
        if original in approved:
            return original
        fallback = await self.sender_for(partner)
        if fallback is None:
            raise InvalidInput(
                f"The sender ID {original} it was sent from is no longer approved; "
                f"{CHOOSE_SENDER[0].lower()}{CHOOSE_SENDER[1:]}"
            )
        return fallback

    async def send_later(
        self,
        destination: str,
        text: str,
        when: datetime,
        sender_id: str | None = None,
        *,
        override_optout: bool = False,
        uuid: str | None = None,
    ) -> SendReceipt:
        """Check and schedule a message for ``when`` (aware; after now): committed at
        once as a ``scheduled`` outbox row, sent by whichever HubDesk process runs when
        the time comes (``core.scheduling`` lists, cancels and moves it).

        ``text`` is as the user wrote it: its placeholders (``{first_name}``,
        ``{date}``...) are filled for ``when`` from the address book; ``InvalidInput``
        when one has no value or the text has a stray brace (write ``{{`` for one)."""
        from hubdesk.core.personalised import Personaliser
        from hubdesk.domain.placeholders import TemplateSyntaxError, parse

        if when.tzinfo is None:
            raise ValueError("the send time must be timezone-aware")
        if when <= datetime.now(UTC):
            raise InvalidInput("the send time is in the past; give a time from now on")
        ready = await self._checked(destination, text, sender_id)
        try:
            parsed = parse(text)
        except TemplateSyntaxError as exc:
            raise InvalidInput(str(exc)) from None
        filled = await Personaliser(self._worker).one(
            parsed, ready.sender_id, ready.destination, when.astimezone()
        )
        digits = ready.destination.digits
        try:
            result = await self._sender.submit(
                ready.sender_id, digits, filled, override_optout=override_optout, uuid=uuid,
                not_before=when, template_text=text if parsed.has_placeholders else None,
            )  # fmt: skip
        except SyncOptedOut:
            raise OptedOut(digits, f"{OPTED_OUT[:-1]}; the message was not sent.") from None
        assert result.item is not None
        await self._worker.run(lambda db: _after_send(db, digits, ready.sender_id))
        return SendReceipt(result.item, ready.destination, ready.sender_id, ready.note)

    async def retry(self, outbox_id: int) -> OutboxItem:
        """Try an entry again: a failed or queued one is sent now; an unknown one is
        reconciled first (re-sent only when certainly absent); others are returned as is."""
        item = await self._worker.run(lambda db: db.outbox.get(outbox_id))
        if item is None:
            raise InvalidInput("that message is no longer in the outbox")
        if item.state is OutboxState.UNKNOWN:
            return await self._sender.reconcile(item)
        if item.state is OutboxState.FAILED:
            item = await self._worker.run(lambda db: db.outbox.requeue(outbox_id))
            await self._sender.events.outbox_changed.emit(item)
        if item.state is OutboxState.QUEUED:
            return await self._sender.send(item)
        return item

    async def discard(self, outbox_id: int) -> bool:
        """Drop a failed entry the user gave up on (only failed ones)."""
        item = await self._worker.run(lambda db: db.outbox.get(outbox_id))
        if item is None or item.state is not OutboxState.FAILED:
            return False
        failed = item

        def drop(db: Database) -> bool:
            # A discarded resend frees its failed message: the failure counts again.
            with transaction(db.conn):
                gone = db.outbox.delete(outbox_id)
                db.messages.refresh(failed.destinations)
            return gone

        removed = await self._worker.run(drop)
        if removed:
            await self._sender.events.outbox_changed.emit(item)
        return removed

    # --- drafts ----------------------------------------------------------------------

    async def save_draft(self, partner: str, text: str) -> None:
        """Keep the unsent text of a conversation (blank text deletes the draft)."""
        await self._worker.run(lambda db: db.drafts.set(partner, text))

    async def draft(self, partner: str) -> str | None:
        return await self._worker.run(lambda db: db.drafts.get(partner))

    async def drafts(self) -> list[str]:
        """Partners with a draft."""
        return await self._worker.run(lambda db: db.drafts.partners())


def _last_sender(db: Database, partner: str) -> str | None:
    value = db.settings.get_raw(LAST_SENDER_PREFIX + partner)
    return value if isinstance(value, str) else None


def _thread_sender(db: Database, partner: str, approved: Collection[str]) -> str | None:
    """The account's end of the thread's newest stored message that is an approved id:
    the sender id it was sent from, or the number the partner wrote to (a reply comes
    from that line). A message to a line that cannot send does not hide older ones."""
    for entry in db.messages.thread(partner, limit=50):
        if entry.sms_id is not None and entry.sender_id in approved:
            return entry.sender_id
    return None


def _after_send(db: Database, partner: str, sender_id: str) -> None:
    with transaction(db.conn):
        db.settings.set(LAST_SENDER_PREFIX + partner, sender_id)
        db.drafts.delete(partner)
