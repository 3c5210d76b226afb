"""UrlEventFilter: macOS-style URL opens (QFileOpenEvent) become uri_received(str)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from hubdesk.app.urlevents import UrlEventFilter
from hubdesk.domain.uris import ComposeRequest, DialRequest, parse_uri


@pytest.fixture
def watcher(qapp: QApplication) -> Iterator[tuple[UrlEventFilter, list[str]]]:
    got: list[str] = []
    events = UrlEventFilter()
    events.uri_received.connect(got.append)
    events.install(qapp)
    yield events, got
    events.uninstall()


def _open(app: QApplication, event: QFileOpenEvent) -> bool:
    """Deliver ``event`` to the application object, as Qt does for an Apple Event."""
    return QCoreApplication.sendEvent(app, event)


def test_tel_link_is_emitted_and_parses(
    qapp: QApplication, watcher: tuple[UrlEventFilter, list[str]]
) -> None:
    _, got = watcher
    assert _open(qapp, QFileOpenEvent(QUrl("tel:+447400123456"))) is True
    assert got == ["tel:+447400123456"]
    request = parse_uri(got[0])
    assert isinstance(request, DialRequest) and request.number.digits == "447400123456"


def test_sms_link_keeps_its_body_through_the_encoding(
    qapp: QApplication, watcher: tuple[UrlEventFilter, list[str]]
) -> None:
    _, got = watcher
    url = QUrl("sms:07400123456,07400123457?body=Table%20for%202%20%26%20caf%C3%A9%3F")
    _open(qapp, QFileOpenEvent(url))
    assert len(got) == 1
    request = parse_uri(got[0])
    assert isinstance(request, ComposeRequest)
    assert [n.digits for n in request.numbers] == ["447400123456", "447400123457"]
    assert request.body == "Table for 2 & café?"


def test_other_opens_are_left_alone(
    qapp: QApplication, watcher: tuple[UrlEventFilter, list[str]]
) -> None:
    _, got = watcher
    for event in (
        QFileOpenEvent("/tmp/contacts.vcf"),  # a document opened with the app
        QFileOpenEvent(QUrl("https://example.com/tel:+447400123456")),
        QFileOpenEvent(QUrl("mailto:someone@example.com")),
        QFileOpenEvent(QUrl("")),
    ):
        _open(qapp, event)
    assert got == []


def test_scheme_match_ignores_case_and_uninstall_stops_it(
    qapp: QApplication, watcher: tuple[UrlEventFilter, list[str]]
) -> None:
    events, got = watcher
    _open(qapp, QFileOpenEvent(QUrl("TEL:+447400123456")))
    assert len(got) == 1 and isinstance(parse_uri(got[0]), DialRequest)
    events.uninstall()
    _open(qapp, QFileOpenEvent(QUrl("tel:+447400123456")))
    assert len(got) == 1


def test_a_hostile_url_is_passed_on_as_text_for_parse_uri_to_refuse(
    qapp: QApplication, watcher: tuple[UrlEventFilter, list[str]]
) -> None:
    _, got = watcher
    _open(qapp, QFileOpenEvent(QUrl("tel:$(reboot);rm -rf ~")))
    assert len(got) == 1
    with pytest.raises(ValueError):
        parse_uri(got[0])
