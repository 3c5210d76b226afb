"""One export style, enforced: what a package ``__init__`` may hold, and one import path
per public name (docs/ARCHITECTURE.md, "Imports and exports").

* ``hubdesk.domain`` (the values every layer passes around), ``hubdesk.api`` (the client
  and its error tree) and ``hubdesk.sim`` (the simulator) are *façades*: their
  ``__init__`` re-exports their public names, all listed in ``__all__``. A façade imports
  plainly, except names whose module the first frame must not load: those are imported
  under ``if TYPE_CHECKING:`` (what mypy and readers see), listed in ``_LAZY`` (what
  ``hubdesk.lazy_exports`` imports on first use) and in ``__all__``, and the three lists
  must agree exactly.
* Every other package ``__init__`` is its docstring and nothing else: each name is
  imported from the module that defines it.
* A name a façade exports is imported from the façade everywhere outside the package,
  never from the submodule that defines it: one name, one import path.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "hubdesk"
#: Where code that imports hubdesk lives.
SOURCES = ("hubdesk", "tests", "bench", "scripts", "packaging")

FACADES = ("hubdesk.domain", "hubdesk.api", "hubdesk.sim")

#: ``__init__`` modules of the UI package that still re-export their parts; the UI
#: refactor of issue 12 (items 2-4) owns these files. Each entry must still break the
#: rule (``test_pending_entries_are_still_needed``): remove it once its file is fixed.
PENDING_UI_INITS = {
    "hubdesk.ui.messages.conversations",
    "hubdesk.ui.messages.thread",
}
#: Modules of the UI package that import a façade name from its submodule; the UI
#: layering rule of the same refactor (ui imports no ``hubdesk.api``) removes them.
PENDING_UI_IMPORTS: set[str] = set()


def package_name(init: Path) -> str:
    return ".".join(init.parent.relative_to(ROOT).parts)


def package_inits() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE)


@dataclass
class Exports:
    """What one façade ``__init__`` declares, read from its syntax tree."""

    all: list[str] = field(default_factory=list)
    plain: dict[str, str] = field(default_factory=dict)  # name -> module, imported at once
    typed: dict[str, str] = field(default_factory=dict)  # name -> module, TYPE_CHECKING
    lazy: dict[str, str] | None = None  # the _LAZY table, if any


def is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def own_imports(body: list[ast.stmt], package: str) -> dict[str, str]:
    """The names ``body`` imports from the package's own submodules."""
    return {
        alias.asname or alias.name: node.module
        for node in body
        if isinstance(node, ast.ImportFrom)
        and node.module is not None
        and node.module.startswith(package + ".")
        for alias in node.names
    }


def read_exports(init: Path) -> Exports:
    package = package_name(init)
    tree = ast.parse(init.read_text(encoding="utf-8"))
    found = Exports(plain=own_imports(tree.body, package))
    values: dict[str, ast.expr] = {}
    table = None  # the name passed to lazy_exports(__name__, TABLE)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and is_type_checking(node.test):
            found.typed.update(own_imports(node.body, package))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                values[target.id] = node.value
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "lazy_exports":
            table = getattr(node.args[1], "id", None)
    found.all = ast.literal_eval(values["__all__"]) if "__all__" in values else []
    if table is not None:
        found.lazy = ast.literal_eval(values[table])
    return found


@pytest.mark.parametrize("package", FACADES)
def test_a_facade_lists_each_name_once_and_the_lists_agree(package: str) -> None:
    init = ROOT.joinpath(*package.split("."), "__init__.py")
    exports = read_exports(init)
    assert len(exports.all) == len(set(exports.all)), "a name is listed twice in __all__"
    assert not set(exports.plain) & set(exports.typed), "imported both at once and lazily"
    assert set(exports.all) == set(exports.plain) | set(exports.typed), (
        "__all__ must be exactly the names the package imports from its modules"
    )
    if exports.typed or exports.lazy is not None:
        # the three lists of a lazy export: the TYPE_CHECKING imports, the table given to
        # lazy_exports (name -> module) and __all__
        assert exports.lazy == exports.typed, (
            "the lazy table must map each TYPE_CHECKING import to its module, and no more"
        )


@pytest.mark.parametrize("package", FACADES)
def test_every_facade_name_is_the_object_its_module_defines(package: str) -> None:
    exports = read_exports(ROOT.joinpath(*package.split("."), "__init__.py"))
    facade = importlib.import_module(package)
    for name, module in {**exports.plain, **exports.typed}.items():
        assert getattr(facade, name) is getattr(importlib.import_module(module), name), name
    assert set(exports.all) <= set(dir(facade))


def test_a_package_that_is_not_a_facade_holds_only_its_docstring() -> None:
    wrong = []
    for init in package_inits():
        name = package_name(init)
        if name in FACADES or name in PENDING_UI_INITS:
            continue
        body = ast.parse(init.read_text(encoding="utf-8")).body
        if not body or ast.get_docstring(ast.Module(body=body, type_ignores=[])) is None:
            wrong.append(f"{name}: no docstring")
        elif len(body) > 1:
            wrong.append(f"{name}: line {body[1].lineno} (import from the module instead)")
    assert not wrong, "package __init__ with more than a docstring:\n" + "\n".join(wrong)


def source_files() -> Iterator[Path]:
    for top in SOURCES:
        yield from sorted((ROOT / top).rglob("*.py"))


def path_imports(tree: ast.Module, facades: dict[str, frozenset[str]]) -> Iterator[str]:
    """``module:line name`` for each façade name imported from one of its submodules."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        for package, names in facades.items():
            if node.module.startswith(package + "."):
                for alias in node.names:
                    if alias.name in names:
                        yield f"{node.lineno}: {alias.name} from {node.module} (use {package})"


def facade_names() -> dict[str, frozenset[str]]:
    return {
        package: frozenset(read_exports(ROOT.joinpath(*package.split("."), "__init__.py")).all)
        for package in FACADES
    }


def test_a_facade_name_is_imported_from_the_facade() -> None:
    facades = facade_names()
    wrong = []
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in PENDING_UI_IMPORTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = {p: n for p, n in facades.items() if not rel.startswith(p.replace(".", "/") + "/")}
        wrong += [f"{rel}:{hit}" for hit in path_imports(tree, own)]
    assert not wrong, "one name, one import path:\n" + "\n".join(wrong)


def test_pending_entries_are_still_needed() -> None:
    for name in PENDING_UI_INITS:
        init = ROOT.joinpath(*name.split("."), "__init__.py")
        assert init.exists() and len(ast.parse(init.read_text()).body) > 1, (
            f"{name} holds only its docstring now: remove it from PENDING_UI_INITS"
        )
    facades = facade_names()
    for rel in PENDING_UI_IMPORTS:
        path = ROOT / rel
        assert path.exists() and any(path_imports(ast.parse(path.read_text()), facades)), (
            f"{rel} imports every façade name from its façade now: remove it from "
            "PENDING_UI_IMPORTS"
        )
