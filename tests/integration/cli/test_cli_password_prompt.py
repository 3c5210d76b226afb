"""``hubdesk-cli login`` on a real terminal: the password is asked for without echo.

The CLI runs on a pseudo-terminal that is its controlling terminal (``pty.fork``), as in
a person's shell, so ``getpass`` really turns echo off; what the terminal shows back is
read from the master side.
"""

from __future__ import annotations

import os
import select
import sys
import time

import pytest

if sys.platform == "win32":
    pytest.skip("POSIX only: a pseudo-terminal (pty)", allow_module_level=True)

import pty  # noqa: E402

from tests.integration.cli.cli_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    CONSOLE_SCRIPT,
    PASSWORD,
    USERNAME,
    Cli,
)


def _read_until(fd: int, wanted: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {wanted!r} on the terminal; it showed {seen!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _read_rest(fd: int, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.timeout(60)
def test_login_prompts_for_the_password_without_echo(cli: Cli) -> None:
    argv = [
        str(CONSOLE_SCRIPT), "login", "--client-id", CLIENT_ID,
        "--client-secret", CLIENT_SECRET, "--username", USERNAME,
    ]  # fmt: skip
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        os.execve(argv[0], argv, cli.env)
    try:
        prompt = _read_until(fd, b"assword", timeout=30)
        os.write(fd, PASSWORD.encode() + b"\n")
        rest = _read_rest(fd, timeout=20)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    shown = (prompt + rest).decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert PASSWORD not in shown  # not echoed, not printed
    assert "Logged in as 200-VasimTest" in shown
    assert cli.keyring_file.exists()  # the session went to the keyring, not the password
    assert PASSWORD not in cli.keyring_file.read_text(encoding="utf-8")


@pytest.mark.timeout(60)
def test_login_without_client_secret_asks_for_it_without_echo(cli: Cli) -> None:
    argv = [str(CONSOLE_SCRIPT), "login", "--client-id", CLIENT_ID, "--username", USERNAME]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, cli.env)
    try:
        first = _read_until(fd, b"Client secret: ", timeout=30)
        os.write(fd, CLIENT_SECRET.encode() + b"\n")
        second = _read_until(fd, b"assword", timeout=30)
        os.write(fd, PASSWORD.encode() + b"\n")
        rest = _read_rest(fd, timeout=20)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    shown = (first + second + rest).decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert CLIENT_SECRET not in shown and PASSWORD not in shown
    assert "Logged in as 200-VasimTest" in shown
