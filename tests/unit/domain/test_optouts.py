"""Opt-out keyword rules: first word, any case, punctuation tolerated, whole word only."""

from __future__ import annotations

import pytest

from hubdesk.domain.optouts import OptAction, classify, decisive, first_word

OUT = OptAction.OPT_OUT
IN = OptAction.OPT_IN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", OUT),
        ("stop", OUT),
        ("Stop.", OUT),
        ("  *STOP*  ", OUT),
        ("Stop, please don't text me", OUT),
        ("STOPALL", OUT),
        ("stop-all", OUT),
        ("STOP_ALL", OUT),
        ("Unsubscribe!", OUT),
        ("un-subscribe", OUT),
        ("cancel", OUT),
        ("END", OUT),
        ("quit!!!", OUT),
        ("ＳＴＯＰ", OUT),  # full-width letters
        ("stop\nnow", OUT),
        ("START", IN),
        ("unstop", IN),
        ("Start again please", IN),
        ("STOPPED", None),
        ("Stop123", None),
        ("ending soon", None),
        ("Please STOP", None),
        ("", None),
        ("...", None),
        ("123 stop", None),
        ("Hello", None),
    ],
)
def test_classify(text: str, expected: OptAction | None) -> None:
    assert classify(text) is expected


def test_first_word_normalises() -> None:
    assert first_word("  'Quit'  ") == "QUIT"
    assert first_word("") is None


def test_the_newest_keyword_decides() -> None:
    newest_first = [(3, "thanks"), (2, "START"), (1, "STOP")]
    assert decisive(newest_first) == (2, IN)
    assert decisive([(5, "hello"), (4, "stop it")]) == (4, OUT)
    assert decisive([(1, "hi")]) is None
