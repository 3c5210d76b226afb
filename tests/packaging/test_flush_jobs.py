"""The jobs that send scheduled messages while HubDesk is closed: a systemd user timer
and service, a Task Scheduler task, a launchd agent. Each runs ``hubdesk-cli outbox
--flush`` every five minutes; each must parse as its scheduler reads it."""

from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.missing import require_tool

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "packaging" / "linux" / "hubdesk-outbox-flush.service"
TIMER = ROOT / "packaging" / "linux" / "hubdesk-outbox-flush.timer"
TASK = ROOT / "packaging" / "windows" / "hubdesk-outbox-flush.xml"
AGENT = ROOT / "packaging" / "macos" / "com.hubwork.HubDesk.outbox-flush.plist"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
FLUSH = ["outbox", "--flush"]


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text("utf-8"), source=str(path))
    return parser


def test_the_systemd_units_name_each_other_and_run_the_flush() -> None:
    service, timer = _unit(SERVICE), _unit(TIMER)
    assert service["Service"]["Type"] == "oneshot"
    command = service["Service"]["ExecStart"].split()
    assert command[0].endswith("/hubdesk-cli") and command[1:] == FLUSH
    assert command[0].startswith("%h/")  # the user's home: a user unit, no root
    assert service["Service"]["SuccessExitStatus"] == "5"  # "try again later" is no failure
    assert timer["Timer"]["Unit"] == SERVICE.name
    assert timer["Timer"]["OnCalendar"] == "*:0/5" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert "[Install]" not in SERVICE.read_text("utf-8")  # started by the timer only


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze", "Debian: systemd")
    # verify needs the command to exist: point it at this installation's hubdesk-cli.
    cli = Path(sysconfig.get_path("scripts")) / "hubdesk-cli"
    assert cli.exists(), cli
    (tmp_path / SERVICE.name).write_text(
        SERVICE.read_text("utf-8").replace("%h/.local/bin/hubdesk-cli", str(cli)), "utf-8"
    )
    shutil.copy(TIMER, tmp_path / TIMER.name)
    done = subprocess.run(
        [analyze, "verify", "--man=no", TIMER.name, SERVICE.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "" and done.stderr.strip() == "", done.stderr  # no warnings


def test_the_task_scheduler_task_is_well_formed_and_repeats_the_flush() -> None:
    raw = TASK.read_bytes()
    assert raw.startswith(b"\xff\xfe")  # UTF-16 with a BOM, as Task Scheduler exports it
    root = ET.fromstring(raw)  # well-formed, in the encoding it declares
    assert root.tag == f"{{{NS['t']}}}Task" and root.get("version") == "1.2"
    command = root.findtext("t:Actions/t:Exec/t:Command", namespaces=NS)
    assert command is not None and command.endswith("\\hubdesk-cli.exe")
    assert root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=NS) == " ".join(FLUSH)
    trigger = root.find("t:Triggers/t:LogonTrigger", NS)
    assert trigger is not None
    assert trigger.findtext("t:Repetition/t:Interval", namespaces=NS) == "PT5M"
    settings = root.find("t:Settings", NS)
    assert settings is not None
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=NS) == "IgnoreNew"
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"
    logon = root.findtext("t:Principals/t:Principal/t:LogonType", namespaces=NS)
    assert logon == "InteractiveToken"  # the user's own keyring, no stored password


def test_the_launchd_agent_is_a_valid_plist_that_runs_the_flush() -> None:
    with AGENT.open("rb") as handle:
        agent = plistlib.load(handle)
    assert agent["Label"] == AGENT.name.removesuffix(".plist")
    shell, flag, script = agent["ProgramArguments"]
    assert (shell, flag) == ("/bin/sh", "-c")
    assert script.split()[2:] == FLUSH and '"$HOME/.local/bin/hubdesk-cli"' in script
    assert agent["StartInterval"] == 300 and agent["RunAtLoad"] is True
