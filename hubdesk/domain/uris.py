"""``tel:`` and ``sms:`` links: what the OS hands HubDesk when a user clicks one.

Accepted, as browsers and other apps really emit them (RFC 3966 / RFC 5724 in spirit,
lenient where real links are)::

    tel:+447400123456            tel:07400%20123456          tel:0044-7400-123456
    tel:020-7377-1555            TEL://+447400123456/        tel:07400123456;phone-context=+44
    sms:+447400123456?body=Hello%20there                     sms:07400123456,07400123457
    sms://+447400123456          sms:+447400123456&body=Hi   (the iOS form, '&' for '?')

``tel:`` must name a UK number (the dial endpoints accept nothing else); ``sms:`` may
name any valid number, and several recipients make a bulk compose. The text of a link
is data from outside: it is checked character by character, never passed to a shell,
and anything unexpected raises ``UriError`` with a sentence saying what is wrong.

Imports only the stdlib and ``hubdesk.domain``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number, parse_uk_number

__all__ = [
    "MAX_URI_LENGTH",
    "ComposeRequest",
    "DialRequest",
    "UriError",
    "parse_sms_uri",
    "parse_tel_uri",
    "parse_uri",
]

MAX_URI_LENGTH = 2048
"""Longer links are refused outright (browsers cap ``tel:``/``sms:`` far below this)."""

# RFC 3966 visual separators, plus the space people (and %20) put in numbers.
_NUMBER_CHARS = frozenset("0123456789+-.() ")
# A parameter name / field name: RFC 3966 pname is alphanumerics and '-'.
_NAME = re.compile(r"[A-Za-z0-9-]{1,32}")
# Body may keep tab and line breaks; every other C0/C1 control is refused.
_BODY_CONTROLS_ALLOWED = frozenset("\t\n\r")
_DIRECTION_OVERRIDES = frozenset("\u202d\u202e")  # LRO, RLO: text shown reversed (spoofing)
# Parameters that change what would be dialled: refused rather than silently dropped.
_REFUSED_PARAMS = {
    "ext": "extensions (;ext=) are not supported: HubDesk can only dial the main number",
    "isub": "ISDN subaddresses (;isub=) are not supported",
    "postd": "post-dial digits (;postd=) are not supported",
}
_UK_CONTEXTS = frozenset({"+44", "44"})


class UriError(ValueError):
    """A link HubDesk will not act on; ``str(e)`` says why, in a sentence."""


@dataclass(frozen=True, slots=True)
class DialRequest:
    """Click-to-dial this UK number (from a ``tel:`` link)."""

    number: PhoneNumber


@dataclass(frozen=True, slots=True)
class ComposeRequest:
    """Open a compose window (from an ``sms:`` link).

    ``numbers`` holds one recipient, or several for a bulk compose, in link order with
    repeats removed; ``body`` is the suggested text (``""`` when the link has none).
    """

    numbers: tuple[PhoneNumber, ...]
    body: str = ""

    @property
    def bulk(self) -> bool:
        return len(self.numbers) > 1


def parse_uri(text: str) -> DialRequest | ComposeRequest:
    """Parse a ``tel:`` or ``sms:`` link. Raises ``UriError`` for anything else."""
    scheme, rest = _split_scheme(text)
    if scheme == "tel":
        return DialRequest(_parse_tel_rest(rest))
    return _parse_sms_rest(rest)


def parse_tel_uri(text: str) -> DialRequest:
    """Parse a ``tel:`` link into the UK number to dial. Raises ``UriError``."""
    request = parse_uri(text)
    if not isinstance(request, DialRequest):
        raise UriError("not a tel: link")
    return request


def parse_sms_uri(text: str) -> ComposeRequest:
    """Parse an ``sms:`` link into recipients and body. Raises ``UriError``."""
    request = parse_uri(text)
    if not isinstance(request, ComposeRequest):
        raise UriError("not an sms: link")
    return request


# --- internals -------------------------------------------------------------------------


def _split_scheme(text: str) -> tuple[str, str]:
    """Check the raw text as a whole; return (lower-case scheme, the rest)."""
    if not isinstance(text, str):
        raise UriError("a link must be text")
    if len(text) > MAX_URI_LENGTH:
        raise UriError(f"link too long ({len(text)} characters; the limit is {MAX_URI_LENGTH})")
    text = text.strip(" ")
    if not text:
        raise UriError("empty link")
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            raise UriError(f"link contains a control character ({_describe(ch)})")
        if category == "Cs":
            raise UriError("link is not valid text (unpaired surrogate)")
    scheme, colon, rest = text.partition(":")
    if not colon:
        raise UriError("not a link: expected tel: or sms: at the start")
    scheme = scheme.lower()
    if scheme not in ("tel", "sms"):
        shown = scheme if len(scheme) <= 20 and scheme.isascii() else scheme[:20] + "…"
        raise UriError(f"unsupported link type {shown!r}: only tel: and sms: links are accepted")
    # "tel://…" and "sms://…" (and a trailing "/" with them) are what some browsers and
    # Windows hand over; the slashes carry no meaning.
    if rest.startswith("//"):
        rest = rest[2:]
        if rest.endswith("/"):
            rest = rest[:-1]
    return scheme, rest


def _parse_tel_rest(rest: str) -> PhoneNumber:
    if "?" in rest:
        raise UriError("a tel: link cannot have a query ('?')")
    text = _subscriber(rest, what="number")
    try:
        return parse_uk_number(text)
    except NumberError as exc:
        raise UriError(f"cannot dial {text.strip()!r}: {exc}") from None


def _parse_sms_rest(rest: str) -> ComposeRequest:
    recipients_part, question, query = rest.partition("?")
    if not question and "&" in recipients_part:
        # iOS writes sms:NUMBER&body=TEXT.
        recipients_part, _, query = recipients_part.partition("&")
    if not recipients_part.strip(" "):
        raise UriError("the sms: link names no recipient")
    numbers: list[PhoneNumber] = []
    seen: set[str] = set()
    for index, item in enumerate(recipients_part.split(","), start=1):
        if not item.strip(" "):
            raise UriError(f"recipient {index} is empty")
        text = _subscriber(item, what=f"recipient {index}")
        try:
            number = parse_number(text)
        except NumberError as exc:
            raise UriError(f"recipient {index} ({text.strip()!r}): {exc}") from None
        if number.digits not in seen:
            seen.add(number.digits)
            numbers.append(number)
    return ComposeRequest(tuple(numbers), _body(query))


def _subscriber(raw: str, *, what: str) -> str:
    """One telephone-subscriber: the number (decoded, checked) with its params handled."""
    number_part, *params = raw.split(";")
    for param in params:
        _check_param(param, what)
    text = _decode(number_part, what)
    for ch in text:
        if ch not in _NUMBER_CHARS:
            if ch.isalpha():
                raise UriError(f"the {what} contains letters")
            raise UriError(f"the {what} contains {_describe(ch)}, which a phone number cannot")
    if not any(ch.isdigit() for ch in text):
        raise UriError(f"the {what} is empty" if not text.strip() else f"the {what} has no digits")
    return text


def _check_param(param: str, what: str) -> None:
    name, _, value = param.partition("=")
    if not _NAME.fullmatch(name):
        raise UriError(f"the {what} has a malformed parameter")
    key = name.lower()
    if key in _REFUSED_PARAMS:
        raise UriError(_REFUSED_PARAMS[key])
    if key == "phone-context":
        context = _decode(value, what).strip()
        if context not in _UK_CONTEXTS:
            raise UriError(
                f"phone-context {context[:20]!r} is not supported: only UK (+44) numbers "
                "can be local"
            )
    # Any other parameter does not change the number (RFC 3966 §5.3): ignored, but it
    # must still be well-formed text.
    else:
        _decode(value, what)


def _body(query: str) -> str:
    body: str | None = None
    if not query:
        return ""
    for field in query.split("&"):
        name, _, value = field.partition("=")
        if not name:
            continue
        if not _NAME.fullmatch(name):
            raise UriError("the sms: link has a malformed field after '?'")
        if name.lower() != "body":
            continue  # RFC 5724 §2.2: other fields are ignored
        if body is not None:
            raise UriError("the sms: link gives the body twice")
        body = _decode(value, "body")
        for ch in body:
            if unicodedata.category(ch) == "Cc" and ch not in _BODY_CONTROLS_ALLOWED:
                raise UriError(f"the body contains a control character ({_describe(ch)})")
            if ch in _DIRECTION_OVERRIDES:
                raise UriError(
                    f"the body contains a direction override ({_describe(ch)}): the message "
                    "box would show its text in another order than the one sent"
                )
    return body or ""


_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decode(text: str, what: str) -> str:
    """Strict percent-decoding as UTF-8. '+' stays '+' (this is not a form body)."""
    if _PERCENT.search(text):
        raise UriError(f"the {what} has a broken percent-escape ('%' without two hex digits)")

    def replace(match: re.Match[str]) -> str:
        raw = bytes.fromhex(match.group(0).replace("%", ""))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UriError(f"the {what} is not valid UTF-8 once decoded") from None

    return _ESCAPES.sub(replace, text)


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"{ch!r} U+{ord(ch):04X}" + (f" {name}" if name else "")
