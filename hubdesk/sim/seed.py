"""What the simulator starts with: the collection's data, plus a generated demo history.

Times are UTC server times (``YYYY-MM-DD HH:MM:SS``). Every seeded message is already
settled (no delivery pending).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from hubdesk.domain.times import format_server_time

MAIN_SENDER = "447520602706"


@dataclass(frozen=True, slots=True)
class SeedSenderId:
    id: int
    sender_id: str
    status: str
    created_at: str
    created_by: str
    updated_at: str | None
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class SeedSms:
    """A message to store; ``sms_id`` None means "take the next id"."""

    sms_id: int | None
    source: str
    destination: str
    text: str
    type: str  # "1" sent, "2" received
    delivery_status: str
    read_status: str
    time: str


def collection_sender_ids(customer_user_name: str) -> list[SeedSenderId]:
    """The four sender ids of the collection's ``sender-id/list`` example."""
    user = customer_user_name
    return [
        SeedSenderId(
            1,
            MAIN_SENDER,
            "1",
            "2024-09-12 03:36:05",
            "Vasim Test Extension User",
            "2025-02-05 09:58:32",
            user,
        ),
        SeedSenderId(
            61, "13234710258", "1", "2025-01-27 04:27:03", user, "2025-02-05 10:10:25", user
        ),
        SeedSenderId(678, "SMTEST", "0", "2025-05-09 04:17:49", user, None, None),
        SeedSenderId(813, "44123456789", "0", "2025-06-17 04:00:58", user, None, None),
    ]


def _out(sms_id: int, dest: str, text: str, time: str, status: str = "1") -> SeedSms:
    return SeedSms(sms_id, MAIN_SENDER, dest, text, "1", status, "1", time)


def _in(sms_id: int, source: str, text: str, time: str, read: str = "1") -> SeedSms:
    return SeedSms(sms_id, source, MAIN_SENDER, text, "2", "1", read, time)


def collection_messages() -> list[SeedSms]:
    """The collection's messages, plus replies that fill the gaps between their ids."""
    a, b, bad = "447520602707", "447520602708", "447700172124234235252524"
    return [
        # the bulk example's two destinations (sms/detail 44147 failed: impossible number)
        _out(44146, a, "This is test message 11 (bulk)", "2025-04-04 05:09:06"),
        _out(44147, bad, "This is test message 11 (bulk)", "2025-04-04 05:09:06", status="2"),
        # sms/list example (sender 447520602706, receiver 447520602707) and the gaps
        _out(95332, a, "Test SMS", "2025-05-14 06:15:20"),
        _in(95333, a, "Received, thanks", "2025-05-14 06:15:51"),
        _out(95334, a, "test sms", "2025-05-14 06:16:12"),
        _in(95335, a, "ok", "2025-05-14 06:16:40"),
        _out(95336, b, "test sms 2", "2025-05-14 06:20:02"),
        _in(95337, b, "Who is this?", "2025-05-14 06:25:10"),
        _out(95338, a, "test", "2025-05-14 06:41:29"),
        _in(95339, a, "alert received", "2025-05-14 06:42:05"),
        _out(95340, a, "test sms for alert", "2025-05-14 06:43:39"),
        # the send-message example, long since delivered
        _out(747033, a, "Test Message 999", "2025-12-10 05:08:51"),
    ]


# --- demo history ---------------------------------------------------------------------------

_NAMES = (
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Freya", "Leo",
    "Grace", "Harry", "Priya", "Mohammed", "Sophie", "Jack", "Chloe", "Oscar", "Ruby",
    "Theo", "Aisha", "Charlie", "Evie", "Finley", "Zara", "Alfie", "Lily", "Jacob",
    "Hannah", "Rhys", "Niamh", "Callum",
)  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_TIMES = ("9:15", "10:30", "11:45", "12:20", "2:00", "3:40", "4:15", "5:30")

# One exchange: (direction, text) with "in" from the contact, "out" from the front desk.
_EXCHANGES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("in", "Hi, is it possible to move my appointment on {day} to the afternoon?"),
     ("out", "Hi {name}, we can do {time} on {day}. Shall I book that in?"),
     ("in", "Yes please, thank you!"),
     ("out", "All booked. See you on {day} at {time}.")),
    (("out", "Reminder: your appointment is tomorrow at {time}. Reply C to confirm or call "
             "us on 020 7377 1555 to rearrange."),
     ("in", "C")),
    (("in", "Running about 10 minutes late, sorry!"),
     ("out", "No problem {name}, thanks for letting us know.")),
    (("in", "Do you have any cancellations this week?"),
     ("out", "We have {day} at {time} free. Would that suit?"),
     ("in", "Perfect, I'll take it")),
    (("out", "Hi {name}, your prescription is ready to collect from reception."),
     ("in", "Thanks, I'll pop in after work")),
    (("in", "Can you send me the address for the Islington branch?"),
     ("out", "Of course: 12 Upper Street, London N1 0PQ. The entrance is next to the "
             "pharmacy.")),
    (("in", "Thanks so much \U0001f60a see you {day}"),),
    (("out", "Your invoice of £45.00 has been paid. Thank you!"),),
    (("out", "Hi {name}, from Monday our opening hours change: weekdays 8am to 7pm, "
             "Saturdays 9am to 1pm, closed on Sundays and bank holidays. Online booking "
             "stays open around the clock. Any questions, just reply to this message."),
     ("in", "Great, thanks for letting me know")),
    (("in", "Is there parking nearby?"),
     ("out", "Yes, there's a pay & display car park on Rosebery Avenue, two minutes' "
             "walk away.")),
    (("out", "Hi {name}, we couldn't reach you by phone. Please call us back when you "
             "get a chance."),
     ("in", "Sorry, was in a meeting. Will call in 5")),
    (("in", "Could I get a copy of my last receipt for my insurer?"),
     ("out", "Sure, we've emailed it to the address we have on file."),
     ("in", "Got it, cheers")),
)  # fmt: skip

INBOUND_TEXTS = (
    "Hi, can I book in for next week?",
    "Running 5 mins late, sorry",
    "Is the clinic open on Saturday?",
    "Thank you!",
    "Can you call me back please?",
    "Do you have anything earlier on {day}?",
    "Yes that's fine",
    "Could I move my appointment to {day}?",
    "On my way now",
    "Brilliant, thanks \U0001f44d",
)


@dataclass(frozen=True, slots=True)
class DemoContact:
    name: str
    number: str  # E.164 digits, UK mobile 07400 1xxxxx -> 4474001xxxxx


def demo_contacts(rng: random.Random, count: int = len(_NAMES)) -> list[DemoContact]:
    numbers = rng.sample(range(100000), count)
    return [
        DemoContact(name, f"4474001{number:05d}")
        for name, number in zip(_NAMES[:count], numbers, strict=True)
    ]


def _fill(text: str, rng: random.Random, name: str) -> str:
    return text.format(name=name, day=rng.choice(_DAYS), time=rng.choice(_TIMES))


def demo_history(rng: random.Random, now: datetime, contacts: list[DemoContact]) -> list[SeedSms]:
    """About three weeks of front-desk conversations, oldest first, ids unassigned.

    Every message is settled (one outbound failed). A conversation whose last message is
    an inbound text from the last three days is left unread, as a front desk would see it.
    """
    out: list[SeedSms] = []
    failed_one = False
    for index, contact in enumerate(contacts):
        days_ago = 0.2 + index * 21 / len(contacts) + rng.random()
        start = (now - timedelta(days=days_ago)).replace(
            hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59)
        )
        while start >= now - timedelta(hours=1):
            start -= timedelta(days=1)
        moment = start
        day_name = rng.choice(_DAYS)
        thread: list[SeedSms] = []
        for exchange in rng.sample(_EXCHANGES, rng.randint(1, 2)):
            for direction, template in exchange:
                moment += timedelta(minutes=rng.randint(1, 25), seconds=rng.randint(0, 59))
                if moment >= now:
                    break
                text = _fill(template.replace("{day}", day_name), rng, contact.name)
                stamp = format_server_time(moment)
                if direction == "in":
                    thread.append(
                        SeedSms(None, contact.number, MAIN_SENDER, text, "2", "1", "1", stamp)
                    )
                else:
                    status = "2" if index == 7 and not failed_one else "1"
                    failed_one = failed_one or status == "2"
                    thread.append(
                        SeedSms(None, MAIN_SENDER, contact.number, text, "1", status, "1", stamp)
                    )
            moment += timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
        if index < 4:  # the most recent few texted in again and wait for an answer
            ago = timedelta(minutes=(index + 1) * rng.randint(15, 150))
            text = _fill(rng.choice(INBOUND_TEXTS), rng, contact.name)
            stamp = format_server_time(now - ago)
            thread = [m for m in thread if m.time < stamp]
            thread.append(SeedSms(None, contact.number, MAIN_SENDER, text, "2", "1", "0", stamp))
        elif thread and thread[-1].type == "2":
            last = thread[-1]
            if last.time >= format_server_time(now - timedelta(days=3)):
                thread[-1] = replace(last, read_status="0")
        out.extend(thread)
    out.sort(key=lambda m: m.time)
    return out


def inbound_text(rng: random.Random, contact: DemoContact) -> str:
    return _fill(rng.choice(INBOUND_TEXTS), rng, contact.name)


def utc_from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
