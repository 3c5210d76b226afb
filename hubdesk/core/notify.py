"""Which popups to show for new inbound messages: pure decisions, no I/O, no Qt.

``NotificationPolicy.decide(new, names, settings, now)``:

* only received messages count, and an ``sms_id`` is announced at most once (a bounded
  memory of announced ids; across restarts the poller never reports an id twice);
* notifications off, do-not-disturb, or ``now`` inside the quiet hours (local time,
  wrapping midnight when start > end): no popups; the messages are remembered as
  handled and still counted in the unread total, which the inbox keeps;
* up to ``max_individual`` (3) new messages: one notice per conversation, titled with
  the contact's name (or the formatted number), the text as one line of at most 120
  characters ("2 new messages: <the newest>" when one person sent several); title and
  text are message data, made safe to show (``domain.text.one_line``: no control
  character such as NUL, no lone surrogate, bidi controls neutralised);
* more: one summary "5 new messages from 3 people", with ``partner`` set when they all
  come from one person (clicking it opens that conversation).

What a notice offers besides the click (``notice_actions``): for one conversation, where
the notification server advertises ``actions`` (``GetCapabilities``), Reply (KDE's
``inline-reply`` where the server advertises that: the text is typed in the popup),
Call back (UK numbers: the only ones the dialler rings) and Mark as read. A summary of
several people only opens the window.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import Enum

from hubdesk.core.settings import AppSettings
from hubdesk.domain import Sms, SmsType
from hubdesk.domain.numbers import format_number, is_uk
from hubdesk.domain.text import one_line

__all__ = [
    "Notice",
    "NoticeAction",
    "NotificationPolicy",
    "in_quiet_hours",
    "notice_actions",
    "preview",
]

NameLookup = Callable[[str], str | None] | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Notice:
    """One popup. ``partner`` is the conversation to open, None for a mixed summary."""

    title: str
    body: str
    partner: str | None
    sms_ids: tuple[int, ...]


class NoticeAction(Enum):
    """A button of a notice; the value is its action key on the wire."""

    OPEN = "default"  # the click on the notice itself
    REPLY = "reply"  # opens the conversation with the cursor in compose
    INLINE_REPLY = "inline-reply"  # KDE: the server asks for the text in the popup
    CALL_BACK = "call-back"  # the dialler's confirmation, as for a tel: link
    MARK_READ = "mark-read"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    NoticeAction.OPEN: "Open",
    NoticeAction.REPLY: "Reply",
    NoticeAction.INLINE_REPLY: "Reply",
    NoticeAction.CALL_BACK: "Call back",
    NoticeAction.MARK_READ: "Mark as read",
}


def notice_actions(partner: str | None, capabilities: Collection[str]) -> tuple[NoticeAction, ...]:
    """The buttons of a notice about ``partner``'s conversation (None: a summary of
    several people), given the server's ``GetCapabilities``: always Open; where the
    server shows ``actions``, Reply (inline where it offers ``inline-reply``) to a
    number, Call back to a UK number, and Mark as read."""
    if partner is None or "actions" not in capabilities:
        return (NoticeAction.OPEN,)
    found = [NoticeAction.OPEN]
    if partner.isdigit():
        inline = "inline-reply" in capabilities
        found.append(NoticeAction.INLINE_REPLY if inline else NoticeAction.REPLY)
    if is_uk(partner):
        found.append(NoticeAction.CALL_BACK)
    found.append(NoticeAction.MARK_READ)
    return tuple(found)


def preview(text: str, limit: int = 120) -> str:
    """The text on one line (controls removed, whitespace collapsed, bidi controls
    neutralised: ``domain.text.one_line``), cut to ``limit`` characters with "…"."""
    line = one_line(text)
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"


def in_quiet_hours(quiet: tuple[time, time] | None, moment: time) -> bool:
    """Whether ``moment`` (local wall time) falls in [start, end), wrapping midnight."""
    if quiet is None:
        return False
    start, end = quiet
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _local_time(now: datetime) -> time:
    local = now.astimezone() if now.tzinfo is not None else now
    return local.time().replace(tzinfo=None)


class NotificationPolicy:
    """Decides the notices for each batch of new messages; remembers what it announced."""

    def __init__(
        self, max_individual: int = 3, preview_length: int = 120, memory: int = 2000
    ) -> None:
        self._max = max_individual
        self._preview = preview_length
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self._memory = memory

    def _remember(self, ids: Iterable[int]) -> None:
        for sms_id in ids:
            if sms_id in self._seen:
                continue
            self._seen.add(sms_id)
            self._order.append(sms_id)
            while len(self._order) > self._memory:
                self._seen.discard(self._order.popleft())

    def was_announced(self, sms_id: int) -> bool:
        return sms_id in self._seen

    def decide(
        self,
        new: Sequence[Sms],
        names: NameLookup,
        settings: AppSettings,
        now: datetime,
    ) -> list[Notice]:
        fresh: list[Sms] = []
        batch: set[int] = set()
        for sms in new:
            if sms.type is SmsType.RECEIVED and sms.sms_id not in self._seen:
                if sms.sms_id not in batch:
                    batch.add(sms.sms_id)
                    fresh.append(sms)
        if not fresh:
            return []
        self._remember(s.sms_id for s in fresh)
        quiet = in_quiet_hours(settings.quiet_hours, _local_time(now))
        if not settings.notifications or settings.do_not_disturb or quiet:
            return []
        fresh.sort(key=lambda s: (s.time, s.sms_id))
        if len(fresh) <= self._max:
            return self._per_conversation(fresh, names)
        partners = list(dict.fromkeys(s.partner for s in fresh))
        ids = tuple(s.sms_id for s in fresh)
        if len(partners) == 1:
            who = self._name(names, partners[0])
            return [Notice(who, f"{len(fresh)} new messages", partners[0], ids)]
        people = f"{len(partners)} people"
        return [Notice("HubDesk", f"{len(fresh)} new messages from {people}", None, ids)]

    def _per_conversation(self, fresh: list[Sms], names: NameLookup) -> list[Notice]:
        """One notice per conversation (oldest first): a person's popup is replaced by
        their next one, so two messages in one batch must not make two popups."""
        by_partner: dict[str, list[Sms]] = {}
        for sms in fresh:
            by_partner.setdefault(sms.partner, []).append(sms)
        notices = []
        for partner, messages in by_partner.items():
            newest = preview(messages[-1].text, self._preview)
            body = newest if len(messages) == 1 else f"{len(messages)} new messages: {newest}"
            ids = tuple(s.sms_id for s in messages)
            notices.append(Notice(self._name(names, partner), body, partner, ids))
        return notices

    @staticmethod
    def _name(names: NameLookup, partner: str) -> str:
        found = names.get(partner) if isinstance(names, Mapping) else names(partner)
        return one_line(found or "") or one_line(format_number(partner))
