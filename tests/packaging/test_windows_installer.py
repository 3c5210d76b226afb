"""packaging/windows/hubdesk.iss, read as text (Inno Setup cannot run here; the Windows CI
job compiles and runs it): silent deployment with /BASEURL= /CLIENTID= /CLIENTSECRET=
writes %ProgramData%\\HubDesk\\managed.toml with the keys HubDesk reads, readable by
Administrators and Users and writable by administrators only."""

from __future__ import annotations

import re
from pathlib import Path

from hubdesk.core.managed import MANAGED_FILE, parse_managed

ISS = Path(__file__).resolve().parents[2] / "packaging" / "windows" / "hubdesk.iss"
SYSTEM, ADMINISTRATORS, USERS, EVERYONE = "S-1-5-18", "S-1-5-32-544", "S-1-5-32-545", "S-1-1-0"
AUTHENTICATED_USERS = "S-1-5-11"


def _script() -> str:
    return ISS.read_text(encoding="utf-8")


def _section(name: str) -> str:
    text = _script()
    start = text.index(f"[{name}]")
    following = re.search(r"^\[\w+\]\s*$", text[start + len(name) + 2 :], re.MULTILINE)
    end = start + len(name) + 2 + following.start() if following else len(text)
    return text[start:end]


def _code() -> str:
    """The [Code] section without its comments."""
    return re.sub(r"//[^\n]*", "", _section("Code"))


def _setup_value(key: str) -> str:
    found = re.search(rf"^{key}=(.*)$", _section("Setup"), re.MULTILINE)
    assert found is not None, key
    return found.group(1).strip()


def test_the_three_parameters_are_read_from_the_command_line() -> None:
    code = _code()
    assert "ExpandConstant('{param:' + Name + '|}')" in code
    for name in ("BASEURL", "CLIENTID", "CLIENTSECRET"):
        assert f"ManagedParam('{name}')" in code


def test_it_writes_the_machine_wide_managed_file_after_installing() -> None:
    code = _code()
    assert "ExpandConstant('{commonappdata}\\HubDesk')" in code
    assert f"Folder + '\\{MANAGED_FILE}'" in code
    assert "SaveStringsToUTF8File(FileName, Lines, False)" in code
    assert re.search(r"CurStep = ssPostInstall\) and WantsManagedConfig\(\)", code)


def test_the_keys_it_writes_are_what_hubdesk_reads() -> None:
    """Each ``key = `` the installer writes, with a value as TomlString quotes it, is a
    file core.managed accepts (and the client pair is written together)."""
    code = _code()
    keys = re.findall(r"'(\w+) = ' \+ TomlString\(ManagedParam\('(\w+)'\)\)", code)
    assert keys == [
        ("base_url", "BASEURL"),
        ("client_id", "CLIENTID"),
        ("client_secret", "CLIENTSECRET"),
    ]
    toml = "\n".join(
        [
            "# Written by the HubDesk installer",
            'base_url = "https://smsapi.thehubwork.com/api"',
            'client_id = "acme"',
            'client_secret = "s\\\\e\\"cret"',
        ]
    )
    config = parse_managed(toml, Path("managed.toml"))
    assert config.has_client and config.client_secret == 's\\e"cret'
    # TomlString escapes exactly the two characters a TOML basic string must escape.
    assert "if C = '\\' then\n      Result := Result + '\\\\'" in code
    assert "else if C = '\"' then\n      Result := Result + '\\\"'" in code


def test_only_administrators_may_change_it_and_users_may_read_it() -> None:
    code = _code()
    grants = re.search(r"/inheritance:r /grant:r ' \+(.*?)'RX'", code, re.DOTALL)
    assert grants is not None, "the inherited ACL (Users may create files) is replaced"
    consts = dict(re.findall(r"(\w+) = '\*([S0-9-]+)';", code))
    assert consts == {"SidSystem": SYSTEM, "SidAdministrators": ADMINISTRATORS, "SidUsers": USERS}
    granted = re.findall(r"(Sid\w+) \+ ':' \+ Inherit \+ '(\w+)", grants.group(0) + "'")
    assert dict(granted) == {"SidSystem": "F", "SidAdministrators": "F", "SidUsers": "RX"}
    for sid in (EVERYONE, AUTHENTICATED_USERS):
        assert sid not in _script()
    assert "RestrictToAdministrators(Folder, '(OI)(CI)')" in code
    assert "RestrictToAdministrators(FileName, '')" in code
    assert not re.search(r"Permissions:.*(everyone|users)-(modify|full)", _script(), re.I)


def test_it_refuses_a_half_pair_and_a_per_user_install() -> None:
    code = _code()
    assert "(ManagedParam('CLIENTID') = '') <> (ManagedParam('CLIENTSECRET') = '')" in code
    assert "not IsAdminInstallMode()" in code
    assert "commandline" in _setup_value("PrivilegesRequiredOverridesAllowed").split()
