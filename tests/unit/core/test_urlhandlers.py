"""core.urlhandlers: tel:/sms: registration on Windows, written, read back and removed.

The tests taking ``registry`` run on the in-memory hive and, on Windows, on the real
HKCU under a scratch key (conftest).
"""

from __future__ import annotations

import io
from typing import Literal

import pytest

from hubdesk.core.registry import Hive, Registry
from hubdesk.core.urlhandlers import (
    CAPABILITIES_KEY,
    handler_command,
    inspect,
    register,
    run_command,
    unregister,
)
from tests.fakes.registry import MemoryRegistry

EXE = r"C:\Users\Ann Lee\AppData\Local\Programs\HubDesk\hubdesk.exe"
OLD_EXE = r"D:\Old Apps\HubDesk\hubdesk.exe"
TEAMS = r'"C:\Program Files\Teams\ms-teams.exe" "%1"'
CLASSES = r"Software\Classes"


def test_register_writes_the_whole_layout() -> None:
    registry = MemoryRegistry()
    register(registry, EXE)
    command, icon = f'"{EXE}" "%1"', f'"{EXE}",0'
    expected: dict[str, dict[str, str | bytes]] = {}
    for scheme, what in (("tel", "Telephone call"), ("sms", "SMS message")):
        for key, name in ((f"HubDesk.{scheme}", f"{what} (HubDesk)"), (scheme, what)):
            expected[rf"{CLASSES}\{key}"] = {"": f"URL:{name}", "URL Protocol": ""}
            expected[rf"{CLASSES}\{key}\DefaultIcon"] = {"": icon}
            expected[rf"{CLASSES}\{key}\shell\open\command"] = {"": command}
    expected[CAPABILITIES_KEY] = {
        "ApplicationName": "HubDesk",
        "ApplicationDescription": "Send SMS and place calls through HubWork",
        "ApplicationIcon": icon,
    }
    expected[CAPABILITIES_KEY + r"\URLAssociations"] = {"tel": "HubDesk.tel", "sms": "HubDesk.sms"}
    expected[r"Software\RegisteredApplications"] = {"HubDesk": CAPABILITIES_KEY}
    assert registry.dump() == expected


def test_registration_reads_back_complete_and_twice_is_once(registry: Registry) -> None:
    assert inspect(registry, EXE).absent
    register(registry, EXE)
    register(registry, EXE)
    found = inspect(registry, EXE)
    assert found.complete and not found.absent and found.problems() == []
    assert all(s.registered and s.handles_scheme for s in found.schemes)
    assert found.summary() == (
        "HKCU: tel -> HubDesk.tel (default: none); sms -> HubDesk.sms (default: none)"
    )


def test_unregister_leaves_nothing_of_hubdesk(registry: Registry) -> None:
    register(registry, EXE)
    unregister(registry, EXE)
    assert registry.subkeys(CLASSES) == []
    assert registry.subkeys("Software") == ["Classes", "RegisteredApplications"]
    assert registry.get(r"Software\RegisteredApplications", "HubDesk") is None
    assert inspect(registry, EXE).absent
    unregister(registry, EXE)  # twice: nothing left to do, no error


def test_another_programs_scheme_is_left_to_it(registry: Registry) -> None:
    registry.set(rf"{CLASSES}\tel", "", "URL:tel")
    registry.set(rf"{CLASSES}\tel", "URL Protocol", "")
    registry.set(rf"{CLASSES}\tel\shell\open\command", "", TEAMS)
    register(registry, EXE)
    assert registry.get(rf"{CLASSES}\tel\shell\open\command") == TEAMS
    found = inspect(registry, EXE)
    tel, sms = found.schemes
    assert tel.registered and not tel.handles_scheme  # offered, for the user to choose
    assert sms.registered and sms.handles_scheme
    assert found.complete and "tel key: another program" in found.summary()
    unregister(registry, EXE)
    assert registry.get(rf"{CLASSES}\tel\shell\open\command") == TEAMS
    assert registry.get(rf"{CLASSES}\tel", "URL Protocol") == ""  # Teams still needs it
    assert registry.get(rf"{CLASSES}\tel") == "URL:tel"
    assert registry.subkeys(CLASSES) == ["tel"]


def test_an_older_hubdesk_copy_is_replaced(registry: Registry) -> None:
    register(registry, OLD_EXE)
    found = inspect(registry, EXE)
    assert not found.complete and not found.absent
    assert f"HubDesk.tel opens {handler_command(OLD_EXE)}, not this copy" in found.problems()
    register(registry, EXE)
    assert inspect(registry, EXE).complete
    assert registry.get(rf"{CLASSES}\sms\shell\open\command") == handler_command(EXE)


def test_a_value_changed_by_hand_is_not_ours_to_remove() -> None:
    registry = MemoryRegistry()
    register(registry, EXE)
    registry.set(rf"{CLASSES}\sms\shell\open\command", "", r'"C:\Tools\sms.exe" "%1"')
    unregister(registry, EXE)
    assert registry.get(rf"{CLASSES}\sms\shell\open\command") == r'"C:\Tools\sms.exe" "%1"'
    assert registry.get(rf"{CLASSES}\sms", "URL Protocol") == ""
    assert registry.get(rf"{CLASSES}\HubDesk.sms\shell\open\command") is None


def test_the_users_default_choice_is_reported() -> None:
    registry = MemoryRegistry()
    register(registry, EXE)
    associations = r"Software\Microsoft\Windows\Shell\Associations\UrlAssociations"
    registry.set(associations + r"\tel\UserChoice", "ProgId", "HubDesk.tel")
    registry.set(associations + r"\sms\UserChoice", "ProgId", "AppXabc123")
    tel, sms = inspect(registry, EXE).schemes
    assert tel.is_default and not sms.is_default
    summary = inspect(registry, EXE).summary()
    assert "tel -> HubDesk.tel (the default)" in summary
    assert "sms -> HubDesk.sms (default: AppXabc123)" in summary


def test_an_all_users_registration_reads_the_choice_from_the_user() -> None:
    machine, user = MemoryRegistry("HKLM"), MemoryRegistry("HKCU")
    register(machine, EXE)
    user.set(
        r"Software\Microsoft\Windows\Shell\Associations\UrlAssociations\tel\UserChoice",
        "ProgId",
        "HubDesk.tel",
    )
    found = inspect(machine, EXE, user=user)
    assert found.complete and found.hive == "HKLM" and found.schemes[0].is_default


def test_the_installer_command_registers_in_the_hive_asked_for() -> None:
    hives: dict[Hive, MemoryRegistry] = {"HKCU": MemoryRegistry(), "HKLM": MemoryRegistry("HKLM")}
    assert run_command("register", EXE, open_hive=hives.__getitem__) == 0
    assert inspect(hives["HKCU"], EXE).complete and inspect(hives["HKLM"], EXE).absent
    assert run_command("register", EXE, all_users=True, open_hive=hives.__getitem__) == 0
    assert inspect(hives["HKLM"], EXE).complete
    assert run_command("unregister", EXE, open_hive=hives.__getitem__) == 0
    assert inspect(hives["HKCU"], EXE).absent and inspect(hives["HKLM"], EXE).complete


def test_the_installer_command_says_why_it_failed() -> None:
    err = io.StringIO()
    refused = MemoryRegistry("HKLM", read_only=True)
    code = run_command("register", EXE, all_users=True, open_hive=lambda _h: refused, err=err)
    assert code == 1
    assert err.getvalue() == (
        "hubdesk: tel:/sms: links could not be registered for every user (HKLM): Access is denied\n"
    )


@pytest.mark.parametrize("action", ["register", "unregister"])
def test_without_a_registry_the_command_fails_with_a_sentence(
    action: Literal["register", "unregister"],
) -> None:
    err = io.StringIO()

    def no_registry(hive: Hive) -> Registry:
        raise OSError("The Windows registry exists only on Windows.")

    assert run_command(action, EXE, open_hive=no_registry, err=err) == 1
    assert "exists only on Windows" in err.getvalue() and "Traceback" not in err.getvalue()
