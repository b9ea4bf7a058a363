"""Django's response-closing glue: teardown runs when Django closes the response.

Django calls each of ``response._resource_closers`` once the body was sent
(streaming bodies too). :func:`arrange_teardown` adds a :class:`Closer` for the
request and wraps a streaming body so that each chunk is produced inside the
request's context.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.http import FileResponse, HttpResponseBase

from ._django import add_closer, detach_stream_close
from .globals import reset_current, set_current

if TYPE_CHECKING:
    from .ctx import RequestContext

logger = logging.getLogger("flasksignals_django")


def _nothing() -> None:
    return None


def _detached_closer() -> Callable[[], None]:
    return _nothing


def _close(ctx: RequestContext) -> None:
    if ctx.torn_down:
        return
    try:
        if ctx.open_stream and ctx.exc is None:
            # Closed before the end of its async body: under ASGI the
            # client went away (Django swallows the CancelledError).
            ctx.exc = asyncio.CancelledError("the response was closed mid-stream")
        # On an event loop's thread (AsyncClient closing an async stream)
        # sync teardown code must not run on the loop: it goes to a thread.
        ctx.teardown(off_loop=True)
    except BaseException:  # Django's close() would skip its own request_finished.
        logger.exception("Teardown of %r failed", ctx)


class Closer(functools.partial[None]):
    """``Closer(_close, ctx)`` tears ``ctx`` down when Django closes the response;
    never raises. A ``partial``: made per request without running Python code."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Callable[[], Callable[[], None]], tuple[()]]:
        # Cache middleware pickles responses with their closers; a copy has
        # nothing to tear down.
        return (_detached_closer, ())


def arrange_teardown(
    ctx: RequestContext, response: HttpResponseBase
) -> HttpResponseBase:
    """Tear down when Django closes ``response``; streams keep their contexts."""
    if response.streaming and not isinstance(response, FileResponse):
        content = response.streaming_content  # type: ignore[attr-defined]
        if response.is_async:  # type: ignore[attr-defined]
            ctx.open_stream = True
            response.streaming_content = AsyncStream(ctx, content)  # type: ignore[attr-defined]
        else:
            close = detach_stream_close(response)
            response.streaming_content = SyncStream(ctx, content, close)  # type: ignore[attr-defined]
    add_closer(response, Closer(_close, ctx))
    return response


class _Stream:
    """A streaming body produced chunk by chunk inside its request's context.

    A body that raises is torn down at once: servers do not close such a response.
    """

    __slots__ = ("ctx", "iterator", "start", "closer")

    def __init__(
        self,
        ctx: RequestContext,
        iterator: Any,
        closer: Callable[[], Any] | None = None,
    ) -> None:
        self.ctx = ctx
        self.iterator = iterator
        self.start = 0.0
        self.closer = closer

    def _enter(self) -> Any:
        timeline = self.ctx.timeline
        if timeline is not None:
            self.start = timeline.now()
        return set_current(self.ctx)

    def _chunk(self, token: Any, chunk: Any) -> Any:
        reset_current(token)
        timeline = self.ctx.timeline
        if timeline is not None:
            timeline.add("chunk", "chunk", self.start, args={"bytes": len(chunk)})
        return chunk

    def _failed(self, exc: BaseException) -> bool:
        """Note ``exc``; True if the request must be torn down now."""
        if isinstance(exc, GeneratorExit):
            return False
        self.ctx.note_unhandled(exc)
        return True


class SyncStream(_Stream):
    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        token = self._enter()
        try:
            chunk = next(self.iterator)
        except StopIteration:
            reset_current(token)
            raise
        except BaseException as exc:
            reset_current(token)
            if self._failed(exc):
                self.ctx.teardown(exc)
            raise
        return self._chunk(token, chunk)

    def close(self) -> None:
        """Close the body's own iterator inside the request's context."""
        close = self.closer or getattr(self.iterator, "close", None)
        if close is not None:
            token = set_current(self.ctx)
            try:
                close()
            finally:
                reset_current(token)


class AsyncStream(_Stream):
    __slots__ = ()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        token = self._enter()
        try:
            chunk = await self.iterator.__anext__()
        except StopAsyncIteration:
            reset_current(token)
            self.ctx.open_stream = False
            raise
        except BaseException as exc:
            reset_current(token)
            if self._failed(exc):
                await self.ctx.ateardown(exc)
            raise
        return self._chunk(token, chunk)
