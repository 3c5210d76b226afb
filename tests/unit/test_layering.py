"""The one import direction of docs/ARCHITECTURE.md, enforced by parsing every module with
``ast``.

domain <- api, store <- sync <- core <- ui <- app; sim sees only domain; cli never
touches ui or PySide6; ui reaches api, store and sync only through core; app (the
composition root) may import everything, and only ``hubdesk/__main__.py`` imports app.
Imports inside functions, under ``TYPE_CHECKING`` and through
``importlib.import_module("...")`` / ``__import__("...")`` count too. Layers that do not
exist yet have no modules and so nothing to check.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hubdesk"
STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class Rule:
    """What one layer may import."""

    hubdesk: frozenset[str] | None  # hubdesk layers allowed (None: any)
    third_party: frozenset[str] | None  # top-level non-stdlib packages allowed (None: any)
    forbidden: tuple[str, ...] = ()  # dotted prefixes never allowed
    pyside6: frozenset[str] | None = None  # if set, the only PySide6 modules allowed


NO_PYSIDE = ("PySide6", "shiboken6")

RULES: dict[str, Rule] = {
    # hubdesk/__init__.py runs before every other module: it must stay as pure as domain.
    "root": Rule(hubdesk=frozenset(), third_party=frozenset()),
    "domain": Rule(hubdesk=frozenset({"domain"}), third_party=frozenset({"phonenumbers"})),
    "api": Rule(hubdesk=frozenset({"domain", "api"}), third_party=frozenset({"httpx", "stamina"})),
    # secretstorage / jeepney are keyring's own Secret Service backend: their exceptions
    # surface through keyring calls on Linux, so catching them is part of using keyring.
    # portalocker: the file locks between processes sharing a profile (store/lock.py).
    "store": Rule(
        hubdesk=frozenset({"domain", "store"}),
        third_party=frozenset(
            {"keyring", "platformdirs", "secretstorage", "jeepney", "portalocker"}
        ),
    ),
    "sync": Rule(
        hubdesk=frozenset({"domain", "api", "store", "sync"}),
        third_party=None,
        forbidden=NO_PYSIDE,
    ),
    # "QtCore signals at most, never QtWidgets".
    "core": Rule(
        hubdesk=None,
        third_party=None,
        forbidden=("hubdesk.ui",),
        pyside6=frozenset({"PySide6.QtCore"}),
    ),
    # Widgets and controllers: what they need of api, store and sync comes through core.
    # jeepney: desktop notifications over D-Bus (ui/shell/notifybus.py); qasync: see
    # QASYNC_HOME.
    "ui": Rule(
        hubdesk=frozenset({"domain", "core", "ui"}),
        third_party=frozenset({"PySide6", "shiboken6", "qasync", "jeepney"}),
    ),
    # The composition root builds everything.
    "app": Rule(hubdesk=None, third_party=None),
    "sim": Rule(hubdesk=frozenset({"domain", "sim"}), third_party=None, forbidden=NO_PYSIDE),
    "cli": Rule(hubdesk=None, third_party=None, forbidden=("hubdesk.ui", *NO_PYSIDE)),
    # ``python -m hubdesk``: the entry point, nothing but app.
    "__main__": Rule(hubdesk=frozenset({"app"}), third_party=frozenset()),
}
# docs/ARCHITECTURE.md: ui/qt/async_slots.py is the only module that imports qasync.
QASYNC_HOME = "hubdesk.ui.qt.async_slots"
# Nothing imports the composition root but the entry point.
APP_IMPORTERS = frozenset({"app", "__main__"})


@dataclass(frozen=True)
class Imported:
    target: str  # dotted name as written, relative imports resolved
    line: int


def module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package_dir: Path) -> Iterator[Imported]:
    name = module_name(path, package_dir)
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def resolve(level: int, module: str | None) -> str:
        if level == 0:
            return module or ""
        base = package.split(".")
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.level, node.module)
            for alias in node.names:
                target = base if alias.name == "*" else f"{base}.{alias.name}"
                yield Imported(target, node.lineno)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            if node.args and isinstance(node.args[0], ast.Constant):
                value = node.args[0].value
                if isinstance(value, str):
                    level = len(value) - len(value.lstrip("."))
                    yield Imported(resolve(level, value[level:] or None), node.lineno)


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def layer_of_module(name: str) -> str:
    """The layer of a module: hubdesk.api.client is "api", hubdesk itself "root"."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "root"


def layer_of_target(target: str, package_dir: Path) -> str:
    """The hubdesk layer an import reaches; "root" for attributes of hubdesk/__init__."""
    parts = target.split(".")
    if len(parts) == 1:
        return "root"
    first = parts[1]
    if (package_dir / f"{first}.py").exists() or (package_dir / first).is_dir():
        return first
    if first in RULES or first in {"ui", "app"}:
        return first
    return "root"  # e.g. ``from hubdesk import __version__``


def _matches(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def check_import(layer: str, source: str, target: str, package_dir: Path) -> str | None:
    """Why ``source`` (in ``layer``) may not import ``target``, or None if it may."""
    top = target.split(".")[0]
    if top == "qasync" and source != QASYNC_HOME:
        return f"only {QASYNC_HOME} imports qasync"
    if top == "hubdesk" and layer not in APP_IMPORTERS:
        if layer_of_target(target, package_dir) == "app":
            return "only hubdesk/__main__.py imports hubdesk.app"
    rule = RULES.get(layer)
    if rule is None:
        return None
    for prefix in rule.forbidden:
        if _matches(target, prefix):
            return f"{layer} must not import {prefix}"
    if rule.pyside6 is not None and top in NO_PYSIDE:
        if not any(_matches(target, allowed) for allowed in rule.pyside6):
            return f"{layer} may import only {', '.join(sorted(rule.pyside6))} of PySide6"
    if top == "hubdesk":
        reached = layer_of_target(target, package_dir)
        if rule.hubdesk is not None and reached != "root" and reached not in rule.hubdesk:
            allowed = ", ".join(sorted(rule.hubdesk)) or "nothing"
            return f"{layer} may import only hubdesk {allowed}"
        return None
    if top in STDLIB:
        return None
    if rule.third_party is not None and top not in rule.third_party:
        allowed = ", ".join(sorted(rule.third_party)) or "only the standard library"
        return f"{layer} may import third-party {allowed}"
    return None


def find_violations(package_dir: Path) -> tuple[list[str], int]:
    """Every forbidden import under ``package_dir``, and how many modules were parsed."""
    violations: list[str] = []
    count = 0
    for path in sorted(package_dir.rglob("*.py")):
        count += 1
        source = module_name(path, package_dir)
        layer = layer_of_module(source)
        for imported in imports_of(path, package_dir):
            why = check_import(layer, source, imported.target, package_dir)
            if why:
                where = path.relative_to(package_dir.parent)
                violations.append(f"{where}:{imported.line}: imports {imported.target}: {why}")
    return violations, count


# --- the real tree --------------------------------------------------------------------


def test_hubdesk_follows_the_import_direction() -> None:
    violations, count = find_violations(PACKAGE)
    assert count >= 5, "the checker found no modules: is PACKAGE right?"
    assert violations == []


# --- the checker itself, on small synthetic trees ----------------------------------------

CASES: list[tuple[str, str, str | None]] = [
    # (path under hubdesk/, source, expected fragment of the violation or None)
    ("domain/ok.py", "import phonenumbers\nimport datetime\nfrom hubdesk.domain import x", None),
    ("domain/rel_ok.py", "from . import models\nfrom .models import Sms", None),
    ("domain/version.py", "from hubdesk import __version__", None),
    ("domain/httpx.py", "import httpx", "domain may import third-party phonenumbers"),
    ("domain/rel_bad.py", "from ..api import client", "domain may import only hubdesk domain"),
    ("domain/pkg_bad.py", "from hubdesk import store", "domain may import only hubdesk domain"),
    ("domain/lazy.py", "def f() -> None:\n    import PySide6\n", "third-party"),
    (
        "domain/typing_only.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from hubdesk.api import x\n",
        "only hubdesk domain",
    ),
    ("domain/dyn.py", "import importlib\nimportlib.import_module('PySide6.QtCore')", "third"),
    ("domain/dunder.py", "__import__('httpx')", "third-party"),
    ("api/ok.py", "import httpx, stamina, json\nfrom hubdesk.domain import Sms", None),
    ("api/store.py", "from hubdesk.store import db", "api may import only hubdesk api, domain"),
    ("api/keyring.py", "import keyring", "api may import third-party httpx, stamina"),
    ("store/ok.py", "import keyring, platformdirs, sqlite3\nfrom hubdesk import domain", None),
    ("store/httpx.py", "import httpx", "store may import third-party"),
    ("store/backend.py", "from secretstorage.exceptions import SecretStorageException", None),
    ("store/api.py", "from hubdesk import api", "store may import only hubdesk domain, store"),
    ("sync/ok.py", "import asyncio\nfrom hubdesk import api, domain, store", None),
    ("sync/core.py", "from hubdesk.core import session", "sync may import only hubdesk"),
    ("sync/qt.py", "from PySide6.QtCore import Signal", "sync must not import PySide6"),
    ("core/ok.py", "from PySide6.QtCore import QObject, Signal\nfrom hubdesk import sync", None),
    ("core/widgets.py", "from PySide6.QtWidgets import QWidget", "PySide6.QtCore of PySide6"),
    ("core/widgets2.py", "from PySide6 import QtWidgets", "PySide6.QtCore of PySide6"),
    ("core/ui.py", "from hubdesk.ui import main_window", "core must not import hubdesk.ui"),
    ("core/app.py", "import hubdesk.app.main", "only hubdesk/__main__.py imports hubdesk.app"),
    ("sim/ok.py", "import starlette\nfrom hubdesk.domain import Sms\nfrom . import seed", None),
    ("sim/api.py", "from hubdesk.api import errors", "sim may import only hubdesk domain, sim"),
    ("sim/qt.py", "import PySide6", "sim must not import PySide6"),
    ("cli.py", "from hubdesk.core import session\nfrom hubdesk.sync import poller", None),
    ("cli/__main__.py", "from hubdesk.ui import window", "cli must not import hubdesk.ui"),
    ("cli/qt.py", "import PySide6.QtCore", "cli must not import PySide6"),
    ("cli/rel.py", "from ..ui import window", "cli must not import hubdesk.ui"),
    ("ui/view.py", "from PySide6.QtWidgets import QWidget\nimport qasync", "only hubdesk.ui.qt"),
    ("ui/qt/async_slots.py", "import qasync\nfrom PySide6.QtWidgets import QApplication", None),
    (
        "ui/messages/page.py",
        "from PySide6.QtWidgets import QWidget\nfrom hubdesk.core.inbox import Inbox\n"
        "from hubdesk.domain import Sms\nfrom hubdesk.ui.qt import icons\nfrom ..qt import theme",
        None,
    ),
    ("ui/store.py", "from hubdesk.store import X", "ui may import only hubdesk core, domain, ui"),
    ("ui/shell/api.py", "from hubdesk.api.errors import ApiError", "ui may import only hubdesk"),
    ("ui/signin/rel.py", "from ...sync import events", "ui may import only hubdesk core"),
    ("ui/lazy.py", "def f() -> None:\n    import hubdesk.store.secrets\n", "only hubdesk core"),
    ("ui/app.py", "from hubdesk.app.shell import AppShell", "only hubdesk/__main__.py imports"),
    ("ui/net.py", "import httpx", "ui may import third-party PySide6, jeepney, qasync"),
    ("ui/shell/bus.py", "from jeepney import DBusAddress", None),
    ("app/ok.py", "import httpx, keyring\nfrom hubdesk import api, store, sync, core, ui", None),
    ("app/main.py", "from hubdesk.app.shell import AppShell\nfrom . import firstpaint", None),
    ("cli/app.py", "from hubdesk.app import main", "only hubdesk/__main__.py imports hubdesk.app"),
    ("sync/app.py", "import hubdesk.app", "only hubdesk/__main__.py imports hubdesk.app"),
    ("__main__.py", "from hubdesk.app.main import main", None),
    ("__main__.py", "from hubdesk.ui.shell import window", "__main__ may import only hubdesk app"),
    ("__init__.py", "import PySide6", "root may import third-party only the standard library"),
    ("__init__.py", "from hubdesk import domain", "root may import only hubdesk nothing"),
]


@pytest.mark.parametrize(("relpath", "source", "expected"), CASES)
def test_checker_on_synthetic_trees(
    tmp_path: Path, relpath: str, source: str, expected: str | None
) -> None:
    package_dir = tmp_path / "hubdesk"
    target = package_dir / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    (package_dir / "__init__.py").touch()
    target.write_text(source + "\n", encoding="utf-8")
    violations, _ = find_violations(package_dir)
    if expected is None:
        assert violations == []
    else:
        assert len(violations) == 1, violations
        assert expected in violations[0]
        assert violations[0].startswith(f"hubdesk/{relpath}:")


def test_missing_layers_are_simply_skipped(tmp_path: Path) -> None:
    package_dir = tmp_path / "hubdesk"
    (package_dir / "domain").mkdir(parents=True)
    (package_dir / "__init__.py").touch()
    (package_dir / "domain" / "__init__.py").write_text("import phonenumbers\n")
    assert find_violations(package_dir) == ([], 2)


# --- importing the CLI must not load Qt ------------------------------------------------

PROBE = (
    "import sys; {statement}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6'))"
)


def pyside_modules_after(statement: str, home: Path) -> list[str]:
    env = {
        **os.environ,
        "HUBDESK_HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(statement=statement)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert isinstance(loaded, list)
    return [str(name) for name in loaded]


def test_probe_sees_pyside6_when_it_is_loaded(tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtCore")
    assert "PySide6.QtCore" in pyside_modules_after("import PySide6.QtCore", tmp_path)


def test_importing_the_cli_loads_no_pyside6(tmp_path: Path) -> None:
    if not ((PACKAGE / "cli.py").exists() or (PACKAGE / "cli" / "__init__.py").exists()):
        pytest.skip("hubdesk/cli does not exist yet")
    assert pyside_modules_after("import hubdesk.cli.app", tmp_path) == []
