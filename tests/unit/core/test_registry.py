"""core.registry: the Registry contract, held by the in-memory fake and (on Windows) winreg.

Every test taking ``registry`` runs against ``tests/fakes/registry.MemoryRegistry`` and,
on Windows, against the real HKCU under a scratch key: what the fake does here is what
Windows does there.
"""

from __future__ import annotations

import pytest

from hubdesk.core.registry import Registry, RegistryUnavailable, command_line, open_registry
from tests.fakes.registry import MemoryRegistry
from tests.platforms import posix_only

KEY = r"Software\HubDesk Test\Nested"


def test_a_value_reads_back_and_names_ignore_case(registry: Registry) -> None:
    registry.set(KEY, "Command", r'"C:\Program Files\HubDesk\hubdesk.exe" "%1"')
    registry.set(KEY, "", "URL:Telephone call")
    assert registry.get(KEY.upper(), "command") == r'"C:\Program Files\HubDesk\hubdesk.exe" "%1"'
    assert registry.get(KEY.lower()) == "URL:Telephone call"  # "" is the default value
    registry.set(KEY, "COMMAND", "replaced")  # the same value, whatever the case
    assert registry.get(KEY, "Command") == "replaced"


def test_missing_keys_and_values_read_as_none(registry: Registry) -> None:
    assert registry.get(KEY, "nothing") is None
    assert registry.get_bytes(KEY, "nothing") is None
    registry.set(KEY, "present", "1")
    assert registry.get(KEY, "absent") is None
    assert registry.get(KEY) is None  # a key's default value is unset until written


def test_writing_creates_the_parents_and_lists_them(registry: Registry) -> None:
    registry.set(KEY + r"\shell\open\command", "", "x")
    assert registry.subkeys(r"Software\HubDesk Test") == ["Nested"]
    assert registry.subkeys(KEY) == ["shell"]
    assert registry.is_empty(KEY + r"\shell\open") is False  # it has a subkey
    assert registry.subkeys(KEY + r"\absent") == []


def test_is_empty_means_present_with_nothing_inside(registry: Registry) -> None:
    assert registry.is_empty(KEY) is False  # missing is not "empty"
    registry.set(KEY, "v", "1")
    assert registry.is_empty(KEY) is False
    registry.delete_value(KEY, "v")
    assert registry.is_empty(KEY) is True


def test_deleting_what_is_missing_is_not_an_error(registry: Registry) -> None:
    registry.delete_value(KEY, "nothing")
    registry.delete_key(KEY + r"\nothing")
    registry.set(KEY, "v", "1")
    registry.delete_value(KEY, "other")
    assert registry.get(KEY, "v") == "1"


def test_delete_key_takes_the_whole_tree(registry: Registry) -> None:
    registry.set(KEY + r"\DefaultIcon", "", "icon")
    registry.set(KEY + r"\shell\open\command", "", "command")
    registry.set(KEY, "keep?", "no")
    registry.delete_key(KEY)
    assert registry.get(KEY + r"\shell\open\command") is None
    assert registry.get(KEY, "keep?") is None
    assert registry.subkeys(r"Software\HubDesk Test") == []


def test_a_binary_value_is_not_a_string() -> None:
    registry = MemoryRegistry()
    registry.set_bytes(KEY, "Mark", b"\x03\x00")
    registry.set(KEY, "Text", "03")
    assert registry.get(KEY, "Mark") is None and registry.get_bytes(KEY, "Mark") == b"\x03\x00"
    assert registry.get_bytes(KEY, "Text") is None


def test_a_read_only_hive_refuses_writes_as_windows_does() -> None:
    registry = MemoryRegistry("HKLM", read_only=True)
    with pytest.raises(PermissionError):
        registry.set(KEY, "v", "1")
    assert registry.get(KEY, "v") is None


def test_command_lines_quote_the_program_always_and_arguments_when_needed() -> None:
    exe = r"C:\Program Files\HubDesk\hubdesk.exe"
    assert command_line(exe, "--minimized") == rf'"{exe}" --minimized'
    assert command_line(r"C:\HubDesk\hubdesk.exe") == r'"C:\HubDesk\hubdesk.exe"'
    python = r"C:\py\python.exe"
    assert command_line(python, "-m", "hub desk") == rf'"{python}" -m "hub desk"'


@posix_only("the check that there is no Windows registry")
def test_there_is_no_registry_elsewhere_than_on_windows() -> None:
    with pytest.raises(RegistryUnavailable, match="only on Windows"):
        open_registry()
