"""The two drivers: they run a lifecycle's steps from sync code and from async code.

:func:`run_sync` serves WSGI and plain sync code; :func:`run_async` runs the
same steps on an event loop, awaiting coroutines and moving sync user code off
the loop. An exception raised by a step is thrown back into the lifecycle at
its ``yield``, so lifecycles use ordinary ``try``/``except``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flasksignals_django._steps import Flow

T = TypeVar("T")


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
