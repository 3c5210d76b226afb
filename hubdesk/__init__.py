"""HubDesk: a desktop messenger and click-to-dial client for the HubWork SMS Extension API.

This module runs before every other one, so it holds only the version, one standard
library helper every layer may use and one import-time setting (httpx's command line).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__version__ = "0.1.0"

# httpx imports its command-line client (click, pygments: ~4 MB resident) whenever those
# happen to be installed, as click is here for uvicorn. HubDesk never runs it: marking the
# module absent before anything imports httpx makes httpx skip it (its documented
# fallback when the ``httpx[cli]`` extras are missing).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

__all__ = ["__version__", "lazy_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` (PEP 562) that import each public name
    from the submodule ``homes`` names for it, on first use, and keep it.

    A package ``__init__`` lists its names under ``if TYPE_CHECKING:`` imports (what mypy
    and readers see), in ``__all__``, and in a ``_LAZY`` table (name -> module) given,
    under ``if not TYPE_CHECKING:``, to ``__getattr__, __dir__ = lazy_exports(__name__,
    _LAZY)``: ``from hubdesk.api import HubClient`` works as ever, while importing
    ``hubdesk.api.errors`` alone stays cheap. Only for names whose module the first frame
    must not load (ruff bans this import elsewhere; ``tests/unit/test_exports.py`` checks
    that the three lists agree).
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
