"""The steps a lifecycle yields, and the two drivers that run them.

A lifecycle (see :mod:`~flasksignals_django.lifecycle`) is a generator that
yields steps: send these receivers, call this hook, call the next middleware.
:func:`run_sync` runs the steps for WSGI and plain sync code; :func:`run_async`
runs the same steps on an event loop, awaiting coroutines and moving sync user
code off the loop. An exception raised by a step is thrown back into the
generator at its ``yield``, so lifecycles use ordinary ``try``/``except``.

Each step records itself on the context's tap timeline when there is one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from ._sending import Errors, call_async, call_sync, receivers, send_to, send_to_async
from .globals import current_context
from .signals import OrderedSignal, Receiver
from .tap import Timeline

T = TypeVar("T")


class Step:
    """Something a lifecycle asks its driver to do."""

    __slots__ = ()

    def run(self) -> Any:
        raise NotImplementedError

    async def run_async(self) -> Any:
        raise NotImplementedError


class Send(Step):
    """Send ``signal``: call its receivers with ``sender`` and ``kwargs``.

    With ``errors`` a list, every receiver runs and errors are logged and kept
    there; otherwise the first error propagates.
    """

    __slots__ = ("signal", "batch", "sender", "kwargs", "errors", "timeline")

    def __init__(
        self,
        signal: OrderedSignal,
        batch: list[Receiver],
        sender: Any,
        kwargs: dict[str, Any],
        errors: Errors = None,
        timeline: Timeline | None = None,
    ) -> None:
        self.signal = signal
        self.batch = batch
        self.sender = sender
        self.kwargs = kwargs
        self.errors = errors
        self.timeline = timeline

    def run(self) -> None:
        if self.timeline is None:
            return send_to(self.batch, self.sender, self.kwargs, self.errors)
        return _record_sync(
            self, send_to, self.batch, self.sender, self.kwargs, self.errors
        )

    async def run_async(self) -> None:
        if self.timeline is None:
            return await send_to_async(
                self.batch, self.sender, self.kwargs, self.errors
            )
        return await _record_async(
            self, send_to_async, self.batch, self.sender, self.kwargs, self.errors
        )

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        errors = self.errors
        if error is None and errors:
            error = errors[-1]
        timeline.add(
            "signal",
            self.signal.python_name,
            start,
            [receiver for receiver, _ in self.batch],
            self.kwargs,
            error,
        )


class Call(Step):
    """Call a hook function of kind ``hook`` (``"before_request"``, ...), sync or ``async def``."""

    __slots__ = ("hook", "fn", "args", "timeline")

    def __init__(
        self,
        hook: str,
        fn: Callable[..., Any],
        *args: Any,
        timeline: Timeline | None = None,
    ) -> None:
        self.hook = hook
        self.fn = fn
        self.args = args
        self.timeline = timeline

    def run(self) -> Any:
        if self.timeline is None:
            return call_sync(self.fn, *self.args)
        return _record_sync(self, call_sync, self.fn, *self.args)

    async def run_async(self) -> Any:
        if self.timeline is None:
            return await call_async(self.fn, *self.args)
        return await _record_async(self, call_async, self.fn, *self.args)

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        args = dict(zip(_HOOK_ARGS.get(self.hook, ()), self.args, strict=False))
        timeline.add("hook", self.hook, start, [self.fn], args, error)


_HOOK_ARGS = {
    "after_request": ("response",),
    "after_this_request": ("response",),
    "teardown_request": ("exc",),
    "teardown_appcontext": ("exc",),
    "errorhandler": ("error",),
}


class Next(Step):
    """Call the next layer of Django's middleware chain (recorded as the view, if asked)."""

    __slots__ = ("get_response", "request", "timeline")

    def __init__(
        self,
        get_response: Callable[[Any], Any],
        request: Any,
        timeline: Timeline | None = None,
    ) -> None:
        self.get_response = get_response
        self.request = request
        self.timeline = timeline

    def run(self) -> Any:
        if self.timeline is None:
            return self.get_response(self.request)
        return _record_sync(self, self.get_response, self.request)

    async def run_async(self) -> Any:
        if self.timeline is None:
            return await self.get_response(self.request)
        return await _record_async(self, self.get_response, self.request)

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        timeline.add("view", "view", start, [], {"path": self.request.path}, error)


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


def _record_sync(step: Any, fn: Callable[..., T], *args: Any) -> T:
    timeline: Timeline = step.timeline
    start = timeline.now()
    try:
        value = fn(*args)
    except BaseException as exc:
        step.record(timeline, start, exc)
        raise
    step.record(timeline, start, None)
    return value


async def _record_async(step: Any, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    timeline: Timeline = step.timeline
    start = timeline.now()
    try:
        value = await fn(*args)
    except BaseException as exc:
        step.record(timeline, start, exc)
        raise
    step.record(timeline, start, None)
    return value


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


def signal_step(
    signal: OrderedSignal, ctx: Any, kwargs: dict[str, Any], errors: Errors = None
) -> Send | None:
    """The step that sends ``signal`` for context ``ctx``, or ``None`` when nobody would see it."""
    batch = receivers(signal, ctx.app)
    timeline = ctx.timeline
    if batch or timeline is not None:
        return Send(signal, batch, ctx.app, kwargs, errors, timeline)
    return None


def mark_answered(timeline: Timeline | None) -> None:
    """Mark the last event: its function's return value became the response."""
    if timeline is not None and timeline.events:
        timeline.events[-1].answered = True


def send(signal: OrderedSignal, sender: Any, /, **kwargs: Any) -> None:
    """Send ``signal`` now, from sync code (template renders, flashed messages).

    The first receiver error propagates. The send is recorded on the current
    context's tap timeline, if any.
    """
    ctx = current_context()
    timeline = None if ctx is None else ctx.timeline
    if timeline is None:
        if signal.receivers:
            batch = receivers(signal, sender)
            if batch:
                send_to(batch, sender, kwargs)
        return
    Send(signal, receivers(signal, sender), sender, kwargs, None, timeline).run()
