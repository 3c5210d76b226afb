"""How much of an answer the client will read: a size cap enforced while the body streams.

A real API page is a few kilobytes; :data:`MAX_BODY` (10 MiB) is far above any of them
and far below what hurts. A server (or something in front of it) that sends more is
stopped as soon as the count passes the cap, before the rest is read: a 400 MB answer
used to be read whole (1.28 GB peak). The cap holds for every response the client
reads, the 401 an auth flow reads before it refreshes included, because it is put on
each response's stream by the client's response hook (:func:`cap_body`), whatever the
transport underneath (the network with its proxies, or a test's in-process app).

The count is of bytes as they arrive. The client asks for them uncompressed
(``Accept-Encoding: identity``): a compressed body's size says nothing about what it
expands to, so an answer compressed anyway is refused (:class:`EncodedBody`) rather
than decompressed without a bound.

The total time a request may take is the client's ``deadline`` (``HubClient``); these
two together bound what any one answer can cost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from hubdesk.api.headers import header_count

__all__ = ["MAX_BODY", "BodyTooLarge", "CappedStream", "EncodedBody", "cap_body"]

MAX_BODY = 10 * 1024 * 1024  # bytes


class BodyTooLarge(Exception):
    """The answer's body is larger than the cap (raised while it is being read)."""

    def __init__(self, limit: int, status: int) -> None:
        super().__init__(f"the answer is larger than {limit} bytes")
        self.limit = limit
        self.status = status


class EncodedBody(Exception):
    """The answer is compressed although the client asked for an uncompressed one."""

    def __init__(self, encoding: str, status: int) -> None:
        super().__init__(f"the answer is compressed ({encoding})")
        self.encoding = encoding
        self.status = status


class CappedStream(httpx.AsyncByteStream):
    """``stream``, raising :class:`BodyTooLarge` once more than ``limit`` bytes came."""

    def __init__(self, stream: httpx.AsyncByteStream, limit: int, status: int) -> None:
        self._stream = stream
        self._limit = limit
        self._status = status

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._stream:
            seen += len(chunk)
            if seen > self._limit:
                raise BodyTooLarge(self._limit, self._status)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


def cap_body(response: httpx.Response, limit: int) -> None:
    """Refuse ``response`` now if it is compressed or says it is too long; else make its
    body stop at ``limit`` bytes. Called from the response hook, before anything reads
    the body (httpx reads ``response.stream`` when the body is read)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise EncodedBody(encoding[:40], response.status_code)
    length = header_count(response.headers.get("content-length"))
    if length is not None and length > limit:
        raise BodyTooLarge(limit, response.status_code)
    try:
        body = response.content  # already in memory (an in-process transport made it so)
    except httpx.ResponseNotRead:
        stream = response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            response.stream = CappedStream(stream, limit, response.status_code)
        return
    if len(body) > limit:
        raise BodyTooLarge(limit, response.status_code)
