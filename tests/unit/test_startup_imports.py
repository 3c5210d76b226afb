"""What the first frame loads: the start-up path up to the main window's first paint must
not import the event loop, the network, keyring or server stacks, nor the pages and
dialogs.

``app.main`` shows the window from the cache before anything else
(``bench/ui_bench.py`` measures it); these imports are deferred until after the first
paint, and this test keeps them deferred. It runs the real ``main`` in a subprocess (a
fresh interpreter: ``sys.modules`` of the test process says nothing) on a profile with a
database, with ``firstpaint.show_first_frame`` (which returns once the window has
painted) followed by a report of ``sys.modules`` and an exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from tests.unit.test_exports import FACADES, read_exports

ROOT = Path(__file__).resolve().parents[2]

#: Top-level packages (and their submodules) that must wait for the first paint.
DEFERRED = (
    # the event loop: the first frame runs on Qt's events alone
    "asyncio",
    "qasync",
    "hubdesk.app.shell",
    "hubdesk.app.links",
    "hubdesk.app.status",
    "hubdesk.app.tray",
    # phone-number metadata, the hand-over socket
    "phonenumbers",
    "PySide6.QtNetwork",
    "httpx",
    "httpcore",
    "stamina",
    "keyring",
    "secretstorage",
    "jeepney",
    "cryptography",
    "uvicorn",
    "starlette",
    "hubdesk.api.client",
    "hubdesk.store.secrets",
    "hubdesk.sim",
    "hubdesk.app.runtime",
    "hubdesk.ui.shell.controller",
    # the window's other pages, the dialogs and their controllers; the Messages page's
    # compose pane; the toast: built after the first paint (html: its entity table)
    "hubdesk.ui.contacts",
    "hubdesk.ui.senders",
    "hubdesk.ui.calls",
    "hubdesk.ui.bulk",
    "hubdesk.ui.settings",
    "hubdesk.ui.signin",
    "hubdesk.ui.messages.new_message",
    "hubdesk.ui.messages.compose",
    "hubdesk.ui.messages.compose_buttons",
    "hubdesk.ui.messages.compose_editor",
    "hubdesk.ui.messages.compose_layout",
    "hubdesk.ui.messages.compose_notes",
    "hubdesk.ui.messages.compose_sender",
    "hubdesk.ui.messages.compose_controller",
    "hubdesk.ui.messages.thread.paint",
    "hubdesk.ui.shell.toast",
    "html",
    # the cached first frame reads settings and rows on its own short connection: the
    # store proper (and core.settings' annotation-only imports of it) wait
    "hubdesk.store.database",
    "hubdesk.store.worker",
    "hubdesk.store.messages",
    "hubdesk.store.outbox",
    "hubdesk.store.search",
    "hubdesk.store.migrations",
)

PROBE = """
import json, os, sys
import hubdesk.app.firstpaint as firstpaint

real_show_first_frame = firstpaint.show_first_frame

def show_first_frame(*args, **kwargs):
    frame = real_show_first_frame(*args, **kwargs)
    window = frame.window
    painted = frame.painted and window is not None and window.isVisible()
    rows = window.messages_page.conversation_model.rowCount() if window is not None else -1
    modules = sorted(name for name, module in sys.modules.items() if module is not None)
    print("PROBE " + json.dumps({"modules": modules, "painted": painted, "rows": rows}),
          flush=True)
    os._exit(0)

firstpaint.show_first_frame = show_first_frame
from hubdesk.app.main import main
sys.exit(main([]))
"""


def loaded(name: str, modules: list[str]) -> list[str]:
    return [m for m in modules if m == name or m.startswith(name + ".")]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profile folder whose database holds one conversation."""
    home = tmp_path_factory.mktemp("home")
    sms = Sms(
        sms_id=1,
        source="447400123456",
        destination="447700900000",
        text="cached",
        type=SmsType.RECEIVED,
        delivery_status=DeliveryStatus.SENT,
        read_status=ReadStatus.UNREAD,
        time=datetime(2024, 5, 1, 12, tzinfo=UTC),
        sms_count=1,
    )
    db = Database.open(home / "hubdesk.sqlite3")
    try:
        db.messages.upsert_messages([sms])
    finally:
        db.close()
    return home


@pytest.fixture(scope="module")
def first_frame(profile: Path) -> dict[str, Any]:
    """The probe's report: ``modules`` loaded when the first frame has painted, whether
    it ``painted`` and its ``rows``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))}
    env.update(QT_QPA_PLATFORM="offscreen", HUBDESK_HOME=str(profile), PYTHONPATH=str(ROOT))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    line = next((s for s in done.stdout.splitlines() if s.startswith("PROBE ")), None)
    assert line is not None, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(line.removeprefix("PROBE "))
    return report


def test_the_first_frame_loads_no_network_keyring_or_pages(first_frame: dict[str, Any]) -> None:
    assert first_frame["painted"], "the window did not paint before start-up went on"
    assert first_frame["rows"] == 1, "the first frame did not show the cached conversation"
    early = {name: loaded(name, first_frame["modules"]) for name in DEFERRED}
    early = {name: mods for name, mods in early.items() if mods}
    assert not early, f"imported before the first paint: {early}"


@pytest.mark.parametrize("package", FACADES)
def test_a_lazy_export_waits_for_a_module_the_first_frame_does_not_load(
    package: str, first_frame: dict[str, Any]
) -> None:
    """A façade imports a name lazily only when that saves the first frame a module
    (docs/ARCHITECTURE.md): a lazy name whose module is loaded before the first paint
    anyway is written three times for nothing, and belongs with the plain imports."""
    lazy = read_exports(ROOT.joinpath(*package.split("."), "__init__.py")).lazy or {}
    needless = sorted(name for name, module in lazy.items() if module in first_frame["modules"])
    assert not needless, f"{package}: import these plainly, the first frame loads them: {needless}"


def test_httpx_loads_without_its_command_line_client() -> None:
    """``hubdesk/__init__`` keeps httpx's CLI (click, pygments) out of the process."""
    code = (
        "import sys, hubdesk, httpx; print(sorted(m for m in ('click', 'pygments', "
        "'httpx._main') if sys.modules.get(m) is not None), httpx.main.__module__)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # nothing of the CLI loaded; httpx.main is httpx's own stand-in (defined in
    # httpx/__init__ when the CLI cannot be imported), not httpx._main.main
    assert done.stdout.split() == ["[]", "httpx"]
