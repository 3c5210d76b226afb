"""The self-test's desktop steps: keyring, tray, notification, ``tel:``/``sms:`` links.

Each check returns the detail line of a passed step, raises ``SelfTestFailed`` with the
reason, or raises :class:`StepSkipped` when this system does not let a program check
that part (it says why). What each OS allows:

* keyring: Windows (Credential Locker) and macOS (Keychain): write, read back and delete
  a throwaway item. Linux: which backend would be used (a round trip could prompt to
  unlock the user's keyring).
* tray: the tray is how HubDesk lives in the background: Windows and macOS always have
  one, so none is a failure there; a Linux desktop may have none (skipped).
* notification: through the app's own ``Notifier``. On a D-Bus notification server the
  server must answer with an id; with the tray (Windows, macOS) the system gives a
  program no confirmation that a toast was seen, so the check is the call plus the
  click path (``messageClicked``, emitted as a click would) opening the conversation.
* url-schemes: Windows: the registry keys for this ``hubdesk.exe`` (HKCU, else HKLM;
  ``core.urlhandlers``). macOS: ``CFBundleURLTypes`` in this app's ``Info.plist`` and
  LaunchServices' list of handlers (``LSCopyAllHandlersForURLScheme`` through ctypes).
  Linux: ``xdg-mime``'s handler of ``x-scheme-handler/tel`` and ``sms``.
"""

from __future__ import annotations

import os
import plistlib
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubdesk.core.registry import Registry
    from hubdesk.ui.tray import TrayIcon

__all__ = [
    "SelfTestFailed",
    "StepSkipped",
    "check_keyring",
    "check_notification",
    "check_tray",
    "check_url_schemes",
    "keyring_round_trip",
    "macos_url_schemes",
    "windows_url_schemes",
]

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
SCHEMES = ("tel", "sms")
BUNDLE_ID = "com.hubwork.HubDesk"
KEYRING_SERVICE = "HubDesk self-test"
NOTICE_PARTNER = "447400000000"
_WAIT_S = 5.0


class SelfTestFailed(Exception):
    """A step did not do what it must; ``str()`` is the reason."""


class StepSkipped(Exception):
    """This system does not let the step be checked; ``str()`` says why."""


def _failed(reason: str) -> SelfTestFailed:
    return SelfTestFailed(reason)


# -- keyring ---------------------------------------------------------------------------


def _name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def check_keyring() -> str:
    """The keyring backend this installation uses, and on Windows/macOS a round trip."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = _name(backend)
    inner = getattr(backend, "backends", None)  # the chainer holds the real ones
    if isinstance(backend, fail.Keyring) or (inner is not None and not inner):
        raise _failed(f"no usable keyring backend ({name}): HubDesk could not keep a sign-in")
    if inner:
        name += " [" + ", ".join(_name(b) for b in inner) + "]"
    if not (WINDOWS or MACOS):
        return name
    keyring_round_trip(backend)
    return f"{name}: wrote, read back and deleted a throwaway item"


def keyring_round_trip(backend: Any) -> None:
    """Write a random item, read it back, delete it, and check it is gone."""
    from keyring.errors import KeyringError, PasswordDeleteError

    user = f"selftest-{secrets.token_hex(6)}"
    value = secrets.token_urlsafe(24)
    try:
        backend.set_password(KEYRING_SERVICE, user, value)
    except KeyringError as exc:
        raise _failed(f"the keyring refused a new item: {type(exc).__name__}: {exc}") from exc
    try:
        if backend.get_password(KEYRING_SERVICE, user) != value:
            raise _failed("the keyring gave back another value than the one written")
    finally:
        try:
            backend.delete_password(KEYRING_SERVICE, user)
        except PasswordDeleteError as exc:
            raise _failed(f"the keyring could not delete the test item: {exc}") from exc
    if backend.get_password(KEYRING_SERVICE, user) is not None:
        raise _failed("the test item is still in the keyring after it was deleted")


# -- tray and notification -------------------------------------------------------------


def _process_events(seconds: float = 0.0, until: Any = None) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while True:
        QApplication.processEvents()
        if until is not None and until():
            return True
        if time.monotonic() >= deadline:
            return until is None
        time.sleep(0.02)


def check_tray() -> tuple[TrayIcon, str]:
    """HubDesk's tray icon, shown (the caller disposes of it)."""
    from PySide6.QtGui import QGuiApplication

    from hubdesk.ui.tray import TrayIcon

    platform = QGuiApplication.platformName()
    if not TrayIcon.available():
        if WINDOWS or MACOS:
            raise _failed(f"Qt finds no system tray (platform {platform})")
        raise StepSkipped(
            f"no system tray in this desktop session (Qt platform {platform}): HubDesk "
            "then keeps its window in the taskbar"
        )
    tray = TrayIcon()
    tray.show()
    _process_events(0.1)
    if not tray.is_visible():
        tray.dispose()
        raise _failed("the tray icon did not show")
    return tray, f"icon shown (Qt platform {platform})"


@dataclass(frozen=True)
class _Notice:
    title: str
    body: str
    partner: str | None


def check_notification(tray: TrayIcon | None, *, use_bus: bool | None = None) -> str:
    """A notification through HubDesk's ``Notifier`` (``use_bus``: its default, the
    session bus on Linux), then, with the tray, its click path."""
    from PySide6.QtWidgets import QSystemTrayIcon

    from hubdesk.ui.notifications import Backend, Notifier

    notifier = Notifier(tray.system_tray_icon if tray is not None else None, use_bus=use_bus)
    try:
        if notifier.backend is Backend.NONE:
            raise StepSkipped("no notification server and no tray icon in this session")
        opened: list[str] = []
        notifier.activated.connect(opened.append)
        notice = _Notice("HubDesk self-test", "HubDesk can show you new messages.", NOTICE_PARTNER)
        notifier.show(notice)
        if notifier.backend is Backend.FREEDESKTOP:
            if not _process_events(_WAIT_S, until=lambda: notifier.open_notifications):
                raise _failed(f"the notification server did not answer within {_WAIT_S:.0f} s")
            (notification_id,) = notifier.open_notifications
            notifier.close_all()
            return f"org.freedesktop.Notifications showed it (id {notification_id})"
        assert tray is not None  # Backend.TRAY
        if not QSystemTrayIcon.supportsMessages():
            raise _failed("this system's tray cannot show messages")
        _process_events(0.2)
        tray.system_tray_icon.messageClicked.emit()  # what the system sends on a click
        if opened != [NOTICE_PARTNER]:
            raise _failed("a click on the tray message did not open its conversation")
        return (
            "QSystemTrayIcon.showMessage called (the system does not confirm a toast was "
            "seen); a click, messageClicked, opens its conversation"
        )
    finally:
        notifier.shutdown()
        notifier.deleteLater()


# -- tel: and sms: -----------------------------------------------------------------------


def check_url_schemes() -> str:
    """How ``tel:``/``sms:`` reach this copy of HubDesk, as far as the OS shows it."""
    if WINDOWS:
        return _windows_url_schemes()
    if MACOS:
        return _macos_url_schemes()
    return _xdg_url_schemes()


def _frozen_executable(what: str) -> str:
    if not getattr(sys, "frozen", False):
        raise StepSkipped(f"not a bundle ({what})")
    return sys.executable


def _windows_url_schemes() -> str:
    from hubdesk.core.registry import open_registry

    exe = _frozen_executable("the installer registers the bundle's hubdesk.exe")
    return windows_url_schemes(exe, open_registry("HKCU"), open_registry("HKLM"))


def windows_url_schemes(exe: str, user: Registry, machine: Registry) -> str:
    """``exe``'s registration in HKCU (``user``), else HKLM (``machine``)."""
    from hubdesk.core.urlhandlers import inspect

    found = [inspect(user, exe), inspect(machine, exe, user=user)]
    for registration in found:
        if registration.complete:
            return registration.summary()
    present = [r for r in found if not r.absent]
    if not present:
        raise StepSkipped(
            "tel:/sms: are not registered for this copy: the installer registers them, "
            "and 'hubdesk.exe --register-url-handlers' does it for a copy not installed"
        )
    states = [s for r in present for s in r.schemes]
    other = next((s.prog_id_command for s in states if s.prog_id_command), None)
    if other is not None and not any(s.registered for s in states):
        raise StepSkipped(f"tel:/sms: are registered for another copy of HubDesk ({other})")
    problems = "; ".join(f"{r.hive}: {q}" for r in present for q in r.problems())
    raise _failed(f"the tel:/sms: registration is incomplete ({problems})")


def _app_bundle() -> Path | None:
    """The ``.app`` this executable runs from (``…/HubDesk.app/Contents/MacOS/hubdesk``)."""
    contents = Path(sys.executable).resolve().parent.parent
    if contents.name == "Contents" and contents.parent.suffix == ".app":
        return contents.parent
    return None


def _macos_url_schemes() -> str:
    _frozen_executable("tel:/sms: are declared by HubDesk.app's Info.plist")
    app = _app_bundle()
    if app is None:
        raise StepSkipped("this executable is not inside a .app bundle")
    return macos_url_schemes(app / "Contents" / "Info.plist", _launch_services)


def macos_url_schemes(info_plist: Path, launch_services: Callable[[str], str]) -> str:
    """``CFBundleURLTypes`` of ``info_plist``, then what ``launch_services(bundle id)``
    says (its ``OSError`` is reported, not a failure: the declaration is what counts)."""
    with info_plist.open("rb") as handle:
        info = plistlib.load(handle)
    declared = {
        scheme
        for entry in info.get("CFBundleURLTypes", [])
        for scheme in entry.get("CFBundleURLSchemes", [])
    }
    missing = [s for s in SCHEMES if s not in declared]
    if missing:
        raise _failed(f"Info.plist does not declare {', '.join(missing)} in CFBundleURLTypes")
    bundle_id = str(info.get("CFBundleIdentifier", BUNDLE_ID))
    try:
        services = launch_services(bundle_id)
    except OSError as exc:
        services = f"LaunchServices not asked ({exc})"
    return f"Info.plist declares {', '.join(SCHEMES)}; {services}"


def _launch_services(bundle_id: str) -> str:  # pragma: no cover - macOS only
    """Whether LaunchServices lists ``bundle_id`` for each scheme, and the defaults.

    ``LSCopyAllHandlersForURLScheme`` / ``LSCopyDefaultHandlerForURLScheme`` are
    deprecated (macOS 12) but still answer; the replacement (NSWorkspace's
    ``URLsForApplicationsToOpenURL:``) needs the Objective-C runtime, which ctypes
    reaches only clumsily."""
    import ctypes
    import ctypes.util

    def load(name: str) -> ctypes.CDLL:
        path = ctypes.util.find_library(name)
        if path is None:
            raise OSError(f"no {name} framework")
        return ctypes.CDLL(path)

    cf, services = load("CoreFoundation"), load("CoreServices")
    cf.CFStringCreateWithCString.restype = ctypes.c_void_p
    cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
    cf.CFStringGetCString.restype = ctypes.c_bool
    cf.CFStringGetCString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_long,
        ctypes.c_uint32,
    ]
    cf.CFArrayGetCount.restype = ctypes.c_long
    cf.CFArrayGetCount.argtypes = [ctypes.c_void_p]
    cf.CFArrayGetValueAtIndex.restype = ctypes.c_void_p
    cf.CFArrayGetValueAtIndex.argtypes = [ctypes.c_void_p, ctypes.c_long]
    cf.CFRelease.argtypes = [ctypes.c_void_p]
    for function in ("LSCopyAllHandlersForURLScheme", "LSCopyDefaultHandlerForURLScheme"):
        getattr(services, function).restype = ctypes.c_void_p
        getattr(services, function).argtypes = [ctypes.c_void_p]
    utf8 = 0x08000100  # kCFStringEncodingUTF8

    def text(ref: int | None) -> str:
        buffer = ctypes.create_string_buffer(512)
        ok = ref and cf.CFStringGetCString(ref, buffer, len(buffer), utf8)
        return buffer.value.decode("utf-8") if ok else ""

    listed, defaults = [], []
    for scheme in SCHEMES:
        name = cf.CFStringCreateWithCString(None, scheme.encode(), utf8)
        try:
            handlers = services.LSCopyAllHandlersForURLScheme(name)
            ids = []
            if handlers:
                ids = [
                    text(cf.CFArrayGetValueAtIndex(handlers, i))
                    for i in range(cf.CFArrayGetCount(handlers))
                ]
                cf.CFRelease(handlers)
            default = services.LSCopyDefaultHandlerForURLScheme(name)
            defaults.append(f"{scheme}: {text(default) or 'none'}")
            if default:
                cf.CFRelease(default)
        finally:
            cf.CFRelease(name)
        if bundle_id.casefold() in (i.casefold() for i in ids):
            listed.append(scheme)
    if listed == list(SCHEMES):
        where = "LaunchServices lists HubDesk for " + ", ".join(listed)
    else:
        where = (
            "LaunchServices does not list this copy yet (it does once HubDesk.app is "
            "opened from Finder or /Applications)"
        )
    return f"{where}; defaults {', '.join(defaults)}"


def _xdg_url_schemes() -> str:
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime is None:
        raise StepSkipped("xdg-mime is not installed: no way to ask who opens tel:/sms: links")
    handlers = {}
    for scheme in SCHEMES:
        done = subprocess.run(
            [xdg_mime, "query", "default", f"x-scheme-handler/{scheme}"],
            capture_output=True,
            text=True,
            timeout=10,
            env=dict(os.environ),
        )
        handlers[scheme] = done.stdout.strip()
    if all(handler == "hubdesk.desktop" for handler in handlers.values()):
        return "xdg-mime: hubdesk.desktop opens tel: and sms:"
    shown = ", ".join(f"{s}: {h or 'nothing'}" for s, h in handlers.items())
    raise StepSkipped(
        f"tel:/sms: do not open HubDesk here ({shown}); packaging/linux/install-user.sh "
        "makes HubDesk their handler"
    )
