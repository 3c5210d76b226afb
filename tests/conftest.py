"""Project-wide pytest set-up: plugins shared by every test folder."""

import sys
from pathlib import Path

# Make ``tests.*`` importable under plain ``pytest`` too (``python -m pytest`` already
# has the repository root on sys.path). pyproject's ``pythonpath = ["."]`` would do the same.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

pytest_plugins = ["tests.fixtures_desktop", "tests.fixtures_sim"]
