"""Opt-out keywords: which received texts put their sender on (or off) the opt-out list.

A received message whose *first word* is STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT
opts its sender out; START or UNSTOP opts them back in. Any case; punctuation around the
word is tolerated ("Stop.", "*STOP*", "stop, please", "Stop-all"), but the word must be
the whole first word ("STOPPED", "Stop123", "ending" decide nothing).

The rule is deliberately the industry's first-word rule: a message such as "End of the
day?" does opt its sender out. Among several keyword messages from one number, the
newest decides (``decisive``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import Enum
from typing import TypeVar

__all__ = [
    "OPT_IN_WORDS",
    "OPT_OUT_WORDS",
    "OptAction",
    "classify",
    "decisive",
    "first_word",
]

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})

# Skip anything that is not a letter or digit, then take a word made of letters, where
# single hyphens/apostrophes/dots/underscores may join letter runs ("stop-all",
# "un.subscribe", "STOP_ALL"); full-width letters count after NFKC; the word must not run
# on into more letters or digits.
_FIRST_WORD = re.compile(r"[\W_]*([^\W\d_]+(?:[-'’._][^\W\d_]+)*)(?![\w])", re.UNICODE)
_JOINERS = re.compile(r"[-'’._]")


class OptAction(Enum):
    """What a received message asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"


def first_word(text: str) -> str | None:
    """The message's first word, upper-cased, joiners removed; None when it has none."""
    match = _FIRST_WORD.match(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    return _JOINERS.sub("", match.group(1)).upper()


def classify(text: str) -> OptAction | None:
    """``OPT_OUT`` / ``OPT_IN`` when the first word is a keyword, else None."""
    word = first_word(text)
    if word in OPT_OUT_WORDS:
        return OptAction.OPT_OUT
    if word in OPT_IN_WORDS:
        return OptAction.OPT_IN
    return None


K = TypeVar("K")


def decisive(messages: Iterable[tuple[K, str]]) -> tuple[K, OptAction] | None:
    """The first keyword message of ``(key, text)`` pairs given newest first, and its action.

    The newest keyword message decides a number's state; older ones are history.
    """
    for key, text in messages:
        action = classify(text)
        if action is not None:
            return key, action
    return None
