"""The bundle's entry script (``build.spec``): what ``hubdesk`` / ``hubdesk.exe`` runs.

Three commands are handled here, before (and without) the GUI's start-up path:

* ``--self-test [--strict] [--report FILE]``: :mod:`hubdesk.selftest`, so that a bundle
  can be checked without a profile, a network or a user (CI runs it on each OS);
* ``--register-url-handlers`` / ``--unregister-url-handlers`` [``--all-users``]
  (Windows): ``tel:``/``sms:`` links to this ``hubdesk.exe``, in HKCU, or HKLM with
  ``--all-users`` (:mod:`hubdesk.core.urlhandlers`). The installer runs them
  (``packaging/windows/hubdesk.iss``); a copy that was not installed can too.

Everything else is the GUI, ``hubdesk.app.main``. This lives here rather than as
``hubdesk/__main__.py``: PyInstaller runs its entry script as ``__main__``, outside the
package.
"""

from __future__ import annotations

import sys
from typing import Literal

URL_COMMANDS: dict[str, Literal["register", "unregister"]] = {
    "--register-url-handlers": "register",
    "--unregister-url-handlers": "unregister",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--self-test" in args:
        from hubdesk.selftest import main as self_test

        return self_test([a for a in args if a != "--self-test"])
    for flag, action in URL_COMMANDS.items():
        if flag in args:
            from hubdesk.core.urlhandlers import run_command

            return run_command(action, sys.executable, all_users="--all-users" in args)
    from hubdesk.app import main as app_main

    code = app_main(args)
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
