"""A small, real HTTP/1.1 forward proxy on loopback, for the proxy tests (issue 11, item 13).

It does what a corporate proxy does for HubDesk: plain http requests in absolute form
(``GET http://host:port/path HTTP/1.1``) are forwarded to the origin, and ``CONNECT
host:port`` opens a tunnel that the client's TLS session runs through end to end. It
records each request line in :attr:`ForwardProxy.seen`, so a test can prove a request
went through it. One request per client connection: every forwarded request asks the
origin to close after answering, and the answer is relayed until the origin closes.

Not a general proxy: no request bodies but ``Content-Length`` ones (what httpx sends
for forms), no authentication, loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)


class ForwardProxy:
    """Runs in a thread with its own event loop (``with ForwardProxy() as proxy``)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head[:-4].split(b"\r\n")
            method, target, version = request_line.split(b" ", 2)
            self.seen.append(request_line.decode("latin-1"))
            if method == b"CONNECT":
                await self._tunnel(target.decode("ascii"), reader, writer)
            else:
                await self._forward(
                    method, target.decode("ascii"), version, header_lines, reader, writer
                )
        except (OSError, asyncio.IncompleteReadError, ValueError):
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        finally:
            with contextlib.suppress(OSError):
                writer.close()
                await writer.wait_closed()

    async def _tunnel(
        self, authority: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, _, port = authority.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def _forward(
        self,
        method: bytes,
        target: str,
        version: bytes,
        header_lines: list[bytes],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        url = urlsplit(target)
        if url.scheme != "http" or not url.hostname:
            raise ValueError("only absolute-form http:// targets are forwarded")
        length = 0
        kept: list[bytes] = []
        for line in header_lines:
            name = line.split(b":", 1)[0].strip().lower()
            if name == b"content-length":
                length = int(line.split(b":", 1)[1])
            if name not in _HOP_BY_HOP:
                kept.append(line)
        body = await reader.readexactly(length) if length else b""
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        up_writer.write(
            method
            + b" "
            + path.encode("ascii")
            + b" "
            + version
            + b"\r\n"
            + b"\r\n".join([*kept, b"Connection: close"])
            + b"\r\n\r\n"
            + body
        )
        await up_writer.drain()
        await _pipe(up_reader, writer)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.close()
