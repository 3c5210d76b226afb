"""vCard 3.0 / 4.0 reading and 4.0 writing, for the address book (pure, no I/O).

Read: folded lines (RFC 6350 §3.2), ``group.`` prefixes, FN (or N when FN is missing),
every TEL (``tel:`` URIs included), NOTE, CATEGORIES; backslash escapes; vCard 2.1-style
``ENCODING=QUOTED-PRINTABLE`` values are decoded (with their ``=`` soft line breaks)
rather than crashing. Every card keeps the line number of its ``BEGIN:VCARD``.

Write: vCard 4.0 with CRLF line endings, lines folded at 75 octets without splitting a
UTF-8 character, values escaped.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hubdesk.core.contact_records import ContactRecord
from hubdesk.domain import Contact

__all__ = ["parse_vcards", "write_vcards"]

_FOLD_AT = 75


@dataclass(frozen=True, slots=True)
class _Property:
    line: int
    name: str
    params: dict[str, str]
    value: str


def _unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the number of their first physical line."""
    current: str | None = None
    start = 0
    qp_continues = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if current is not None and raw[:1] in (" ", "\t"):
            current += raw[1:]
            continue
        if current is not None and qp_continues:
            current = current[:-1] + raw  # a quoted-printable soft line break
            qp_continues = current.endswith("=")
            continue
        if current is not None:
            yield start, current
        current, start = raw, number
        head = raw.split(":", 1)[0].upper()
        qp_continues = "QUOTED-PRINTABLE" in head and raw.endswith("=")
    if current is not None:
        yield start, current


def _split_params(head: str) -> tuple[str, dict[str, str]]:
    parts = head.split(";")
    name = parts[0].rsplit(".", 1)[-1].strip().upper()  # drop "item1." groups
    params: dict[str, str] = {}
    for part in parts[1:]:
        if "=" in part:
            key, value = part.split("=", 1)
            params[key.strip().upper()] = value.strip().strip('"')
        elif part.strip():  # vCard 2.1 bare parameters: "TEL;CELL;QUOTED-PRINTABLE"
            bare = part.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "B"):
                params["ENCODING"] = bare
            else:
                params.setdefault("TYPE", bare)
    return name, params


def _parse_line(line: int, text: str) -> _Property | None:
    if ":" not in text:
        return None
    head, value = text.split(":", 1)
    name, params = _split_params(head)
    if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":
        charset = params.get("CHARSET", "utf-8")
        raw = quopri.decodestring(value.encode("ascii", "replace"))
        try:
            value = raw.decode(charset, "replace")
        except LookupError:
            value = raw.decode("utf-8", "replace")
    return _Property(line, name, params, value)


_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


def _split_unescaped(value: str, separator: str) -> list[str]:
    parts = re.split(r"(?<!\\)" + re.escape(separator), value)
    return [_unescape(p) for p in parts]


def _name_from_n(value: str) -> str:
    parts = _split_unescaped(value, ";") + [""] * 5
    family, given, additional, prefix, suffix = (p.strip() for p in parts[:5])
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _tel_value(prop: _Property) -> str:
    value = _unescape(prop.value).strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
        value = value.split(";", 1)[0]  # drop ;ext= and other URI parameters
    return value


def _card(line: int, props: list[_Property]) -> ContactRecord:
    full_name = ""
    n_name = ""
    numbers: list[str] = []
    notes: list[str] = []
    groups: list[str] = []
    for prop in props:
        if prop.name == "FN" and not full_name:
            full_name = _unescape(prop.value).strip()
        elif prop.name == "N" and not n_name:
            n_name = _name_from_n(prop.value)
        elif prop.name == "TEL":
            number = _tel_value(prop)
            if number:
                numbers.append(number)
        elif prop.name == "NOTE":
            notes.append(_unescape(prop.value))
        elif prop.name == "CATEGORIES":
            groups += [g.strip() for g in _split_unescaped(prop.value, ",") if g.strip()]
    return ContactRecord(
        where=f"line {line}",
        position=line,
        name=" ".join((full_name or n_name).split()),
        numbers=tuple(numbers),
        notes="\n".join(notes).strip(),
        groups=tuple(dict.fromkeys(groups)),
    )


def parse_vcards(text: str) -> list[ContactRecord]:
    """Every card in ``text``; lines outside BEGIN/END and unknown properties are ignored."""
    cards: list[ContactRecord] = []
    props: list[_Property] | None = None
    begin = 0
    for line, logical in _unfold(text.lstrip("\ufeff")):
        prop = _parse_line(line, logical)
        if prop is None:
            continue
        value = prop.value.strip().upper()
        if prop.name == "BEGIN" and value == "VCARD":
            props, begin = [], line
        elif prop.name == "END" and value == "VCARD":
            if props is not None:
                cards.append(_card(begin, props))
            props = None
        elif props is not None:
            props.append(prop)
    if props is not None:  # a last card without END:VCARD
        cards.append(_card(begin, props))
    return cards


def _escape(value: str, commas: bool = True) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;")
    if commas:
        value = value.replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets, never inside a UTF-8 sequence; continuation lines start with a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = _FOLD_AT
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, _FOLD_AT - 1
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def write_vcards(contacts: Iterable[Contact]) -> str:
    """vCard 4.0 text for ``contacts`` (CRLF line endings, folded)."""
    lines: list[str] = []
    for contact in contacts:
        card = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(contact.name)}"]
        card.append(f"TEL;VALUE=uri;TYPE=cell:tel:+{contact.number}")
        if contact.notes:
            card.append(f"NOTE:{_escape(contact.notes)}")
        if contact.groups:
            card.append("CATEGORIES:" + ",".join(_escape(g) for g in contact.groups))
        card.append("END:VCARD")
        lines += [_fold(line) for line in card]
    return "".join(line + "\r\n" for line in lines)
