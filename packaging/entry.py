"""The bundle's entry script (``build.spec``): what ``hubdesk`` / ``hubdesk.exe`` runs.

``--self-test`` goes straight to :mod:`hubdesk.selftest` so that a bundle can be checked
without a profile, a network or the GUI's start-up path (CI runs
``dist/HubDesk/hubdesk --self-test``); everything else is the GUI, ``hubdesk.app.main``.

It lives here rather than as ``hubdesk/__main__.py``: PyInstaller runs its entry script
as ``__main__``, outside the package.
"""

from __future__ import annotations

import sys


def main() -> int:
    if "--self-test" in sys.argv[1:]:
        from hubdesk.selftest import main as self_test

        return self_test([a for a in sys.argv[1:] if a != "--self-test"])
    from hubdesk.app import main as app_main

    code = app_main()
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
