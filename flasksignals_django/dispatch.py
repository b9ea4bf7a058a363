"""Sending signals and calling hooks from sync and from async code.

Every send passes ``current_app`` as the sender and calls receivers in
connection order. Sync code runs coroutine receivers to completion; async code
awaits them and runs sync receivers through thread-sensitive ``sync_to_async``,
consecutive sync receivers in one hop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async

from .app import current_app
from .signals import OrderedSignal, Receiver

logger = logging.getLogger("flasksignals_django")
T = TypeVar("T")


def receivers(signal: OrderedSignal) -> list[Receiver]:
    """The live receivers of ``signal`` for ``current_app``, in connection order.

    Each comes as ``(receiver, is_async)``; callers test ``signal.receivers``
    first when they want to skip even this call.
    """
    if not signal.receivers or signal.is_muted:
        return []
    return signal.ordered_receivers(current_app)


def run_off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(*args)``, on a helper thread if this thread runs an event loop.

    Sync code that must not run on a loop's thread (a coroutine receiver run to
    completion, ORM calls in teardown) then still works, in a copy of this context.
    """
    if asyncio._get_running_loop() is None:  # the public form raises, which costs more
        return fn(*args)
    context = contextvars.copy_context()
    outcome: list[Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(context.run(fn, *args))
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="flasksignals-off-loop")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]  # type: ignore[no-any-return]


def run_coroutine_sync(
    fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
) -> Any:
    """Run coroutine function ``fn`` to completion from sync code."""
    return run_off_loop(functools.partial(async_to_sync(fn), *args, **kwargs))


_ASYNC_HOOKS: dict[Callable[..., Any], bool] = {}
_ASYNC_HOOKS_LIMIT = 1024


def is_async(fn: Callable[..., Any]) -> bool:
    """``iscoroutinefunction(fn)``, remembered: hooks run on every request."""
    try:
        known = _ASYNC_HOOKS.get(fn)
    except TypeError:  # an unhashable callable object
        return iscoroutinefunction(fn)
    if known is None:
        if len(_ASYNC_HOOKS) >= _ASYNC_HOOKS_LIMIT:
            _ASYNC_HOOKS.clear()
        known = _ASYNC_HOOKS[fn] = iscoroutinefunction(fn)
    return known


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


def _report(errors: list[BaseException] | None, exc: Exception, what: object) -> None:
    """Log a robust step's error, or re-raise it when the caller wants errors to propagate."""
    if errors is None:
        raise exc
    logger.error("%r raised during a flasksignals_django step", what, exc_info=exc)
    errors.append(exc)


def send_to(
    batch: list[Receiver],
    kwargs: dict[str, Any],
    errors: list[BaseException] | None = None,
) -> None:
    """Call ``batch`` (from :func:`receivers`) from sync code.

    A receiver that raises stops the send, unless ``errors`` is a list: then the
    error is logged to the ``flasksignals_django`` logger, kept in ``errors``,
    and the next receiver runs.
    """
    for receiver, is_async in batch:
        try:
            if is_async:
                run_coroutine_sync(receiver, current_app, **kwargs)
            else:
                receiver(current_app, **kwargs)
        except Exception as exc:
            _report(errors, exc, receiver)


async def send_to_async(
    batch: list[Receiver],
    kwargs: dict[str, Any],
    errors: list[BaseException] | None = None,
) -> None:
    """Call ``batch`` from async code, in order, without blocking the event loop."""
    pending: list[Receiver] = []
    for receiver, is_async in batch:
        if not is_async:
            pending.append((receiver, is_async))
            continue
        if pending:
            await sync_to_async(send_to)(pending, kwargs, errors)
            pending = []
        try:
            await receiver(current_app, **kwargs)
        except Exception as exc:
            _report(errors, exc, receiver)
    if pending:
        await sync_to_async(send_to)(pending, kwargs, errors)


def send(signal: OrderedSignal, /, **kwargs: Any) -> None:
    """Send ``signal`` from sync code; the first receiver error propagates."""
    if signal.receivers:
        batch = receivers(signal)
        if batch:
            send_to(batch, kwargs)
