"""PySide6's import hook, without its source cache.

Once PySide6 is imported, its ``__feature__`` import hook asks of every module imported
afterwards whether it uses PySide6 (PYSIDE-2029), with ``inspect.getsource(module)``:
that puts each module's whole source into ``linecache``, and keeps it. In a development
install (sources on disk) that is ~15 MB of HubDesk's resident memory once httpx, the
keyring stack and the rest are loaded, plus the time to split every file into lines. (A
PyInstaller bundle has no sources: there ``getsource`` fails and the hook says "no".)

:func:`install` gives the hook the same answer ("PySide6" occurs in the module's
source) from the file's bytes, caching nothing, and empties the cache filled so far.
``app.main`` calls it as early as it can: right after ``shiboken6`` (imported here, where
the hook lives), before the first ``PySide6.Qt*`` import, so every module imported from
then on is scanned this way.
Where the hook's internals are not as expected (another PySide6 version), it changes
nothing and says so at debug level.
"""

from __future__ import annotations

import linecache
import logging
import sys
from collections.abc import Callable
from types import ModuleType

__all__ = ["install", "installed", "uses_pyside"]

log = logging.getLogger(__name__)
_HOOK_MODULE = "shibokensupport.feature"
_HOOK_FUNCTION = "_mod_uses_pyside"
_MARK = "_hubdesk_scan"


def uses_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether ``module``'s source mentions PySide6 (``fallback`` when there is no
    ``.py`` file to read, e.g. builtins, extensions and bytecode-only modules)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return fallback(module)


def installed() -> bool:
    hook = sys.modules.get(_HOOK_MODULE)
    return getattr(getattr(hook, _HOOK_FUNCTION, None), _MARK, False) is True


def install() -> bool:
    """Replace the hook's source scan; True when done. Best called before importing any
    ``PySide6.Qt*`` module (``shiboken6`` is imported here)."""
    import shiboken6  # noqa: F401  (loads shibokensupport.feature, the hook)

    hook = sys.modules.get(_HOOK_MODULE)
    original = getattr(hook, _HOOK_FUNCTION, None)
    if hook is None or not callable(original):
        log.debug("PySide6's import hook not found; its source scan is left as it is")
        return False
    if installed():
        return True

    def scan(module: ModuleType) -> bool:
        return uses_pyside(module, original)

    setattr(scan, _MARK, True)
    setattr(hook, _HOOK_FUNCTION, scan)
    linecache.clearcache()  # the sources read so far (modules imported before PySide6)
    return True
