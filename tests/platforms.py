"""Tests that exist on some operating systems only, by their nature.

A D-Bus notification, a ``.desktop`` file, the Windows registry or a POSIX file mode
cannot be checked on an OS that has none: such a test is *skipped there, with that
reason*. This is not "not installed" (``tests/missing.py``), which fails in CI: on the
hosted Windows and macOS runners these skips are expected, and every other test runs.

Keep these few and obvious: a test that could run everywhere should, with the platform
difference inside the code under test.
"""

from __future__ import annotations

import sys

import pytest

__all__ = [
    "LINUX",
    "MACOS",
    "POSIX",
    "WINDOWS",
    "linux_only",
    "macos_only",
    "posix_only",
    "windows_only",
]

LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
WINDOWS = sys.platform == "win32"
POSIX = not WINDOWS


def linux_only(why: str) -> pytest.MarkDecorator:
    """Skip elsewhere than on Linux: ``why`` names the Linux-only part (D-Bus, dunst...)."""
    return pytest.mark.skipif(not LINUX, reason=f"Linux only: {why}")


def posix_only(why: str) -> pytest.MarkDecorator:
    """Skip on Windows: ``why`` names the POSIX-only part (file modes, signals, AF_UNIX...)."""
    return pytest.mark.skipif(not POSIX, reason=f"POSIX only: {why}")


def windows_only(why: str) -> pytest.MarkDecorator:
    """Skip elsewhere than on Windows: ``why`` names the Windows-only part (the registry...)."""
    return pytest.mark.skipif(not WINDOWS, reason=f"Windows only: {why}")


def macos_only(why: str) -> pytest.MarkDecorator:
    """Skip elsewhere than on macOS: ``why`` names the macOS-only part (plutil, Keychain...)."""
    return pytest.mark.skipif(not MACOS, reason=f"macOS only: {why}")
