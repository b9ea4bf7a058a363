"""The steps a lifecycle yields: call a hook, call the next layer, run blocking code.

A lifecycle (see :mod:`~flasksignals_django.lifecycle`) is a generator that
yields steps: send these receivers (:mod:`~flasksignals_django._send_steps`),
call this hook, call the next middleware.
Each step can run from sync code (:meth:`Step.run`) and from async code
(:meth:`Step.run_async`); :mod:`~flasksignals_django._drivers` runs a lifecycle.
A flow's sync twin runs ``yield Call(...)`` as ``Call.now(...)``, which makes
no step object when there is nothing to record.

Each step records itself on the context's tap timeline when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from ._sending import call_async, call_sync, is_async, run_coroutine_sync
from .tap import Timeline

T = TypeVar("T")


class Step:
    """Something a lifecycle asks its driver to do, recorded on ``timeline`` if there is one."""

    __slots__ = ("timeline",)

    timeline: Timeline | None

    def call(self) -> Any:
        """Do it, from sync code."""
        raise NotImplementedError

    async def acall(self) -> Any:
        """Do it, from async code."""
        raise NotImplementedError

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        """Add this step's event to ``timeline``."""

    def run(self) -> Any:
        timeline = self.timeline
        if timeline is None:
            return self.call()
        start = timeline.now()
        try:
            value = self.call()
        except BaseException as exc:
            self.record(timeline, start, exc)
            raise
        self.record(timeline, start, None)
        return value

    async def run_async(self) -> Any:
        timeline = self.timeline
        if timeline is None:
            return await self.acall()
        start = timeline.now()
        try:
            value = await self.acall()
        except BaseException as exc:
            self.record(timeline, start, exc)
            raise
        self.record(timeline, start, None)
        return value


class Call(Step):
    """Call a hook function of kind ``hook`` (``"before_request"``, ...), sync or ``async def``."""

    __slots__ = ("hook", "fn", "args")

    def __init__(
        self,
        hook: str,
        fn: Callable[..., Any],
        *args: Any,
        timeline: Timeline | None = None,
    ) -> None:
        self.timeline = timeline
        self.hook = hook
        self.fn = fn
        self.args = args

    @classmethod
    def now(
        cls,
        hook: str,
        fn: Callable[..., Any],
        *args: Any,
        timeline: Timeline | None = None,
    ) -> Any:
        if timeline is None:  # nothing to record: no step object
            if is_async(fn):
                return run_coroutine_sync(fn, *args)
            return fn(*args)  # called directly: the common case
        return cls(hook, fn, *args, timeline=timeline).run()

    def call(self) -> Any:
        return call_sync(self.fn, *self.args)

    async def acall(self) -> Any:
        return await call_async(self.fn, *self.args)

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

    __slots__ = ("get_response", "request")

    def __init__(
        self,
        get_response: Callable[[Any], Any],
        request: Any,
        timeline: Timeline | None = None,
    ) -> None:
        self.timeline = timeline
        self.get_response = get_response
        self.request = request

    @classmethod
    def now(
        cls,
        get_response: Callable[[Any], Any],
        request: Any,
        timeline: Timeline | None = None,
    ) -> Any:
        if timeline is None:
            return get_response(request)
        return cls(get_response, request, timeline).run()

    def call(self) -> Any:
        return self.get_response(self.request)

    async def acall(self) -> Any:
        return await self.get_response(self.request)

    def record(
        self, timeline: Timeline, start: float, error: BaseException | None
    ) -> None:
        # Django resolved the URL inside the call: name the view that answered.
        match = getattr(self.request, "resolver_match", None)
        functions = [] if match is None else [match.func]
        timeline.add(
            "view", "view", start, functions, {"path": self.request.path}, error
        )


class Blocking(Step):
    """Call the library's own sync code that may block (render a page, wait for a lock).

    Under async it runs in a worker thread, thread-sensitive when asked.
    """

    __slots__ = ("fn", "args", "thread_sensitive")

    def __init__(
        self, fn: Callable[..., Any], *args: Any, thread_sensitive: bool = False
    ) -> None:
        self.timeline = None
        self.fn = fn
        self.args = args
        self.thread_sensitive = thread_sensitive

    @classmethod
    def now(
        cls, fn: Callable[..., Any], *args: Any, thread_sensitive: bool = False
    ) -> Any:
        return fn(*args)

    async def acall(self) -> Any:
        return await sync_to_async(self.fn, thread_sensitive=self.thread_sensitive)(
            *self.args
        )


Flow = Generator[Step, Any, T]


def mark_answered(timeline: Timeline | None) -> None:
    """Mark the last event: its function's return value became the response."""
    if timeline is not None and timeline.events:
        timeline.events[-1].answered = True
