"""link_of: macOS-style URL opens (QFileOpenEvent) become link text for parse_uri.

``HubDeskApplication`` emits what :func:`link_of` returns for the events sent to it; the
real start path with such an event during the first frame is in
``tests/unit/app/test_app_start.py`` (a fresh interpreter, where ``app.main`` makes the
application).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QFileOpenEvent

from hubdesk.app.urlevents import link_of
from hubdesk.domain.uris import ComposeRequest, DialRequest, parse_uri


def test_tel_link_is_given_and_parses() -> None:
    link = link_of(QFileOpenEvent(QUrl("tel:+447400123456")))
    assert link == "tel:+447400123456"
    request = parse_uri(link)
    assert isinstance(request, DialRequest) and request.number.digits == "447400123456"


def test_sms_link_keeps_its_body_through_the_encoding() -> None:
    url = QUrl("sms:07400123456,07400123457?body=Table%20for%202%20%26%20caf%C3%A9%3F")
    link = link_of(QFileOpenEvent(url))
    assert link is not None
    request = parse_uri(link)
    assert isinstance(request, ComposeRequest)
    assert [n.digits for n in request.numbers] == ["447400123456", "447400123457"]
    assert request.body == "Table for 2 & café?"


def test_other_opens_and_events_are_left_alone() -> None:
    for event in (
        QFileOpenEvent("/tmp/contacts.vcf"),  # a document opened with the app
        QFileOpenEvent(QUrl("https://example.com/tel:+447400123456")),
        QFileOpenEvent(QUrl("mailto:someone@example.com")),
        QFileOpenEvent(QUrl("")),
        QEvent(QEvent.Type.FileOpen),  # the right type, but no URL to read
        QEvent(QEvent.Type.Quit),
    ):
        assert link_of(event) is None


def test_scheme_match_ignores_case_and_follows_the_schemes_given() -> None:
    link = link_of(QFileOpenEvent(QUrl("TEL:+447400123456")))
    assert link is not None and isinstance(parse_uri(link), DialRequest)
    assert link_of(QFileOpenEvent(QUrl("tel:+447400123456")), frozenset({"sms"})) is None
    assert link_of(QFileOpenEvent(QUrl("sms:07400123456")), frozenset({"SMS"})) is not None


def test_a_hostile_url_is_passed_on_as_text_for_parse_uri_to_refuse() -> None:
    link = link_of(QFileOpenEvent(QUrl("tel:$(reboot);rm -rf ~")))
    assert link is not None
    with pytest.raises(ValueError):
        parse_uri(link)
