"""One description of each lifecycle, two drivers.

A lifecycle (a request's start and end, the hooks, a teardown) is written once
as a generator that yields *steps*: send these receivers, call this hook, call
the next middleware. :func:`run_sync` runs the steps for WSGI and plain sync
code; :func:`run_async` runs the same steps on an event loop, awaiting
coroutines and moving sync user code off the loop. So the order of events is
the same on every path by construction.

An exception raised by a step is thrown back into the generator at its
``yield``, so lifecycles use ordinary ``try``/``except``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from .dispatch import call_async, call_sync, send_to, send_to_async
from .signals import Receiver

T = TypeVar("T")


class Step:
    """Something a lifecycle asks its driver to do."""

    __slots__ = ()

    def run(self) -> Any:
        raise NotImplementedError

    async def run_async(self) -> Any:
        raise NotImplementedError


class Send(Step):
    """Call signal receivers with ``current_app`` and ``kwargs``.

    With ``errors`` a list, every receiver runs and errors are logged and kept
    there; otherwise the first error propagates.
    """

    __slots__ = ("batch", "kwargs", "errors")

    def __init__(
        self,
        batch: list[Receiver],
        kwargs: dict[str, Any],
        errors: list[BaseException] | None = None,
    ) -> None:
        self.batch = batch
        self.kwargs = kwargs
        self.errors = errors

    def run(self) -> None:
        send_to(self.batch, self.kwargs, self.errors)

    async def run_async(self) -> None:
        await send_to_async(self.batch, self.kwargs, self.errors)


class Call(Step):
    """Call user code (a hook or an error handler), sync or ``async def``."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self.args = args

    def run(self) -> Any:
        return call_sync(self.fn, *self.args)

    async def run_async(self) -> Any:
        return await call_async(self.fn, *self.args)


class Next(Step):
    """Call the next layer of Django's middleware chain."""

    __slots__ = ("get_response", "request")

    def __init__(self, get_response: Callable[[Any], Any], request: Any) -> None:
        self.get_response = get_response
        self.request = request

    def run(self) -> Any:
        return self.get_response(self.request)

    async def run_async(self) -> Any:
        return await self.get_response(self.request)


class Blocking(Step):
    """Call the library's own sync code that may block (render a page, wait for a lock).

    Under async it runs in a worker thread, thread-sensitive when asked.
    """

    __slots__ = ("fn", "args", "thread_sensitive")

    def __init__(
        self, fn: Callable[..., Any], *args: Any, thread_sensitive: bool = False
    ) -> None:
        self.fn = fn
        self.args = args
        self.thread_sensitive = thread_sensitive

    def run(self) -> Any:
        return self.fn(*self.args)

    async def run_async(self) -> Any:
        return await sync_to_async(self.fn, thread_sensitive=self.thread_sensitive)(
            *self.args
        )


Flow = Generator[Step, Any, T]


def run_sync(flow: Flow[T]) -> T:
    """Drive ``flow`` from sync code."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        error = value = None
        try:
            value = step.run()
        except BaseException as exc:
            error = exc


async def run_async(flow: Flow[T]) -> T:
    """Drive ``flow`` from async code."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        error = value = None
        try:
            value = await step.run_async()
        except BaseException as exc:
            error = exc
