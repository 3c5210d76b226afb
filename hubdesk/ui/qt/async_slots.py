"""asyncio inside the Qt event loop: the only module that imports qasync.

* :func:`async_slot` turns ``async def`` methods into Qt slots that disable their
  trigger while running, route exceptions to an error handler (by default: the
  standard sentence in the owner's window, and the log) and re-enable in ``finally``;
  a second trigger while one run is in flight is ignored.
* :func:`spawn` starts a background task, keeps a strong reference until it ends and
  logs its failure (asyncio keeps only weak references to tasks).
* :func:`create_event_loop` / :func:`close_event_loop` set up and tear down a qasync
  loop (the application's, or a test's).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, overload

import qasync
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from hubdesk.core.errors import CoreError
from hubdesk.ui.qt.errors import ToastHost, show_error

__all__ = ["BLOCKING_WORKERS", "HasWindow", "Trigger", "async_slot", "cancel_all",
           "close_event_loop", "create_event_loop", "run_until_complete", "running_tasks",
           "spawn"]  # fmt: skip

log = logging.getLogger(__name__)

P = ParamSpec("P")
S = TypeVar("S")
T = TypeVar("T")

#: What a slot disables while it runs.
Trigger = QWidget | QAction


class HasWindow(Protocol):
    """An owner of async slots that have no error handler of their own: their failures
    are shown in its window (:func:`hubdesk.ui.qt.errors.show_error`)."""

    @property
    def window(self) -> ToastHost: ...


W = TypeVar("W", bound=HasWindow)
_Slot = Callable[Concatenate[S, P], Coroutine[Any, Any, None]]
_Wrapped = Callable[Concatenate[S, P], "asyncio.Task[None] | None"]


class SlotDecorator(Protocol[S]):
    """``async_slot(...)`` with a trigger or an error handler: methods of ``S`` only."""

    def __call__(self, fn: _Slot[S, P], /) -> _Wrapped[S, P]: ...


class DefaultSlotDecorator(Protocol):
    """``async_slot()``: methods of any class with a window to show errors in."""

    def __call__(self, fn: _Slot[W, P], /) -> _Wrapped[W, P]: ...


_tasks: set[asyncio.Task[Any]] = set()

#: Threads for ``asyncio.to_thread`` / ``run_in_executor(None, ...)`` (keyring calls, file
#: reads and writes, the profile lock's wait, DNS look-ups), started only when needed.
#: qasync's own default executor starts ten QThreads at its first use and keeps them.
BLOCKING_WORKERS = 4


def _loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()


def _log_outcome(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if task.cancelled():
        log.debug("task %s cancelled", task.get_name())
        return
    exc = task.exception()
    if exc is not None:
        log.error("task %s failed", task.get_name(), exc_info=exc)


def spawn(coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
    """Run ``coro`` as a task on the current loop, keep it alive, log how it ends."""
    task: asyncio.Task[T] = _loop().create_task(coro, name=name)
    _tasks.add(task)
    task.add_done_callback(_log_outcome)
    return task


def running_tasks() -> frozenset[asyncio.Task[Any]]:
    """The spawned tasks that have not finished (for shutdown and for tests)."""
    return frozenset(_tasks)


async def cancel_all(timeout: float = 2.0) -> None:
    """Cancel every spawned task and wait (bounded) for them to finish: call on quit."""
    pending = [t for t in _tasks if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=timeout)


def _resolve_triggers(
    spec: Callable[[Any], Trigger | Sequence[Trigger]] | None, owner: Any
) -> list[Trigger]:
    if spec is None:
        return []
    found = spec(owner)
    items = [found] if isinstance(found, QWidget | QAction) else list(found)
    return [t for t in items if isinstance(t, QWidget | QAction)]


def _enable(triggers: list[Trigger]) -> None:
    for item in triggers:
        try:
            item.setEnabled(True)
        except RuntimeError:  # the C++ object is already gone
            pass


def _route_error(
    on_error: Callable[[Any, Exception], None] | None, owner: Any, exc: Exception, where: str
) -> None:
    try:
        if on_error is not None:
            on_error(owner, exc)
            return
        if isinstance(exc, CoreError):  # a refusal the user is told about: one line
            log.info("%s refused (%s)", where, type(exc).__name__)
        else:
            log.warning("%s failed", where, exc_info=exc)
        show_error(owner.window, exc)
    except Exception:
        log.exception("the error handler of %s failed", where)


@overload
def async_slot(
    *,
    trigger: Callable[[S], Trigger | Sequence[Trigger]] | None = None,
    on_error: Callable[[S, Exception], None],
) -> SlotDecorator[S]: ...
@overload
def async_slot(
    *, trigger: Callable[[W], Trigger | Sequence[Trigger]], on_error: None = None
) -> SlotDecorator[W]: ...
@overload
def async_slot(*, trigger: None = None, on_error: None = None) -> DefaultSlotDecorator: ...
def async_slot(
    *,
    trigger: Callable[[Any], Trigger | Sequence[Trigger]] | None = None,
    on_error: Callable[[Any, Exception], None] | None = None,
) -> Any:
    """Decorate an ``async def`` method so it can be connected to a Qt signal.

    ``trigger(self)`` gives the widget(s)/action(s) to disable while the coroutine runs
    (re-enabled in ``finally``, unless they were disabled before). ``on_error(self,
    exc)`` receives any ``Exception``; without one, the error is logged and shown the
    standard way in ``self.window`` (``errors.show_error``), so the class must have a
    ``window`` (:class:`HasWindow`). Both are functions of the owner, usually methods
    defined above the slot, so mypy checks them against the class. ``CancelledError``
    is not an error.

    The wrapper returns the task (tests await it), or ``None`` when a run of the same
    slot on the same object is still in flight.
    """

    for name, given in (("trigger", trigger), ("on_error", on_error)):
        if given is not None and not callable(given):  # a method's name, as once written
            raise TypeError(f"async_slot({name}=...) takes a function of the owner: {given!r}")

    def decorate(
        fn: Callable[Concatenate[S, P], Coroutine[Any, Any, None]],
    ) -> Callable[Concatenate[S, P], asyncio.Task[None] | None]:
        busy: weakref.WeakSet[Any] = weakref.WeakSet()
        where = getattr(fn, "__qualname__", repr(fn))

        async def run(
            triggers: list[Trigger], owner: S, /, *args: P.args, **kwargs: P.kwargs
        ) -> None:
            try:
                await fn(owner, *args, **kwargs)
            except Exception as exc:  # routed, never swallowed silently
                _route_error(on_error, owner, exc, where)
            finally:
                busy.discard(owner)
                _enable(triggers)

        def wrapper(owner: S, /, *args: P.args, **kwargs: P.kwargs) -> asyncio.Task[None] | None:
            if owner in busy:
                log.debug("%s already running; trigger ignored", where)
                return None
            # Disable synchronously, so a double click cannot start a second run.
            triggers = [t for t in _resolve_triggers(trigger, owner) if t.isEnabled()]
            for item in triggers:
                item.setEnabled(False)
            busy.add(owner)
            try:
                return spawn(run(triggers, owner, *args, **kwargs), name=where)
            except BaseException:
                busy.discard(owner)
                _enable(triggers)
                raise

        functools.update_wrapper(wrapper, fn)
        return wrapper

    return decorate


class _QtLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync is untyped
    """qasync's loop, except for the last pass of :meth:`run_until_complete`. qasync, once
    the loop has stopped, processes Qt's pending events one last time; a task step pending
    there (one started as the coroutine ended, e.g. by the window closing on quit) ran with
    no running loop, failed with "no running event loop" and logged a traceback. This loop
    stays the thread's running loop for that pass."""

    _last_pass = False

    def run_forever(self) -> Any:
        try:
            return super().run_forever()
        finally:
            if self._last_pass:
                asyncio.events._set_running_loop(self)

    def run_until_complete(self, future: Any) -> Any:
        if self.is_running():
            return super().run_until_complete(future)  # qasync refuses it
        self._last_pass = True
        try:
            return super().run_until_complete(future)
        finally:
            self._last_pass = False
            if asyncio.events._get_running_loop() is self:
                asyncio.events._set_running_loop(None)


def create_event_loop(app: QCoreApplication | None = None) -> asyncio.AbstractEventLoop:
    """A qasync loop on ``app`` (default: the running application), set as current."""
    loop: asyncio.AbstractEventLoop = _QtLoop(app or QCoreApplication.instance())
    loop.set_default_executor(
        ThreadPoolExecutor(max_workers=BLOCKING_WORKERS, thread_name_prefix="hubdesk-io")
    )
    asyncio.set_event_loop(loop)
    return loop


def close_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on ``loop``, let it finish, close it and unset it."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending and not loop.is_running():
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    if not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


def run_until_complete(loop: asyncio.AbstractEventLoop, aw: Coroutine[Any, Any, T]) -> T:
    """Run ``aw`` on ``loop`` while Qt keeps processing events (tests, scripts)."""
    return loop.run_until_complete(aw)
