"""hubdesk.lazy_exports: package names imported from their submodules on first use."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from hubdesk import lazy_exports


def test_names_load_on_first_use_and_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("fakepkg")
    package.__all__ = ["dumps", "Path"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fakepkg", package)
    getattr_, dir_ = lazy_exports("fakepkg", {"dumps": "json", "Path": "pathlib"})
    package.__getattr__ = getattr_  # type: ignore[method-assign]  # PEP 562, by hand

    import json

    assert "dumps" not in vars(package)
    assert package.dumps is json.dumps
    assert vars(package)["dumps"] is json.dumps  # kept: __getattr__ is not asked again
    assert {"dumps", "Path"} <= set(dir_())
    with pytest.raises(AttributeError, match="fakepkg.*nothing_here"):
        package.nothing_here  # noqa: B018


def test_the_api_package_loads_httpx_only_when_the_client_is_asked_for() -> None:
    code = (
        "import sys, hubdesk.api.errors, hubdesk.api as api\n"
        "print('httpx' in sys.modules)\n"
        "api.HubClient\n"
        "print('httpx' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True"]
