"""Calling receivers and hooks, from sync and from async code.

Receivers are called in connection order with the sender given by the caller.
Sync code runs coroutine receivers and ``async def`` hooks to completion;
async code awaits them and runs sync ones through thread-sensitive
``sync_to_async``, consecutive sync receivers of one send in one hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async

from .signals import OrderedSignal, Receiver

logger = logging.getLogger("flasksignals_django")
T = TypeVar("T")
Errors = list[BaseException] | None
"""Where a robust step keeps its errors; ``None`` lets the first error propagate."""


def receivers(signal: OrderedSignal, sender: Any) -> list[Receiver]:
    """The live receivers of ``signal`` for ``sender``, in connection order."""
    if not signal.receivers or signal.is_muted:
        return []
    return signal.ordered_receivers(sender)


# -- async code run from sync code ---------------------------------------------------


class _HelperLoop:
    """One daemon thread running an event loop, for coroutines called from a loop's thread.

    Sync code on an event loop's thread (a template render inside an async view)
    cannot block that loop to run a coroutine, so it hands the coroutine to
    this loop and waits, without starting a thread per call.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _start(self) -> asyncio.AbstractEventLoop:
        """The helper loop, started by the first caller (threads may race here)."""
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever,
                    name="flasksignals-helper-loop",
                    daemon=True,
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def is_current_thread(self) -> bool:
        return self._thread is threading.current_thread()

    def run(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        loop = self._start()
        context = contextvars.copy_context()
        done: Future[T] = Future()

        def start() -> None:
            task = loop.create_task(_as_coroutine(fn, *args, **kwargs), context=context)
            task.add_done_callback(lambda t: _settle(done, t))

        loop.call_soon_threadsafe(start)
        return done.result()


async def _as_coroutine(
    fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> T:
    return await fn(*args, **kwargs)


def _settle(future: Future[T], task: asyncio.Task[T]) -> None:
    if task.cancelled():
        future.set_exception(asyncio.CancelledError())
    elif (error := task.exception()) is not None:
        future.set_exception(error)
    else:
        future.set_result(task.result())


_helper_loop = _HelperLoop()


def on_event_loop_thread() -> bool:
    return (
        asyncio._get_running_loop() is not None
    )  # the public form raises, costing more


def run_off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Call sync ``fn(*args)``, on a helper thread if this thread runs an event loop.

    Sync code that must not run on a loop's thread (ORM calls in teardown) then
    still works, in a copy of this context.
    """
    if asyncio._get_running_loop() is None:  # on_event_loop_thread(), once per request
        return fn(*args)
    context = contextvars.copy_context()
    outcome: Future[T] = Future()

    def target() -> None:
        try:
            outcome.set_result(context.run(fn, *args))
        except BaseException as exc:
            outcome.set_exception(exc)

    threading.Thread(target=target, name="flasksignals-off-loop").start()
    return outcome.result()


def run_coroutine_sync(
    fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
) -> Any:
    """Run coroutine function ``fn`` to completion from sync code."""
    if not on_event_loop_thread():
        return async_to_sync(fn)(*args, **kwargs)
    if _helper_loop.is_current_thread():  # a coroutine receiver sending itself
        return run_off_loop(lambda: async_to_sync(fn)(*args, **kwargs))
    return _helper_loop.run(fn, *args, **kwargs)


# -- hooks ---------------------------------------------------------------------------

_ASYNC_HOOKS: dict[int, tuple[weakref.ref[Any], bool]] = {}


def _forget_hook(key: int) -> Callable[[weakref.ref[Any]], None]:
    def forget(_: weakref.ref[Any]) -> None:
        _ASYNC_HOOKS.pop(key, None)

    return forget


def is_async(fn: Callable[..., Any]) -> bool:
    """``iscoroutinefunction(fn)``, remembered while ``fn`` lives: hooks run on every request.

    Keyed by identity, checked through a weak reference, so that looking up
    allocates nothing.
    """
    key = id(fn)
    known = _ASYNC_HOOKS.get(key)
    if known is not None and known[0]() is fn:
        return known[1]
    answer = iscoroutinefunction(fn)
    with contextlib.suppress(TypeError):  # not weakly referenceable: not remembered
        _ASYNC_HOOKS[key] = (weakref.ref(fn, _forget_hook(key)), answer)
    return answer


def call_sync(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a hook from sync code, running it to completion if it is a coroutine function."""
    if is_async(fn):
        return run_coroutine_sync(fn, *args)
    return fn(*args)


async def call_async(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a hook from async code; a sync one runs through thread-sensitive ``sync_to_async``."""
    if is_async(fn):
        return await fn(*args)
    return await sync_to_async(fn)(*args)


# -- receivers -----------------------------------------------------------------------


def report(errors: Errors, exc: BaseException, what: object) -> None:
    """Log a robust step's error and keep it, or re-raise it when errors propagate."""
    if errors is None:
        raise exc
    logger.error("%r raised during a flasksignals_django step", what, exc_info=exc)
    errors.append(exc)


def send_to(
    batch: list[Receiver], sender: Any, kwargs: dict[str, Any], errors: Errors = None
) -> None:
    """Call ``batch`` (from :func:`receivers`) from sync code.

    A receiver that raises stops the send, unless ``errors`` is a list: then the
    error is logged to the ``flasksignals_django`` logger, kept in ``errors``,
    and the next receiver runs.
    """
    for receiver, coroutine in batch:
        try:
            if coroutine:
                run_coroutine_sync(receiver, sender, **kwargs)
            else:
                receiver(sender, **kwargs)
        except Exception as exc:
            report(errors, exc, receiver)


async def send_to_async(
    batch: list[Receiver], sender: Any, kwargs: dict[str, Any], errors: Errors = None
) -> None:
    """Call ``batch`` from async code, in order, without blocking the event loop."""
    pending: list[Receiver] = []
    for receiver, coroutine in batch:
        if not coroutine:
            pending.append((receiver, coroutine))
            continue
        if pending:
            await sync_to_async(send_to)(pending, sender, kwargs, errors)
            pending = []
        try:
            await receiver(sender, **kwargs)
        except Exception as exc:
            report(errors, exc, receiver)
    if pending:
        await sync_to_async(send_to)(pending, sender, kwargs, errors)
