"""The dependency floors and the lock (constraints.txt) agree, and no pin is a release
with a published vulnerability that a floor in pyproject.toml exists to exclude."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

#: Package -> the first release past its published vulnerabilities (issue 11, item 14).
SECURITY_FLOORS = {
    "starlette": "0.49.1",
    "python-multipart": "0.0.18",
    "h11": "0.16",
    "httpcore": "1.0.9",
    "idna": "3.7",
    "certifi": "2024.7.4",
    "cryptography": "44.0.1",
    "setuptools": "78.1.1",
    "pyinstaller": "6.6",
}


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    return [Requirement(line) for line in lines]


def _pins() -> dict[str, tuple[Version, Marker | None]]:
    pins: dict[str, tuple[Version, Marker | None]] = {}
    for raw in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"constraints.txt pins exactly: {raw!r}"
        pins[canonicalize_name(requirement.name)] = (Version(spec.version), requirement.marker)
    return pins


def test_every_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, (
            f"{name} is in pyproject.toml but not in constraints.txt (scripts/lock)"
        )
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"constraints.txt pins {name}=={version}, outside pyproject's {requirement.specifier}"
            " (run scripts/lock)"
        )


@pytest.mark.parametrize("name", sorted(SECURITY_FLOORS))
def test_floors_exclude_vulnerable_releases(name: str) -> None:
    floor = SpecifierSet(f">={SECURITY_FLOORS[name]}")
    declared = [r for r in _requirements() if canonicalize_name(r.name) == name]
    if name == "setuptools":
        build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        declared = [Requirement(r) for r in build["build-system"]["requires"]]
    assert declared, f"pyproject.toml declares no floor for {name}"
    for requirement in declared:
        lowest = min(
            (Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")),
            default=None,
        )
        assert lowest is not None and lowest in floor, (
            f"{requirement} admits releases below {floor}"
        )
    pinned = _pins().get(name)
    if pinned is not None:
        assert pinned[0] in floor
