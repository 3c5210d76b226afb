"""hubdesk.selftest_desktop: the self-test's keyring, tray, notification and link checks.

The OS-specific parts run here on fakes with behaviour (an in-memory keyring and
registry, the real Info.plist keys in a temporary file, a temporary xdg-mime database)
and for real on their own OS (the Keychain/Credential Locker round trip, LaunchServices,
the tray) through ``tests/unit/test_selftest.py`` and the bundle jobs of CI.
"""

from __future__ import annotations

import plistlib
import runpy
import subprocess
from pathlib import Path

import pytest
from keyring.errors import PasswordSetError
from PySide6.QtWidgets import QApplication

from hubdesk.core.urlhandlers import register
from hubdesk.selftest_desktop import (
    SelfTestFailed,
    StepSkipped,
    check_notification,
    check_url_schemes,
    keyring_round_trip,
    macos_url_schemes,
    windows_url_schemes,
)
from hubdesk.ui.tray import TrayIcon
from tests.fakes.keyring_backend import MemoryKeyring
from tests.fakes.registry import MemoryRegistry
from tests.missing import require_tool
from tests.platforms import linux_only, macos_only

ROOT = Path(__file__).resolve().parents[2]
EXE = r"C:\Users\Ann\AppData\Local\Programs\HubDesk\hubdesk.exe"


# -- keyring ---------------------------------------------------------------------------


def test_keyring_round_trip_leaves_nothing_behind() -> None:
    backend = MemoryKeyring()
    keyring_round_trip(backend)
    assert backend.writes == 1 and backend.entries == {}


class _Forgetful(MemoryKeyring):
    """Accepts writes and keeps nothing (a keyring whose storage is broken)."""

    def get_password(self, service: str, username: str) -> str | None:
        return None


class _Undeletable(MemoryKeyring):
    """Deleting does nothing (an item the user's keychain keeps)."""

    def delete_password(self, service: str, username: str) -> None:
        return None


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (MemoryKeyring(fail_after_writes=0), "the keyring refused a new item"),
        (_Forgetful(), "gave back another value"),
        (_Undeletable(), "still in the keyring after it was deleted"),
    ],
    ids=["refused", "forgetful", "undeletable"],
)
def test_keyring_round_trip_names_what_went_wrong(backend: MemoryKeyring, reason: str) -> None:
    with pytest.raises(SelfTestFailed, match=reason):
        keyring_round_trip(backend)


def test_a_refused_write_is_reported_with_the_keyrings_words() -> None:
    class Locked(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("User interaction is not allowed.")

    with pytest.raises(SelfTestFailed, match="PasswordSetError: User interaction"):
        keyring_round_trip(Locked())


# -- notification ----------------------------------------------------------------------


def test_a_tray_notification_is_shown_and_its_click_opens_the_conversation(
    qapp: QApplication,
) -> None:
    tray = TrayIcon()
    tray.show()  # offscreen: the icon exists; no bus, as on Windows and macOS
    try:
        detail = check_notification(tray, use_bus=False)
    finally:
        tray.dispose()
    assert "showMessage called" in detail and "opens its conversation" in detail


def test_without_a_tray_or_a_server_the_notification_is_skipped(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    with pytest.raises(StepSkipped, match="no notification server and no tray icon"):
        check_notification(None)


# -- url-schemes: Windows ----------------------------------------------------------------


def test_windows_registration_of_this_copy_passes() -> None:
    user, machine = MemoryRegistry("HKCU"), MemoryRegistry("HKLM")
    register(user, EXE)
    assert windows_url_schemes(EXE, user, machine).startswith("HKCU: tel -> HubDesk.tel")
    user, machine = MemoryRegistry("HKCU"), MemoryRegistry("HKLM")
    register(machine, EXE)  # an installation for every user
    assert windows_url_schemes(EXE, user, machine).startswith("HKLM: tel -> HubDesk.tel")


def test_windows_without_registration_is_skipped_with_the_way_to_register() -> None:
    with pytest.raises(StepSkipped, match="--register-url-handlers"):
        windows_url_schemes(EXE, MemoryRegistry("HKCU"), MemoryRegistry("HKLM"))


def test_windows_registration_of_another_copy_is_skipped() -> None:
    user = MemoryRegistry("HKCU")
    register(user, r"D:\Portable\HubDesk\hubdesk.exe")
    with pytest.raises(StepSkipped, match=r"another copy of HubDesk \(.*Portable"):
        windows_url_schemes(EXE, user, MemoryRegistry("HKLM"))


def test_windows_half_registration_fails_and_says_what_is_missing() -> None:
    user = MemoryRegistry("HKCU")
    register(user, EXE)
    user.delete_key(r"Software\Classes\HubDesk.sms")
    with pytest.raises(SelfTestFailed, match="HKCU: HubDesk.sms is missing"):
        windows_url_schemes(EXE, user, MemoryRegistry("HKLM"))


# -- url-schemes: macOS ------------------------------------------------------------------


def _info_plist(tmp_path: Path, drop: str | None = None) -> Path:
    keys = runpy.run_path(str(ROOT / "packaging/macos/info_plist.py"))["info_plist"]("1.0.0")
    keys["CFBundleURLTypes"] = [
        t for t in keys["CFBundleURLTypes"] if drop not in t["CFBundleURLSchemes"]
    ]
    path = tmp_path / "Info.plist"
    path.write_bytes(plistlib.dumps(keys))
    return path


def test_macos_info_plist_declares_both_schemes(tmp_path: Path) -> None:
    asked: list[str] = []

    def launch_services(bundle_id: str) -> str:
        asked.append(bundle_id)
        return "LaunchServices lists HubDesk for tel, sms"

    detail = macos_url_schemes(_info_plist(tmp_path), launch_services)
    assert detail == "Info.plist declares tel, sms; LaunchServices lists HubDesk for tel, sms"
    assert asked == ["com.hubwork.HubDesk"]


def test_macos_missing_scheme_fails_and_launch_services_errors_are_reported(
    tmp_path: Path,
) -> None:
    def unreachable(bundle_id: str) -> str:
        raise OSError("no CoreServices framework")

    detail = macos_url_schemes(_info_plist(tmp_path), unreachable)
    assert detail.endswith("LaunchServices not asked (no CoreServices framework)")
    with pytest.raises(SelfTestFailed, match="does not declare sms"):
        macos_url_schemes(_info_plist(tmp_path, drop="sms"), unreachable)


@macos_only("LaunchServices")
def test_launch_services_answers_through_ctypes() -> None:
    from hubdesk.selftest_desktop import _launch_services

    answer = _launch_services("com.hubwork.HubDesk")
    assert "defaults tel:" in answer and "sms:" in answer


# -- url-schemes: Linux ------------------------------------------------------------------


@linux_only("xdg-mime and x-scheme-handler defaults")
def test_linux_handler_is_read_from_xdg_mime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xdg_mime = require_tool("xdg-mime", "Debian: xdg-utils")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)  # plain mimeapps.list
    with pytest.raises(StepSkipped, match="install-user.sh makes HubDesk their handler"):
        check_url_schemes()
    for scheme in ("tel", "sms"):
        subprocess.run(
            [xdg_mime, "default", "hubdesk.desktop", f"x-scheme-handler/{scheme}"], check=True
        )
    with pytest.raises(StepSkipped):  # chosen, but no hubdesk.desktop installed: no handler
        check_url_schemes()
    applications = tmp_path / "xdg_data_home" / "applications"
    applications.mkdir(parents=True)
    (applications / "hubdesk.desktop").write_bytes(
        (ROOT / "packaging/linux/hubdesk.desktop").read_bytes()
    )
    assert check_url_schemes() == "xdg-mime: hubdesk.desktop opens tel: and sms:"
