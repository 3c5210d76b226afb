"""Which sends this process has under way, by source and text, for the reconcile to respect.

A reconcile settles an ``unknown`` outbox row by claiming a server message with the
row's source, destination and text that no other row holds. A send of the same text
whose outcome is not recorded yet has its message on the server too (or soon), claimed
by nobody: a reconcile that took it would mark its row sent although its own message
may never have existed, and that message would be lost.

So a send is *under way* from the moment its attempt starts until its outcome is
committed, a bulk send's ids included (the POST's answer alone is not enough: until its
messages are found and attached they are unclaimed). ``SendsUnderWay.sending`` holds
that mark. A reconcile takes ``mark`` before it lists (None: a send is under way, decide
later) and checks ``quiet_since`` after the listing and before it claims: a send that
started in between may have put a message into the listing.

Texts are compared as the server stores them (trimmed), like ``outbox_search.same_text``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SendKey", "SendsUnderWay", "send_key"]

SendKey = tuple[str, str]


def send_key(source: str, text: str) -> SendKey:
    """The key under which sends of ``text`` from ``source`` match the same messages."""
    return (source, text.strip())


class SendsUnderWay:
    """Counts of sends under way per key, and of sends ever started per key."""

    def __init__(self) -> None:
        self._active: Counter[SendKey] = Counter()
        self._started: Counter[SendKey] = Counter()

    @contextmanager
    def sending(self, key: SendKey) -> Iterator[None]:
        """Hold ``key`` under way for the ``with`` block (the whole attempt)."""
        self._active[key] += 1
        self._started[key] += 1
        try:
            yield
        finally:
            self._active[key] -= 1
            if self._active[key] <= 0:
                del self._active[key]

    def busy(self, key: SendKey) -> bool:
        return self._active[key] > 0

    def mark(self, key: SendKey) -> int | None:
        """A mark for ``quiet_since``; None while a send of ``key`` is under way."""
        return None if self.busy(key) else self._started[key]

    def quiet_since(self, key: SendKey, mark: int | None) -> bool:
        """No send of ``key`` was under way at any moment since ``mark`` was taken."""
        return mark is not None and not self.busy(key) and self._started[key] == mark
