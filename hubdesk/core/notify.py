"""Which popups to show for new inbound messages: pure decisions, no I/O, no Qt.

``NotificationPolicy.decide(new, names, settings, now)``:

* only received messages count, and an ``sms_id`` is announced at most once (a bounded
  memory of announced ids; across restarts the poller never reports an id twice);
* notifications off, do-not-disturb, or ``now`` inside the quiet hours (local time,
  wrapping midnight when start > end): no popups; the messages are remembered as
  handled and still counted in the unread total, which the inbox keeps;
* up to ``max_individual`` (3) new messages: one notice each, titled with the contact's
  name (or the formatted number), the text as one line of at most 120 characters;
  title and text are message data, made safe to show (``domain.text.one_line``: no
  control character such as NUL, no lone surrogate, bidi controls neutralised);
* more: one summary "5 new messages from 3 people", with ``partner`` set when they all
  come from one person (clicking it opens that conversation).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from hubdesk.core.settings import AppSettings
from hubdesk.domain import Sms, SmsType
from hubdesk.domain.numbers import format_number
from hubdesk.domain.text import one_line

__all__ = ["Notice", "NotificationPolicy", "in_quiet_hours", "preview"]

NameLookup = Callable[[str], str | None] | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Notice:
    """One popup. ``partner`` is the conversation to open, None for a mixed summary."""

    title: str
    body: str
    partner: str | None
    sms_ids: tuple[int, ...]


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
            return [
                Notice(
                    title=self._name(names, s.partner),
                    body=preview(s.text, self._preview),
                    partner=s.partner,
                    sms_ids=(s.sms_id,),
                )
                for s in fresh
            ]
        partners = list(dict.fromkeys(s.partner for s in fresh))
        ids = tuple(s.sms_id for s in fresh)
        if len(partners) == 1:
            who = self._name(names, partners[0])
            return [Notice(who, f"{len(fresh)} new messages", partners[0], ids)]
        people = f"{len(partners)} people"
        return [Notice("HubDesk", f"{len(fresh)} new messages from {people}", None, ids)]

    @staticmethod
    def _name(names: NameLookup, partner: str) -> str:
        found = names.get(partner) if isinstance(names, Mapping) else names(partner)
        return one_line(found or "") or one_line(format_number(partner))
