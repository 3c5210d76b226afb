"""What a test does when a tool or package it needs is not installed.

Day to day it is skipped, with the reason. In CI (``CI=true``) it fails instead: CI
proves everything or says what is missing (issue 10). ``scripts/test`` installs every
tool named here; a failure in CI means that set-up step is broken.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether we run under CI (``CI=true``, as ``.ci/run`` and hosted runners set)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(reason: str) -> NoReturn:
    """Skip the test for ``reason`` (something not installed) — or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str, install: str) -> str:
    """The path of the command ``name``; skipped (failed in CI) when not on PATH.

    ``install`` says how to get it, e.g. ``"Debian: xdotool"``.
    """
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed ({install}; scripts/test installs it)")
    return path
