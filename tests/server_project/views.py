"""Views of the tiny project: plain, failing, streaming and slow, each sync and async."""

from __future__ import annotations

import asyncio
import io
import os
import time
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template import engines

from flasksignals_django import flash, g, request

from .events import note
from .stress import HandledError

STREAM_CHUNKS = 3


class ViewError(Exception):
    pass


def _body(i: int) -> str:
    # request and g work inside the generator without stream_with_context.
    return f"{request.path}|{g.get('marker')}|{i};"


def index(req):
    note("view")
    return HttpResponse("ok")


async def aindex(req):
    note("view")
    return HttpResponse("ok")


def boom(req):
    note("view")
    raise ViewError("boom")


async def aboom(req):
    note("view")
    raise ViewError("boom")


def marker(req):
    note("view")
    return HttpResponse(f"{req.GET['m']}|{g.marker}|{request.GET['m']}")


async def amarker(req):
    note("view")
    await asyncio.sleep(0)
    return HttpResponse(f"{req.GET['m']}|{g.marker}|{request.GET['m']}")


def signals(req):
    note("view")
    engine = engines.all()[0]
    body = engine.from_string("hi {{ name }}").render({"name": "sync"})
    flash("flashed", "info")
    return HttpResponse(body)


async def asignals(req):
    note("view")
    engine = engines.all()[0]
    # Sync code on the loop's thread: coroutine receivers run on a helper thread.
    body = engine.from_string("hi {{ name }}").render({"name": "async"})
    flash("flashed", "info")
    return HttpResponse(body)


def stream(req):
    note("view")

    def chunks():
        for i in range(STREAM_CHUNKS):
            note("chunk", i)
            yield _body(i)

    return StreamingHttpResponse(chunks())


def astream(req):
    note("view")

    async def chunks():
        for i in range(STREAM_CHUNKS):
            await asyncio.sleep(0)
            note("chunk", i)
            yield _body(i)

    return StreamingHttpResponse(chunks())


def file(req):
    note("view")
    return FileResponse(io.BytesIO(b"file-body"), content_type="text/plain")


def slow_stream(req):
    """A first chunk, then one chunk every 20 ms for at most ``n`` chunks (sync)."""
    note("view")
    n = int(req.GET.get("n", "250"))

    def chunks():
        note("chunk", 0)
        yield "first;" + " " * 1024
        for i in range(1, n):
            time.sleep(0.02)
            note("chunk", i)
            yield "x" * 65536
        note("stream_end")

    return StreamingHttpResponse(chunks())


def aslow_stream(req):
    """A first chunk, then one chunk every 20 ms for at most ``n`` chunks (async)."""
    note("view")
    n = int(req.GET.get("n", "250"))

    async def chunks():
        note("chunk", 0)
        yield "first;" + " " * 1024
        for i in range(1, n):
            await asyncio.sleep(0.02)
            note("chunk", i)
            yield "x" * 65536
        note("stream_end")

    return StreamingHttpResponse(chunks())


async def aslow(req):
    """Wait up to ``t`` seconds; a client that goes away cancels it (Django 5.x)."""
    note("view")
    try:
        await asyncio.sleep(float(req.GET.get("t", "10")))
    except asyncio.CancelledError:
        note("view_cancelled")
        raise
    note("view_end")
    return HttpResponse("slow")


class StreamError(Exception):
    pass


def broken_stream(req):
    note("view")

    def chunks():
        yield "one;"
        note("chunk", 0)
        raise StreamError("mid-stream")

    return StreamingHttpResponse(chunks())


def abroken_stream(req):
    note("view")

    async def chunks():
        yield "one;"
        note("chunk", 0)
        raise StreamError("mid-stream")

    return StreamingHttpResponse(chunks())


# -- the stress runs: an errorhandler's error, the worker's pid, requests held at a gate


def handled(req):
    note("view")
    raise HandledError("handled")


async def ahandled(req):
    note("view")
    raise HandledError("handled")


def pid(req):
    return HttpResponse(str(os.getpid()))


GATE_LIMIT = 15.0
"""Seconds a held request waits for its gate at most, so that nothing hangs for ever."""


def _gate(req) -> Path:
    return Path(os.environ["FLASKSIGNALS_GATE_DIR"]) / req.GET["gate"]


def held(req):
    """Wait until the test opens the gate (creates the file ``?gate=`` names)."""
    note("view")
    gate, deadline = _gate(req), time.monotonic() + GATE_LIMIT
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    note("view_end")
    return HttpResponse(f"held:{g.marker}")


async def aheld(req):
    note("view")
    gate, deadline = _gate(req), time.monotonic() + GATE_LIMIT
    while not gate.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    note("view_end")
    return HttpResponse(f"held:{g.marker}")


def held_stream(req):
    note("view")
    gate = _gate(req)

    def chunks():
        note("chunk", 0)
        yield "first;"
        deadline = time.monotonic() + GATE_LIMIT
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        note("stream_end")
        yield f"last:{g.marker}"

    return StreamingHttpResponse(chunks())


def aheld_stream(req):
    note("view")
    gate = _gate(req)

    async def chunks():
        note("chunk", 0)
        yield "first;"
        deadline = time.monotonic() + GATE_LIMIT
        while not gate.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        note("stream_end")
        yield f"last:{g.marker}"

    return StreamingHttpResponse(chunks())
