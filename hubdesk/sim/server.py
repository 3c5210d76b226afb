"""Run the simulator over real HTTP on loopback: in a background thread or in a running loop.

Usage::

    with SimServer() as sim:              # sync: tests, the GUI's demo mode
        client = httpx.Client(base_url=sim.base_url)
        sim.state.inject_inbound("447400123456", "Hello")

    async with AsyncSimServer() as sim:   # inside an existing asyncio loop
        ...
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from types import TracebackType

import uvicorn

from hubdesk.sim.app import SimApp
from hubdesk.sim.config import SimConfig
from hubdesk.sim.faults import SimulatedDrop
from hubdesk.sim.state import SimState

LOOPBACK = "127.0.0.1"


class _QuietDrops(logging.Filter):
    """Hide uvicorn's traceback for connections the simulator drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, SimulatedDrop)


_FILTER = _QuietDrops()


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (``port`` 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def uvicorn_config(
    app: SimApp, log_level: str = "warning", tls: tuple[str, str] | None = None
) -> uvicorn.Config:
    """``tls``: (certificate file, key file) to serve https instead of http."""
    install_log_filter()
    return uvicorn.Config(
        app,
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        server_header=False,  # the app writes its own Server and Date headers
        date_header=False,
        http="h11",
        timeout_graceful_shutdown=2,
    )


class _Base:
    def __init__(
        self,
        state: SimState | None = None,
        *,
        config: SimConfig | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        if state is not None and config is not None:
            raise ValueError("pass either a state or a config, not both")
        self.tls = tls
        self.state = state or SimState(config)
        self.app = SimApp(self.state)
        self.host = host
        self._requested_port = port
        self._sock: socket.socket | None = None
        self._port: int | None = None
        self._server: uvicorn.Server | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the simulator has not been started")
        return self._port

    def _bind(self) -> socket.socket:
        self._sock = bind_socket(self.host, self._requested_port)
        self._port = int(self._sock.getsockname()[1])
        return self._sock

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` when serving ``tls``)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{url_host(self.host)}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL: ``http://127.0.0.1:PORT/api``."""
        return f"{self.origin}/api"

    @property
    def control_url(self) -> str:
        """The control surface: ``http://127.0.0.1:PORT/_sim``."""
        return f"{self.origin}/_sim"


class SimServer(_Base):
    """The simulator on loopback in a background thread (a sync context manager)."""

    def __init__(
        self,
        state: SimState | None = None,
        *,
        config: SimConfig | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        start_timeout: float = 10.0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(state, config=config, host=host, port=port, tls=tls)
        self._thread: threading.Thread | None = None
        self._start_timeout = start_timeout

    def start(self) -> SimServer:
        if self._thread is not None:
            raise RuntimeError("already started")
        sock = self._bind()
        server = self._server = uvicorn.Server(uvicorn_config(self.app, tls=self.tls))
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="hubdesk-sim", daemon=True
        )
        self._thread.start()
        deadline = self._start_timeout
        step = 0.01
        while not server.started:
            if not self._thread.is_alive():
                self._close_socket()
                raise RuntimeError("hubdesk-sim failed to start")
            if deadline <= 0:
                self.stop()
                raise TimeoutError("hubdesk-sim did not start in time")
            threading.Event().wait(step)
            deadline -= step
        return self

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout)
        self._thread = None
        self._server = None
        self._close_socket()

    def _close_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class AsyncSimServer(_Base):
    """The simulator on loopback as a task of the running event loop.

    Note: a client in the same loop must be async (a sync client would block the server).
    """

    def __init__(
        self,
        state: SimState | None = None,
        *,
        config: SimConfig | None = None,
        host: str = LOOPBACK,
        port: int = 0,
    ) -> None:
        super().__init__(state, config=config, host=host, port=port)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> AsyncSimServer:
        sock = self._bind()
        server = self._server = uvicorn.Server(uvicorn_config(self.app))
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                await self._task  # re-raises the start-up failure
                raise RuntimeError("hubdesk-sim stopped during start-up")
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 5.0)
            except TimeoutError:
                self._server.force_exit = True
                await self._task
        self._task = None
        self._server = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def __aenter__(self) -> AsyncSimServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
