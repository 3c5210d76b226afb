"""The documents stay true to the tree: their links and the files they name exist, and
nothing in the repository points outside it (a clone has only what it holds)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/ARCHITECTURE.md")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A path in backquotes: folders and files of the tree, as the guides write them
# (`app/runtime.py` is hubdesk/app/runtime.py; `tests/unit/store/test_migration_*.py`).
NAMED = re.compile(r"`((?:[\w.*-]+/)+[\w.*-]*\.(?:py|sh|md|spec|yml)|(?:[\w.-]+/)+)`")
OUTSIDE = re.compile(r"\.\./shared|shared/(?:docs|api)/")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [ROOT / name.decode() for name in listed if name]


def exists(named: str) -> bool:
    """``named`` is in the tree, from the root or from the package (``app/main.py``), or a
    folder of ``ui`` or ``cli`` named where the guide speaks of it (``messages/``)."""
    for base in (ROOT, ROOT / "hubdesk", ROOT / "hubdesk" / "ui", ROOT / "hubdesk" / "cli"):
        if "*" in named and any(base.glob(named)):
            return True
        if (base / named).exists():
            return True
    return False


@pytest.mark.parametrize("guide", GUIDES)
def test_every_link_of_a_guide_resolves_in_the_repository(guide: str) -> None:
    path = ROOT / guide
    text = path.read_text(encoding="utf-8")
    local = [t for t in LINK.findall(text) if not t.startswith(("http://", "https://"))]
    missing = [t for t in local if not (path.parent / t).exists()]
    assert not missing, f"{guide} links to what is not in the repository: {missing}"


@pytest.mark.parametrize("guide", ["CONTRIBUTING.md", "docs/ARCHITECTURE.md"])
def test_every_file_a_guide_names_exists(guide: str) -> None:
    text = (ROOT / guide).read_text(encoding="utf-8")
    missing = sorted({n for n in NAMED.findall(text) if not exists(n)})
    assert not missing, f"{guide} names files that do not exist: {missing}"


def test_the_readme_layout_links_the_architecture() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    assert "](docs/ARCHITECTURE.md)" in layout


def test_nothing_points_outside_the_repository() -> None:
    found = []
    for path in tracked_files():
        if path.suffix not in {".py", ".md", ".sh", ".toml", ".yml", ".spec", ""}:
            continue
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "points outside the repository:\n" + "\n".join(found)
