"""Packaging files: validators, one version everywhere, tel/sms handlers, install-user.sh."""

from __future__ import annotations

import configparser
import os
import plistlib
import runpy
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hubdesk
from tests.missing import require_tool
from tests.platforms import linux_only

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
WINDOWS = ROOT / "packaging" / "windows"
MACOS = ROOT / "packaging" / "macos"
DESKTOP = LINUX / "hubdesk.desktop"
AUTOSTART = LINUX / "hubdesk-autostart.desktop"
METAINFO = LINUX / "com.hubwork.HubDesk.metainfo.xml"
INSTALL = LINUX / "install-user.sh"
SCHEMES = ("x-scheme-handler/tel", "x-scheme-handler/sms")
# The tests that run Linux tools (the validators, the installer script) are Linux only;
# the checks of the packaging files' contents run on every OS.
linux_validator = linux_only("desktop-file-utils, appstream and shellcheck")
linux_installer = linux_only("install-user.sh, the Linux installer (XDG folders, xdg-mime)")


def _tool(name: str) -> str:
    return require_tool(name, "Debian: desktop-file-utils, appstream, shellcheck")


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, **kwargs)


# --- validators --------------------------------------------------------------------------


@linux_validator
@pytest.mark.parametrize("path", [DESKTOP, AUTOSTART], ids=lambda p: p.name)
def test_desktop_files_pass_desktop_file_validate(path: Path) -> None:
    result = _run([_tool("desktop-file-validate"), str(path)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


@linux_validator
def test_metainfo_passes_appstreamcli_validate() -> None:
    result = _run([_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)])
    assert result.returncode == 0, result.stdout + result.stderr


@linux_validator
def test_install_script_is_shellcheck_clean() -> None:
    result = _run([_tool("shellcheck"), str(INSTALL)])
    assert result.returncode == 0, result.stdout


# --- contents ----------------------------------------------------------------------------


def test_metainfo_release_is_the_package_version() -> None:
    root = ET.parse(METAINFO).getroot()
    releases = root.findall("./releases/release")
    assert releases, "metainfo has no <release>"
    assert releases[0].get("version") == hubdesk.__version__  # newest first
    assert root.findtext("id") == "com.hubwork.HubDesk"
    assert root.findtext("./provides/binary") == "hubdesk"
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("metadata_license") == "CC0-1.0"


def test_desktop_file_handles_tel_and_sms_links() -> None:
    entry = _desktop_entry(DESKTOP)
    assert set(entry["MimeType"].rstrip(";").split(";")) == set(SCHEMES)
    assert entry["Exec"] == "hubdesk %u"
    assert entry["Icon"] == "hubdesk"
    assert entry["Terminal"] == "false"
    assert "new-message" in entry["Actions"].split(";")


def test_autostart_entry_starts_minimised() -> None:
    entry = _desktop_entry(AUTOSTART)
    assert entry["Exec"] == "hubdesk --minimized"
    assert entry["X-GNOME-Autostart-enabled"] == "true"


def test_inno_script_registers_links_through_the_app_and_takes_the_version_define() -> None:
    iss = (WINDOWS / "hubdesk.iss").read_text(encoding="utf-8")
    entries = [line for line in iss.splitlines() if line and not line.startswith(";")]
    # tel:/sms: have one code path, hubdesk.core.urlhandlers, which the installer runs:
    # no registry entry of the script touches them.
    assert not [line for line in entries if "Software\\Classes" in line]
    run = iss[iss.index("\n[Run]\n") : iss.index("\n[UninstallRun]\n")]
    uninstall = iss[iss.index("\n[UninstallRun]\n") :]
    for section, flag in (
        (run, "--register-url-handlers"),
        (uninstall, "--unregister-url-handlers"),
    ):
        for params, check in (
            (flag, "not IsAdminInstallMode"),
            (f"{flag} --all-users", "IsAdminInstallMode"),
        ):
            (line,) = [x for x in section.splitlines() if f'Parameters: "{params}"' in x]
            assert line.startswith('Filename: "{app}\\{#AppExe}"')
            assert "runhidden waituntilterminated" in line and line.endswith(f"Check: {check}")
    assert "ChangesAssociations=yes" in iss
    assert '""{app}\\{#AppExe}"" --minimized' in iss
    assert "#ifndef AppVersion" in iss
    assert "AppVersion={#AppVersion}" in iss
    assert "/DAppVersion=" in iss


def test_macos_plist_declares_tel_and_sms_with_the_package_version() -> None:
    info_plist: Callable[[str], dict[str, Any]] = runpy.run_path(str(MACOS / "info_plist.py"))[
        "info_plist"
    ]
    keys = info_plist(hubdesk.__version__)
    schemes = {s for t in keys["CFBundleURLTypes"] for s in t["CFBundleURLSchemes"]}
    assert schemes == {"tel", "sms"}
    assert keys["CFBundleIdentifier"] == "com.hubwork.HubDesk"
    assert keys["CFBundleShortVersionString"] == hubdesk.__version__
    assert keys["NSHighResolutionCapable"] is True
    # The version lives only in hubdesk.__version__, never in the checked-in plist.
    with (MACOS / "Info.plist").open("rb") as handle:
        assert "CFBundleShortVersionString" not in plistlib.load(handle)
    with (MACOS / "entitlements.plist").open("rb") as handle:
        assert plistlib.load(handle) == {"com.apple.security.network.client": True}


def test_windows_version_resource_comes_from_the_package_version() -> None:
    make = runpy.run_path(str(WINDOWS / "make_version_info.py"))
    assert make["read_version"]() == hubdesk.__version__
    assert make["version_tuple"]("1.2.3rc1") == (1, 2, 3, 0)
    text = make["version_info_text"](hubdesk.__version__)

    # Evaluate it the way PyInstaller does, with recording stand-ins for its classes.
    def record(kind: str) -> Callable[..., tuple[str, tuple[Any, ...], dict[str, Any]]]:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct")
    namespace = {name: record(name) for name in (*names, "VarFileInfo", "VarStruct")}
    info = eval(text, {"__builtins__": {}}, namespace)  # our own generated text
    ffi = info[2]["ffi"][2]
    assert ffi["filevers"] == make["version_tuple"](hubdesk.__version__)
    strings = dict(s[1] for s in info[2]["kids"][0][1][0][0][1][1])
    assert strings["ProductVersion"] == hubdesk.__version__
    assert strings["OriginalFilename"] == "hubdesk.exe"


@pytest.mark.skipif(
    sys.platform != "win32", reason="PyInstaller reads version resources with pywin32 (Windows)"
)
def test_windows_version_resource_loads_in_pyinstaller(tmp_path: Path) -> None:
    from PyInstaller.utils.win32.versioninfo import (  # type: ignore[import-untyped]
        load_version_info_from_text_file,
    )

    make = runpy.run_path(str(WINDOWS / "make_version_info.py"))
    path = make["write_version_info"](tmp_path / "version_info.txt")
    assert load_version_info_from_text_file(str(path)).toRaw()


def test_exported_app_icons_exist_at_every_size(qapp: object) -> None:
    # qapp: the suite's one QApplication. A QGuiApplication made here would outlive the
    # test and make every later widget abort the run (desktop tests skipped: they are
    # what makes it first otherwise).
    from PySide6.QtGui import QImage, QImageReader

    for size in (16, 32, 48, 64, 128, 256):
        png = LINUX / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "hubdesk.png"
        image = QImage(str(png))
        assert (image.width(), image.height()) == (size, size), png
    scalable = LINUX / "icons" / "hicolor" / "scalable" / "apps" / "hubdesk.svg"
    assert scalable.read_bytes() == (ROOT / "resources" / "icons" / "hubdesk.svg").read_bytes()
    for path, sizes in (
        (WINDOWS / "hubdesk.ico", {16, 24, 32, 48, 64, 128, 256}),
        (MACOS / "hubdesk.icns", {16, 32, 64, 128, 256, 512, 1024}),
    ):
        reader = QImageReader(str(path))
        found = set()
        for index in range(reader.imageCount()):
            reader.jumpToImage(index)
            found.add(reader.read().width())
        assert found == sizes, path


# --- install-user.sh ---------------------------------------------------------------------


def _fake_bundle(tmp_path: Path) -> Path:
    dist = tmp_path / "dist" / "HubDesk"
    (dist / "_internal").mkdir(parents=True)
    (dist / "_internal" / "base_library.zip").write_bytes(b"PK")
    exe = dist / "hubdesk"
    exe.write_text('#!/bin/sh\necho "fake hubdesk $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    return dist


def _env(home: Path, path: str | None = None) -> dict[str, str]:
    env = {
        "HOME": str(home),
        "PATH": path if path is not None else os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "LANG": "C.UTF-8",
    }
    return env  # no XDG_CURRENT_DESKTOP: xdg-mime works on mimeapps.list directly


def _install(home: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    return _run([str(INSTALL), *args], env=_env(home, path), cwd=home)


@linux_installer
def test_install_then_uninstall_for_the_user(tmp_path: Path) -> None:
    dist = _fake_bundle(tmp_path)
    home = tmp_path / "home with space"
    home.mkdir()

    result = _install(home, "--dist", str(dist), "--autostart")
    assert result.returncode == 0, result.stderr

    opt = home / ".local" / "opt" / "hubdesk"
    link = home / ".local" / "bin" / "hubdesk"
    share = home / ".local" / "share"
    assert (opt / "_internal" / "base_library.zip").read_bytes() == b"PK"
    assert link.is_symlink() and os.readlink(link) == str(opt / "hubdesk")
    assert _run([str(link), "tel:07400123456"]).stdout == "fake hubdesk tel:07400123456\n"

    desktop = share / "applications" / "hubdesk.desktop"
    entry = _desktop_entry(desktop)
    assert entry["Exec"] == f'"{link}" %u'  # HOME has a space: quoted per the spec
    assert entry["TryExec"] == str(link)
    autostart = home / ".config" / "autostart" / "hubdesk.desktop"
    assert _desktop_entry(autostart)["Exec"] == f'"{link}" --minimized'
    if shutil.which("desktop-file-validate"):
        for path in (desktop, autostart):
            check = _run(["desktop-file-validate", str(path)])
            assert check.returncode == 0, check.stdout

    for size in ("16x16", "256x256"):
        assert (share / "icons" / "hicolor" / size / "apps" / "hubdesk.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "hubdesk.svg").is_file()
    assert (share / "metainfo" / METAINFO.name).is_file()

    mimeapps = home / ".config" / "mimeapps.list"
    if shutil.which("xdg-mime"):
        # (`xdg-mime query` itself breaks on paths with spaces; see the next test.)
        lines = mimeapps.read_text(encoding="utf-8").splitlines()
        for scheme in SCHEMES:
            assert f"{scheme}=hubdesk.desktop" in lines

    # Installing again (an update) replaces the bundle in place.
    (dist / "NEW").write_text("2", encoding="utf-8")
    assert _install(home, "--dist", str(dist)).returncode == 0
    assert (opt / "NEW").is_file()
    assert not (home / ".local" / "opt" / "hubdesk.new").exists()

    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    with mimeapps.open("a", encoding="utf-8") as handle:
        handle.write("x-scheme-handler/mailto=other.desktop\n")
    result = _install(home, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert not opt.exists()
    assert not link.exists() and not link.is_symlink()
    assert not desktop.exists()
    assert not autostart.exists()
    assert not list((share / "icons").rglob("hubdesk.*"))
    assert not (share / "metainfo" / METAINFO.name).exists()
    remaining = mimeapps.read_text(encoding="utf-8")
    assert "hubdesk.desktop" not in remaining
    assert "x-scheme-handler/mailto=other.desktop" in remaining  # others' entries are kept


@linux_installer
def test_xdg_mime_then_names_hubdesk_as_the_handler(tmp_path: Path) -> None:
    xdg_mime = _tool("xdg-mime")
    dist = _fake_bundle(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    assert _install(home, "--dist", str(dist)).returncode == 0
    for scheme in SCHEMES:
        query = _run([xdg_mime, "query", "default", scheme], env=_env(home))
        assert query.stdout.strip() == "hubdesk.desktop", query.stderr
    assert _install(home, "--uninstall").returncode == 0
    for scheme in SCHEMES:
        query = _run([xdg_mime, "query", "default", scheme], env=_env(home))
        assert query.stdout.strip() != "hubdesk.desktop"


@linux_installer
def test_install_works_without_the_optional_desktop_tools(tmp_path: Path) -> None:
    # A PATH with only what the script needs: no xdg-mime, no update-desktop-database.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    needed = ("bash", "sh", "env", "dirname", "sed", "mkdir", "rm", "cp", "mv", "ln", "chmod",
              "readlink", "echo")
    for tool in needed:
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    home = tmp_path / "home"
    home.mkdir()
    dist = _fake_bundle(tmp_path)

    result = _install(home, "--dist", str(dist), path=str(bin_dir))
    assert result.returncode == 0, result.stderr
    assert "xdg-mime not found" in result.stdout
    assert "update-desktop-database not found" in result.stdout
    assert "is not on PATH" in result.stdout
    assert _desktop_entry(home / ".local/share/applications/hubdesk.desktop")["Exec"] == (
        f"{home}/.local/bin/hubdesk %u"
    )
    assert not (home / ".config" / "mimeapps.list").exists()
    assert _install(home, "--uninstall", path=str(bin_dir)).returncode == 0
    assert not (home / ".local" / "opt" / "hubdesk").exists()


@linux_installer
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dist", "/nonexistent/HubDesk"], "no bundle at /nonexistent/HubDesk"),
        (["--bogus"], "unknown option: --bogus"),
        (["--dist"], "--dist needs a folder"),
    ],
)
def test_install_refuses_clearly(tmp_path: Path, args: list[str], message: str) -> None:
    result = _install(tmp_path, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / ".local").exists()


@linux_installer
def test_install_refuses_a_bundle_without_the_executable(tmp_path: Path) -> None:
    dist = _fake_bundle(tmp_path)
    (dist / "hubdesk").chmod(0o644)
    result = _install(tmp_path, "--dist", str(dist))
    assert result.returncode != 0
    assert "missing or not executable" in result.stderr
