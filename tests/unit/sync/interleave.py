"""Interleavings chosen by a test, at exact points of the code under test.

``Hooks`` wraps the client's transport (``kit(outside=hooks.wrap)``, outside the
time-out, so a hook's own work never times the request out). A hook runs a coroutine
once, before the first matching request reaches the server, or after its answer came
back and before the code under test sees it: "a background pass lands right there".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

Step = Callable[[], Awaitable[object]]


@dataclass
class Hook:
    method: str
    path: str
    before: Step | None = None
    after: Step | None = None
    fired: bool = False

    def matches(self, request: httpx.Request) -> bool:
        return request.method == self.method and request.url.path == self.path


class Hooks:
    """The hooks of one client, each fired once, in the order they were added."""

    def __init__(self) -> None:
        self._hooks: list[Hook] = []

    def before(self, method: str, path: str, step: Step) -> Hook:
        hook = Hook(method, path, before=step)
        self._hooks.append(hook)
        return hook

    def after(self, method: str, path: str, step: Step) -> Hook:
        hook = Hook(method, path, after=step)
        self._hooks.append(hook)
        return hook

    def wrap(self, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return _HookTransport(self, inner)

    def take(self, request: httpx.Request) -> Hook | None:
        hook = next((h for h in self._hooks if not h.fired and h.matches(request)), None)
        if hook is not None:
            hook.fired = True
        return hook


class _HookTransport(httpx.AsyncBaseTransport):
    def __init__(self, hooks: Hooks, inner: httpx.AsyncBaseTransport) -> None:
        self._hooks = hooks
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        hook = self._hooks.take(request)
        if hook is not None and hook.before is not None:
            await hook.before()
        response = await self._inner.handle_async_request(request)
        if hook is not None and hook.after is not None:
            await hook.after()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
