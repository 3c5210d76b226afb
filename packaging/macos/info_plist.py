"""The ``info_plist`` dict for PyInstaller's ``BUNDLE`` on macOS.

``build.spec`` (top level) uses it so that the app's version comes only from
``hubdesk.__version__``::

    import runpy   # by path: "import packaging…" would find the PyPI package
    info_plist = runpy.run_path("packaging/macos/info_plist.py")["info_plist"]
    app = BUNDLE(coll, name="HubDesk.app", icon="packaging/macos/hubdesk.icns",
                 bundle_identifier="com.hubwork.HubDesk",
                 info_plist=info_plist(hubdesk.__version__))
"""

from __future__ import annotations

import plistlib
import re
from pathlib import Path
from typing import Any

INFO_PLIST = Path(__file__).resolve().with_name("Info.plist")


def bundle_version(version: str) -> str:
    """Apple wants up to three dot-separated integers: '1.2.3rc1' -> '1.2.3'."""
    match = re.match(r"\d+(?:\.\d+){0,2}", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    return match.group(0)


def info_plist(version: str) -> dict[str, Any]:
    """Info.plist's keys plus CFBundleShortVersionString / CFBundleVersion from version."""
    with INFO_PLIST.open("rb") as handle:
        keys: dict[str, Any] = plistlib.load(handle)
    keys["CFBundleShortVersionString"] = bundle_version(version)
    keys["CFBundleVersion"] = bundle_version(version)
    return keys
