"""Project-wide pytest set-up: plugins shared by every test folder.

The repository root is on ``sys.path`` through pyproject's ``pythonpath = ["."]``, so
tests import their helpers as ``tests.*``.
"""

pytest_plugins = ["tests.fixtures_desktop", "tests.fixtures_sim"]
