"""importscan: PySide6's import hook answers as before and no longer fills linecache.

Run in a fresh interpreter (a subprocess): the hook is process-wide, and the test
process has long imported everything it will use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from hubdesk.app.importscan import uses_pyside

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, linecache, sys
from PySide6.QtWidgets import QApplication
from hubdesk.app import importscan

feature = sys.modules["shibokensupport.feature"]
before = len(linecache.cache)
installed = importscan.install()
after_install = len(linecache.cache)
import mod_with, mod_without  # new modules, read by the hook on import
print("PROBE " + json.dumps({
    "installed": installed,
    "again": importscan.install(),
    "before": before,
    "after_install": after_install,
    "cached": sorted(k for k in linecache.cache if k.endswith(("mod_with.py", "mod_without.py"))),
    "with": feature.pyside_feature_dict.get("mod_with"),
    "without": feature.pyside_feature_dict.get("mod_without"),
}), flush=True)
"""


def run_probe(tmp_path: Path, install: bool) -> dict[str, object]:
    (tmp_path / "mod_with.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "mod_without.py").write_text("import json\nVALUE = 1\n")
    code = PROBE if install else PROBE.replace("importscan.install()", "False")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    line = next((s for s in done.stdout.splitlines() if s.startswith("PROBE ")), None)
    assert line is not None, done.stderr
    report: dict[str, object] = json.loads(line.removeprefix("PROBE "))
    return report


def test_the_hook_answers_as_before_without_caching_sources(tmp_path: Path) -> None:
    stock = run_probe(tmp_path, install=False)
    assert stock["cached"], "PySide6's own hook no longer caches sources: drop importscan"
    assert (stock["with"], stock["without"]) == (0, -1)

    ours = run_probe(tmp_path, install=True)
    assert ours["installed"] is True and ours["again"] is True
    assert ours["cached"] == []
    assert ours["after_install"] == 0 < int(str(ours["before"]))  # emptied once
    assert (ours["with"], ours["without"]) == (0, -1)  # the same answers


def test_modules_without_a_source_file_get_the_hooks_own_answer(tmp_path: Path) -> None:
    asked: list[str] = []

    def fallback(module: ModuleType) -> bool:
        asked.append(module.__name__)
        return True

    builtin = sys.modules["sys"]
    missing = ModuleType("gone")
    missing.__file__ = str(tmp_path / "gone.py")
    compiled = ModuleType("compiled")
    compiled.__file__ = str(tmp_path / "compiled.cpython-311-x86_64-linux-gnu.so")
    assert uses_pyside(builtin, fallback) is True
    assert uses_pyside(missing, fallback) is True
    assert uses_pyside(compiled, fallback) is True
    assert asked == ["sys", "gone", "compiled"]

    plain = tmp_path / "plain.py"
    plain.write_text("# mentions PySide2 only\n", encoding="utf-8")
    module = ModuleType("plain")
    module.__file__ = str(plain)
    assert uses_pyside(module, fallback) is False
    plain.write_text("import PySide6\n", encoding="utf-8")
    assert uses_pyside(module, fallback) is True
    assert asked == ["sys", "gone", "compiled"]  # files that exist are read, not asked
