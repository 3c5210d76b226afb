"""Windows: register HubDesk as a handler of ``tel:`` and ``sms:`` links, and check it.

One code path for the registry layout: the installer (``packaging/windows/hubdesk.iss``)
runs ``hubdesk.exe --register-url-handlers`` after copying the files and
``--unregister-url-handlers`` before removing them (``--all-users`` in an
administrative install, for ``HKLM``), a copy that was not installed can run the same
command, and ``hubdesk --self-test`` reads the keys back with :func:`inspect`.

What is written, under ``Software\\Classes`` of the hive (``HKCU`` by default):

* HubDesk's own ProgIDs ``HubDesk.tel`` / ``HubDesk.sms`` (``URL Protocol``, icon,
  ``shell\\open\\command`` = ``"<exe>" "%1"``), its ``Capabilities\\URLAssociations`` and
  a ``RegisteredApplications`` entry, so Windows offers HubDesk in Settings > Apps >
  Default apps and in the "How do you want to open this?" prompt;
* the schemes themselves, ``tel`` and ``sms`` (``URL Protocol`` and the same command),
  used where the user has made no choice yet, unless another program holds them.

Windows 10/11 keep the user's choice in a protected ``UserChoice`` key that no program
may write: HubDesk never becomes the default by itself, and :func:`inspect` reports
which ProgID the user chose. Unregistering removes HubDesk's own keys and, in the
shared ``tel``/``sms`` keys (Teams, Zoom and Phone Link use them too), only the values
that still point at this HubDesk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

from hubdesk.core.registry import Hive, Registry, open_registry

__all__ = [
    "CAPABILITIES_KEY",
    "SCHEMES",
    "Registration",
    "SchemeState",
    "handler_command",
    "inspect",
    "register",
    "run_command",
    "unregister",
]

SCHEMES: tuple[str, ...] = ("tel", "sms")
CLASSES = r"Software\Classes"
APP_KEY = r"Software\HubWork\HubDesk"
CAPABILITIES_KEY = APP_KEY + r"\Capabilities"
REGISTERED_APPLICATIONS = r"Software\RegisteredApplications"
USER_CHOICE = r"Software\Microsoft\Windows\Shell\Associations\UrlAssociations\{}\UserChoice"
APP_NAME = "HubDesk"
_DESCRIPTIONS = {"tel": "Telephone call", "sms": "SMS message"}
_OPEN = r"shell\open\command"


def prog_id(scheme: str) -> str:
    return f"{APP_NAME}.{scheme}"


def handler_command(exe: str) -> str:
    """What Windows runs for a link: the executable and the link, each in quotes."""
    return f'"{exe}" "%1"'


def _icon(exe: str) -> str:
    return f'"{exe}",0'


def _describe(registry: Registry, key: str, description: str, exe: str) -> None:
    """A URL class at ``key``: its name, ``URL Protocol``, icon and open command."""
    registry.set(key, "", f"URL:{description}")
    registry.set(key, "URL Protocol", "")
    registry.set(key + r"\DefaultIcon", "", _icon(exe))
    registry.set(key + "\\" + _OPEN, "", handler_command(exe))


def register(registry: Registry, exe: str) -> None:
    """Register ``exe`` for ``tel:`` and ``sms:`` in ``registry``'s hive (idempotent).

    A shared scheme key that opens another program (Teams, Zoom...) is left as it is:
    HubDesk is then offered through its capabilities, and the user chooses."""
    for scheme in SCHEMES:
        description = _DESCRIPTIONS[scheme]
        _describe(registry, rf"{CLASSES}\{prog_id(scheme)}", f"{description} ({APP_NAME})", exe)
        shared = rf"{CLASSES}\{scheme}"
        current = registry.get(shared + "\\" + _OPEN)
        if current is None or _is_hubdesk(current):
            _describe(registry, shared, description, exe)
        registry.set(CAPABILITIES_KEY + r"\URLAssociations", scheme, prog_id(scheme))
    registry.set(CAPABILITIES_KEY, "ApplicationName", APP_NAME)
    registry.set(
        CAPABILITIES_KEY, "ApplicationDescription", "Send SMS and place calls through HubWork"
    )
    registry.set(CAPABILITIES_KEY, "ApplicationIcon", _icon(exe))
    registry.set(REGISTERED_APPLICATIONS, APP_NAME, CAPABILITIES_KEY)


def _is_hubdesk(command: str) -> bool:
    """A command that runs some ``hubdesk.exe`` (this one, or an older copy elsewhere)."""
    return '\\hubdesk.exe"' in command.casefold()


def unregister(registry: Registry, exe: str) -> None:
    """Undo :func:`register` for ``exe``: HubDesk's own keys go; in the shared scheme
    keys only values that point at ``exe`` (another program's stay, and so does a key
    that still holds anything)."""
    for scheme in SCHEMES:
        registry.delete_key(rf"{CLASSES}\{prog_id(scheme)}")
        _release_shared(registry, rf"{CLASSES}\{scheme}", scheme, exe)
    registry.delete_key(APP_KEY)
    if registry.is_empty(r"Software\HubWork"):
        registry.delete_key(r"Software\HubWork")
    if registry.get(REGISTERED_APPLICATIONS, APP_NAME) == CAPABILITIES_KEY:
        registry.delete_value(REGISTERED_APPLICATIONS, APP_NAME)


def _release_shared(registry: Registry, key: str, scheme: str, exe: str) -> None:
    ours = ((key + "\\" + _OPEN, handler_command(exe)), (key + r"\DefaultIcon", _icon(exe)))
    for path, value in ours:
        if _same(registry.get(path), value):
            registry.delete_value(path, "")
    for path in (key + "\\" + _OPEN, key + r"\shell\open", key + r"\shell", key + r"\DefaultIcon"):
        if registry.is_empty(path):  # deepest first: a parent empties as its child goes
            registry.delete_key(path)
    if registry.subkeys(key):
        return  # another program still handles the scheme here: it needs "URL Protocol"
    if registry.get(key, "") == f"URL:{_DESCRIPTIONS[scheme]}":
        registry.delete_value(key, "")
    registry.delete_value(key, "URL Protocol")
    if registry.is_empty(key):
        registry.delete_key(key)


def _same(found: str | None, expected: str) -> bool:
    """Registry paths are case-insensitive on Windows; so is this comparison."""
    return found is not None and found.casefold() == expected.casefold()


@dataclass(frozen=True, slots=True)
class SchemeState:
    """What the registry says about one scheme, seen from one ``hubdesk.exe``."""

    scheme: str
    prog_id_command: str | None  # HubDesk.<scheme>\shell\open\command
    capability: str | None  # Capabilities\URLAssociations\<scheme>
    scheme_command: str | None  # <scheme>\shell\open\command (shared with other programs)
    url_protocol: bool  # <scheme> has "URL Protocol"
    user_choice: str | None  # the ProgID the user chose as default, if any
    exe: str

    @property
    def registered(self) -> bool:
        """HubDesk's ProgID and capability point at this executable."""
        return _same(self.prog_id_command, handler_command(self.exe)) and (
            self.capability == prog_id(self.scheme)
        )

    @property
    def handles_scheme(self) -> bool:
        """The shared scheme key opens this executable (used when no choice was made)."""
        return self.url_protocol and _same(self.scheme_command, handler_command(self.exe))

    @property
    def is_default(self) -> bool:
        return (self.user_choice or "").casefold() == prog_id(self.scheme).casefold()


@dataclass(frozen=True, slots=True)
class Registration:
    """:func:`inspect`'s answer: one :class:`SchemeState` per scheme, plus the
    ``RegisteredApplications`` entry."""

    hive: str
    schemes: tuple[SchemeState, ...]
    listed: bool  # RegisteredApplications\HubDesk -> our Capabilities

    @property
    def complete(self) -> bool:
        """HubDesk's ProgIDs, capabilities and listing are there and open this executable
        (the shared scheme keys may belong to another program: see :meth:`summary`)."""
        return self.listed and all(s.registered for s in self.schemes)

    @property
    def absent(self) -> bool:
        """Nothing of HubDesk's registration is there (not installed, or elsewhere)."""
        return not self.listed and all(s.prog_id_command is None for s in self.schemes)

    def summary(self) -> str:
        """One line for the self-test."""
        parts = []
        for s in self.schemes:
            default = "the default" if s.is_default else f"default: {s.user_choice or 'none'}"
            shared = "" if s.handles_scheme else f", {s.scheme} key: another program"
            parts.append(f"{s.scheme} -> {prog_id(s.scheme)} ({default}{shared})")
        return f"{self.hive}: " + "; ".join(parts)

    def problems(self) -> list[str]:
        """What is missing or points elsewhere, one sentence each."""
        found = [] if self.listed else ["RegisteredApplications has no HubDesk entry"]
        for s in self.schemes:
            if s.prog_id_command is None:
                found.append(f"{prog_id(s.scheme)} is missing")
            elif not _same(s.prog_id_command, handler_command(s.exe)):
                found.append(f"{prog_id(s.scheme)} opens {s.prog_id_command}, not this copy")
            if s.capability != prog_id(s.scheme):
                found.append(f"the {s.scheme} capability names {s.capability or 'nothing'}")
        return found


def inspect(registry: Registry, exe: str, user: Registry | None = None) -> Registration:
    """How ``tel:``/``sms:`` are registered in ``registry`` for ``exe``; ``user`` (HKCU,
    default ``registry``) is where Windows keeps the user's choice of default."""
    choices = user if user is not None else registry
    states = tuple(
        SchemeState(
            scheme=scheme,
            prog_id_command=registry.get(rf"{CLASSES}\{prog_id(scheme)}\{_OPEN}"),
            capability=registry.get(CAPABILITIES_KEY + r"\URLAssociations", scheme),
            scheme_command=registry.get(rf"{CLASSES}\{scheme}\{_OPEN}"),
            url_protocol=registry.get(rf"{CLASSES}\{scheme}", "URL Protocol") is not None,
            user_choice=choices.get(USER_CHOICE.format(scheme), "ProgId"),
            exe=exe,
        )
        for scheme in SCHEMES
    )
    listed = registry.get(REGISTERED_APPLICATIONS, APP_NAME) == CAPABILITIES_KEY
    return Registration(registry.hive, states, listed)


def run_command(
    action: Literal["register", "unregister"],
    exe: str,
    *,
    all_users: bool = False,
    open_hive: Callable[[Hive], Registry] = open_registry,
    err: TextIO | None = None,
) -> int:
    """``hubdesk.exe --register-url-handlers`` / ``--unregister-url-handlers``
    [``--all-users``], as the installer runs them: 0 when done, else 1 with one
    sentence on ``err``."""
    hive: Hive = "HKLM" if all_users else "HKCU"
    try:
        registry = open_hive(hive)
        if action == "register":
            register(registry, exe)
        else:
            unregister(registry, exe)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        scope = "for every user" if all_users else "for this user"
        print(
            f"hubdesk: tel:/sms: links could not be {action}ed {scope} ({hive}): {reason}",
            file=err if err is not None else sys.stderr,
        )
        return 1
    return 0
