"""SingleInstance with real processes: hand-over, stale sockets, hostile clients.

Each test starts ``single_instance_child.py`` (a QCoreApplication around SingleInstance)
as separate Python processes with a private ``XDG_RUNTIME_DIR`` and profile folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hubdesk.app.single_instance import (
    MAX_ARG_CHARS,
    MAX_ARGS,
    MAX_MESSAGE_BYTES,
    MessageError,
    decode_message,
    encode_message,
    server_location,
)
from tests.platforms import POSIX, posix_only

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("single_instance_child.py")
TEL = "tel:+447400123456"


@dataclass
class First:
    proc: subprocess.Popen[str]
    name: str
    record: Path

    def received(self) -> list[dict[str, list[str]]]:
        if not self.record.exists():
            return []
        lines = self.record.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    def wait_received(self, count: int, timeout: float = 10.0) -> list[dict[str, list[str]]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.received()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    # Short, as a real XDG_RUNTIME_DIR (/run/user/UID) is: pytest's tmp_path could push
    # the socket path past sun_path's limit and into the shared fallback folder.
    runtime = Path(tempfile.mkdtemp(prefix="hd-", dir="/tmp" if os.path.isdir("/tmp") else None))
    values = dict(os.environ)
    values.update(
        XDG_RUNTIME_DIR=str(runtime),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join([str(ROOT), values.get("PYTHONPATH", "")]),
    )
    yield values
    shutil.rmtree(runtime, ignore_errors=True)


def _run(home: Path, record: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(home), str(record), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _start_first(home: Path, record: Path, env: dict[str, str]) -> First:
    proc = _run(home, record, [], env)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("first "):
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"the first instance did not claim: {line!r} {err}")
    return First(proc, line.split(" ", 1)[1], record)


def _stop(first: First) -> None:
    first.record.with_name(first.record.name + ".stop").touch()
    try:
        first.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        first.proc.kill()
        first.proc.wait(timeout=10)


@pytest.fixture
def first(tmp_path: Path, env: dict[str, str]) -> Iterator[First]:
    started = _start_first(tmp_path / "profile", tmp_path / "record.jsonl", env)
    yield started
    if started.proc.poll() is None:
        _stop(started)


def _second(tmp_path: Path, env: dict[str, str], args: list[str], home: str = "profile") -> str:
    proc = _run(tmp_path / home, tmp_path / "second.jsonl", args, env)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, (out, err)
    return out.strip().splitlines()[-1]  # after "second": the outcome


def test_second_instance_hands_over_a_link_and_exits(
    first: First, tmp_path: Path, env: dict[str, str]
) -> None:
    assert _second(tmp_path, env, [TEL]) == "handed-over"
    got = first.wait_received(1)
    assert got == [{"args": [TEL], "parsed": ["DialRequest 447400123456"]}]
    # Nothing at all (a plain second start: "raise the window") is a message too.
    assert _second(tmp_path, env, []) == "handed-over"
    assert first.wait_received(2)[1] == {"args": [], "parsed": []}
    assert first.proc.poll() is None
    assert not (tmp_path / "second.jsonl").exists()  # the second never listened


@posix_only("the socket file and its 0700 folder (Windows uses a named pipe)")
def test_socket_is_private_and_per_profile(
    first: First, tmp_path: Path, env: dict[str, str]
) -> None:
    sock = Path(first.name)
    assert sock.parent == Path(env["XDG_RUNTIME_DIR"]) / "hubdesk"
    assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
    assert stat.S_ISSOCK(sock.stat().st_mode)
    # Another profile folder is another instance: it claims its own name.
    other = _start_first(tmp_path / "profile2", tmp_path / "record2.jsonl", env)
    try:
        assert other.name != first.name
        assert _second(tmp_path, env, [TEL], home="profile2") == "handed-over"
        assert other.wait_received(1)[0]["args"] == [TEL]
        assert first.received() == []
    finally:
        _stop(other)


def test_a_crashed_instance_is_recovered(first: First, tmp_path: Path, env: dict[str, str]) -> None:
    first.proc.kill()  # SIGKILL; TerminateProcess on Windows
    first.proc.wait(timeout=10)
    if POSIX:
        assert Path(first.name).exists(), "a killed instance leaves its socket file behind"
    # The next start gets the dead process's lock, finds nobody answering, removes a stale
    # socket file (POSIX) and listens.
    again = _start_first(tmp_path / "profile", tmp_path / "record-again.jsonl", env)
    try:
        assert again.name == first.name
        assert _second(tmp_path, env, [TEL]) == "handed-over"
        assert again.wait_received(1)[0]["args"] == [TEL]
    finally:
        _stop(again)


def _raw(name: str, data: bytes, *, half_close: bool = True) -> bytes:
    """Send ``data`` on a raw connection; what the server answered before closing."""
    if sys.platform == "win32":  # for mypy --platform win32: its only caller is posix_only
        raise AssertionError("POSIX only: Windows uses a named pipe")
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(10)
    try:
        client.connect(name)
        try:
            client.sendall(data)
            if half_close:
                client.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            return b""
        chunks = []
        while True:
            try:
                chunk = client.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        client.close()


@posix_only("a raw AF_UNIX client (Windows uses a named pipe)")
def test_hostile_payloads_are_refused_without_crashing(
    first: First, tmp_path: Path, env: dict[str, str]
) -> None:
    if sys.platform == "win32":  # for mypy --platform win32: the mark skips it there
        raise AssertionError("POSIX only: Windows uses a named pipe")
    header = struct.Struct(">I")
    oversized = header.pack(MAX_MESSAGE_BYTES + 1) + b"[" * 1024
    huge_claim = header.pack(0xFFFFFFFF)
    not_json = b"rm -rf ~; $(reboot)"
    not_utf8 = b'["\xff\xfe"]'
    hostile = [
        oversized,
        huge_claim,
        header.pack(len(not_json)) + not_json,
        header.pack(len(not_utf8)) + not_utf8,
        header.pack(9) + b'{"a": 1}',  # not a list
        header.pack(7) + b"[1,2,3]",  # not strings
        header.pack(2) + b"[]" + b"trailing",
        encode_message(["x"] * MAX_ARGS)[:-1] + b',"one too many"]',
        b"\x00\x00",  # a header cut short, then the client leaves
    ]
    for payload in hostile:
        assert _raw(first.name, payload) == b"", payload[:40]
    # A client that says nothing is dropped after the read timeout, not kept forever.
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.settimeout(10)
    silent.connect(first.name)
    try:
        assert silent.recv(1) == b""  # closed by the server
    finally:
        silent.close()
    # Still alive and still serving; none of the above was recorded.
    assert first.proc.poll() is None
    assert _raw(first.name, encode_message([TEL])) == b"\x01"
    assert first.wait_received(1) == [{"args": [TEL], "parsed": ["DialRequest 447400123456"]}]
    assert _second(tmp_path, env, ["sms:07400123456?body=Hi"]) == "handed-over"
    assert first.wait_received(2)[1]["parsed"] == ["ComposeRequest 447400123456"]
    assert first.proc.poll() is None


def test_after_a_clean_exit_nobody_answers(
    tmp_path: Path, env: dict[str, str], qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubdesk.app.single_instance import SingleInstance

    started = _start_first(tmp_path / "profile", tmp_path / "record.jsonl", env)
    _stop(started)
    assert started.proc.returncode == 0
    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    here = SingleInstance(tmp_path / "profile")
    assert here.server_name == started.name
    assert here.send_to_running([TEL], timeout=0.5) is False
    assert here.claim() is True  # and the next start is first again, in this process
    here.close()


def test_a_second_start_waits_for_the_first_to_listen(
    tmp_path: Path,
    env: dict[str, str],
    qapp: object,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``app.main`` takes the lock before its first frame and listens after it: a start
    in between must wait for the socket, not report "did not answer"."""
    from hubdesk.app.single_instance import SingleInstance

    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    here = SingleInstance(tmp_path / "profile")
    got: list[list[str]] = []
    here.message_received.connect(got.append)
    try:
        assert here.acquire() is True
        assert not here.listening
        second = _run(tmp_path / "profile", tmp_path / "second.jsonl", [TEL], env)
        assert second.stdout is not None
        assert second.stdout.readline().strip() == "second"  # it found the lock taken
        time.sleep(0.5)  # and tries to connect meanwhile, to nobody (its timeout is 5 s)
        assert second.poll() is None, second.communicate()
        assert here.listen() is True
        qtbot.waitUntil(lambda: got == [[TEL]], timeout=10_000)
        out, err = second.communicate(timeout=30)
        assert (second.returncode, out.strip()) == (0, "handed-over"), err
    finally:
        here.close()


def test_an_instance_whose_lock_file_was_deleted_is_still_first(
    first: First,
    tmp_path: Path,
    env: dict[str, str],
    qapp: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cleaner removed the lock file under a running HubDesk: the next start gets the
    lock, but the running one still answers on its socket, so the next start is second."""
    from hubdesk.app.single_instance import SingleInstance

    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    _name, lock_file = server_location(tmp_path / "profile")
    lock_file.unlink()
    here = SingleInstance(tmp_path / "profile")
    try:
        assert here.acquire() is False
        assert here.send_to_running([TEL], timeout=5) is True
    finally:
        here.close()
    assert first.wait_received(1) == [{"args": [TEL], "parsed": ["DialRequest 447400123456"]}]


def test_acquire_alone_makes_the_next_start_second(
    tmp_path: Path, qapp: object, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    from hubdesk.app.single_instance import SingleInstance

    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    first, second = SingleInstance(tmp_path / "p"), SingleInstance(tmp_path / "p")
    try:
        assert first.acquire() is True
        assert second.acquire() is False
        assert second.send_to_running([TEL], timeout=0.3) is False  # nobody listens yet
    finally:
        first.close()
    assert second.acquire() is True  # released by close()
    second.close()


# --- the wire format on its own -------------------------------------------------------


def test_message_round_trip_and_limits() -> None:
    args = [TEL, "--minimized", "sms:+447400123456?body=caf%C3%A9 ☕"]
    data = encode_message(args)
    assert struct.unpack(">I", data[:4])[0] == len(data) - 4
    assert decode_message(data[4:]) == args
    with pytest.raises(MessageError):
        encode_message(["x"] * (MAX_ARGS + 1))
    with pytest.raises(MessageError):
        encode_message(["x" * (MAX_ARG_CHARS + 1)])
    with pytest.raises(MessageError):
        encode_message(["\ud800"])  # a lone surrogate is not UTF-8
    for bad in (b"", b"null", b'"tel:1"', b"[null]", b"\xff"):
        with pytest.raises(MessageError):
            decode_message(bad)


def test_name_depends_on_user_and_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    a1, _ = server_location(tmp_path / "a")
    a2, _ = server_location(tmp_path / "a")
    b, _ = server_location(tmp_path / "b")
    assert a1 == a2 != b
    # A long runtime path falls back to a shorter private folder (sun_path limit).
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    name, _ = server_location(tmp_path / "a")
    assert len(os.fsencode(name)) <= 100
