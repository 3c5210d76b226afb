"""Every Qt signal of the GUI is documented where a reader looks first: a ``Signals:``
section of its class's docstring, one entry per signal, written as it is declared::

    class ComposePane(QWidget):
        \"\"\"Sender-id picker, message editor ...

        Signals:
            send_requested(str, str): Send: the sender ID and the text.
            sender_changed(): another sender ID was picked.
        \"\"\"

        send_requested = Signal(str, str)
        sender_changed = Signal()

Checked by parsing ``hubdesk/ui`` and ``hubdesk/app`` with ``ast``: each class-level
``name = Signal(...)`` needs an entry ``name(<the same arguments>):``, and each entry a
signal (a renamed or removed signal cannot leave its entry behind).
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUI = (ROOT / "hubdesk" / "ui", ROOT / "hubdesk" / "app")
ENTRY = re.compile(r"(?P<name>\w+)\((?P<args>[^)]*)\):")


@dataclass(frozen=True)
class Documented:
    where: str  # path:line Class
    declared: dict[str, str]  # signal name -> its arguments as written ("str, str")
    entries: dict[str, str]  # the docstring's Signals: section, the same way
    problems: tuple[str, ...]  # lines of the section that are not an entry


def signals_of(cls: ast.ClassDef) -> dict[str, str]:
    """``name = Signal(a, b)`` (or ``QtCore.Signal``) in the class body: {name: "a, b"}."""
    found: dict[str, str] = {}
    for node in cls.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if called != "Signal":
            continue
        for target in node.targets:
            if isinstance(target, ast.Name):
                found[target.id] = ", ".join(ast.unparse(a) for a in node.value.args)
    return found


def section(doc: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The ``Signals:`` section of a (cleaned) docstring: its entries and stray lines.
    Entries sit one indent below ``Signals:``; deeper lines continue an entry."""
    lines = doc.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "Signals:"]
    if not starts:
        return {}, ()
    head = lines[starts[0]]
    head_indent = len(head) - len(head.lstrip())
    entry_indent: int | None = None
    entries: dict[str, str] = {}
    stray: list[str] = []
    for line in lines[starts[0] + 1 :]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= head_indent:
            break  # the next section, or the docstring's text goes on
        if entry_indent is None:
            entry_indent = indent
        if indent > entry_indent:
            continue  # an entry's description, continued
        match = ENTRY.match(line.strip())
        if match is None:
            stray.append(line.strip())
        else:
            entries[match["name"]] = match["args"].strip()
    return entries, tuple(stray)


def documented(path: Path, root: Path = ROOT) -> list[Documented]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    result = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        declared = signals_of(node)
        doc = inspect.cleandoc(ast.get_docstring(node, clean=False) or "")
        entries, problems = section(doc)
        if declared or entries:
            where = f"{path.relative_to(root)}:{node.lineno} {node.name}"
            result.append(Documented(where, declared, entries, problems))
    return result


def gui_classes() -> list[Documented]:
    return [d for folder in GUI for path in sorted(folder.rglob("*.py")) for d in documented(path)]


def complaints(item: Documented) -> list[str]:
    said = [f"{item.where}: no entry for {name}({args})" for name, args in item.declared.items()
            if name not in item.entries]  # fmt: skip
    said += [f"{item.where}: {name} is documented but not a signal" for name in item.entries
             if name not in item.declared]  # fmt: skip
    said += [
        f"{item.where}: {name}({item.entries[name]}) is declared Signal({args})"
        for name, args in item.declared.items()
        if name in item.entries and item.entries[name] != args
    ]
    said += [f"{item.where}: not an entry: {line!r}" for line in item.problems]
    return said


def test_every_signal_is_documented_in_its_class() -> None:
    classes = gui_classes()
    assert sum(len(c.declared) for c in classes) >= 50, "no signals found: is GUI right?"
    assert [p for c in classes for p in complaints(c)] == []


# --- the checker itself -----------------------------------------------------------------

GOOD = '''
class Pane(QWidget):
    """A pane.

    Signals:
        sent(str, str): Send: the sender ID
            and the text.
        changed(): something changed.

    More text after the section.
    """

    sent = Signal(str, str)
    changed = QtCore.Signal()
    not_a_signal = 3
'''


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (GOOD, []),
        (GOOD.replace("        changed(): something changed.\n", ""), ["no entry for changed()"]),
        (GOOD.replace("sent(str, str):", "sent(str):"), ["sent(str) is declared Signal(str, str)"]),
        (GOOD.replace("Signal(str, str)", "Signal(str, str)\n    gone = Signal(int)"), ["gone"]),
        (GOOD.replace("    changed = QtCore.Signal()\n", ""), ["changed is documented but not"]),
        (
            GOOD.replace("changed(): something", "changed: something"),
            ["no entry for changed", "not an entry"],
        ),
        (GOOD.replace("Signals:", "Signal list:"), ["no entry for sent", "no entry for changed"]),
        ('class Plain:\n    """No signals, no section."""\n    x = 1\n', []),
    ],
)
def test_the_checker(tmp_path: Path, source: str, expected: list[str]) -> None:
    path = tmp_path / "pane.py"
    path.write_text(source, encoding="utf-8")
    found = [p for item in documented(path, tmp_path) for p in complaints(item)]
    assert len(found) == len(expected), found
    for problem, fragment in zip(found, expected, strict=True):
        assert fragment in problem
