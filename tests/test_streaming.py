"""Streaming bodies: request_finished before the body, teardown once after the last chunk.

Covers sync and async iterators and ``FileResponse`` under WSGI (``Client``,
``WSGIHandler``) and ASGI (``AsyncClient``, ``ASGIHandler``), a client that
goes away mid-stream or mid-view under ASGI, and an iterator that raises.
"""

from __future__ import annotations

import threading

import django
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.test import AsyncClient, Client

from flasksignals_django import current_app, g, has_request_context, request
from tests.server_project.drive import (
    abody_of,
    asgi_request,
    body_of,
    first_chunk_sent,
    no_db_cleanup,
    wsgi_get,
)
from tests.server_project.events import STARTED, Recorder, names, teardown_with
from tests.server_project.views import STREAM_CHUNKS, StreamError

pytestmark = pytest.mark.urls("tests.server_project.urls")

DJANGO_5 = django.VERSION >= (5, 0)
needs_disconnect_detection = pytest.mark.skipif(
    not DJANGO_5,
    reason="Django 4.2's ASGIHandler ignores client disconnects: the request runs to its end",
)


def set_marker():
    @current_app.before_request
    def mark():
        g.marker = "m1"


def fetch(runner: str, path: str) -> tuple[int, bytes]:
    if runner == "client":
        response = Client().get(path)
        return response.status_code, body_of(response)
    if runner == "wsgi-handler":
        return wsgi_get(WSGIHandler(), path)
    if runner == "async-client":

        async def get():
            response = await AsyncClient().get(path)
            return response.status_code, await abody_of(response)

        return async_to_sync(get)()
    exchange = async_to_sync(asgi_request)(path)
    assert exchange.complete
    return exchange.status or 0, exchange.body


RUNNERS = ["client", "wsgi-handler", "async-client", "asgi-handler"]


@pytest.mark.parametrize("mode", ["sync", "mixed"])
@pytest.mark.parametrize(
    "path", ["/stream/", "/async/stream/"], ids=["sync-iter", "async-iter"]
)
@pytest.mark.parametrize("runner", RUNNERS)
def test_teardown_after_the_last_chunk(runner, path, mode):
    set_marker()
    events: list[dict] = []
    with Recorder(events.append, mode):
        status, body = fetch(runner, path)
    assert status == 200
    assert body == "".join(f"{path}|m1|{i};" for i in range(STREAM_CHUNKS)).encode()
    chunks = [("chunk", i) for i in range(STREAM_CHUNKS)]
    assert names(events) == [*STARTED, *chunks, *teardown_with(None)]
    # Inside the generator the request's contexts are active, with no helper.
    for event in events:
        if event["name"] == "chunk":
            assert event["path"] == path
            assert event["marker"] == "m1"


@pytest.mark.parametrize("runner", RUNNERS)
def test_file_response_tears_down_once_when_closed(runner):
    events: list[dict] = []
    with Recorder(events.append, "mixed"):
        status, body = fetch(runner, "/file/")
    assert (status, body) == (200, b"file-body")
    assert names(events) == [*STARTED, *teardown_with(None)]


@pytest.mark.django_db  # Client's wrapper reconnects close_old_connections inside close()
def test_unread_stream_is_torn_down_when_closed():
    """Django's Client closes a stream only when it is read to the end; a server always closes."""
    events: list[dict] = []
    with Recorder(events.append, "sync"):
        response = Client().get("/stream/")
        assert names(events) == STARTED
        assert next(iter(response.streaming_content)) == b"/stream/|None|0;"
        response.close()
        response.close()
    assert names(events) == [*STARTED, ("chunk", 0), *teardown_with(None)]


async def test_async_stream_closed_before_its_end_tears_down_with_cancelled_error():
    """An ASGI server closes a response whose async body it stopped reading: a disconnect."""
    events: list[dict] = []
    with Recorder(events.append, "sync"):
        response = await AsyncClient().get("/async/stream/")
        content = aiter(response)
        assert await anext(content) == b"/async/stream/|None|0;"
        await content.aclose()
        with no_db_cleanup():
            await sync_to_async(response.close)()
            await sync_to_async(response.close)()
    assert names(events) == [*STARTED, ("chunk", 0), *teardown_with("CancelledError")]


@pytest.mark.django_db(transaction=True)
async def test_async_stream_closed_on_the_loop_runs_sync_teardown_off_the_loop():
    """AsyncClient closes an async stream on the loop's thread; sync teardown still uses the ORM."""
    await sync_to_async(User.objects.create)(username="ada")
    seen: list[tuple] = []

    @current_app.teardown_request
    def count_users(exc):
        seen.append(
            ("request", User.objects.count(), request.path, threading.get_ident())
        )

    @current_app.teardown_appcontext
    def count_again(exc):
        seen.append(
            ("app", User.objects.count(), has_request_context(), threading.get_ident())
        )

    response = await AsyncClient().get("/async/stream/")
    body = await abody_of(response)
    assert body.startswith(b"/async/stream/|None|0;")
    assert [s[:3] for s in seen] == [
        ("request", 1, "/async/stream/"),
        ("app", 1, False),
    ]
    assert seen[0][3] != threading.get_ident()  # not on the event loop's thread


@pytest.mark.parametrize(
    "path",
    ["/broken-stream/", "/async/broken-stream/"],
    ids=["sync-iter", "async-iter"],
)
@pytest.mark.parametrize("runner", RUNNERS)
def test_iterator_that_raises_tears_down_once_with_its_error(runner, path):
    events: list[dict] = []
    with Recorder(events.append, "mixed"), pytest.raises(StreamError):
        fetch(runner, path)
    assert names(events) == [*STARTED, ("chunk", 0), *teardown_with("StreamError")]


# -- the client goes away ------------------------------------------------------------


@needs_disconnect_detection
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_disconnect_mid_async_stream_tears_down_once_with_cancelled_error(mode):
    events: list[dict] = []
    with Recorder(events.append, mode):
        exchange = await asgi_request(
            "/async/slow-stream/", disconnect_when=first_chunk_sent
        )
    assert exchange.disconnected
    assert not exchange.complete
    labels = [e["name"] for e in events]
    assert "stream_end" not in labels
    assert labels.count("teardown_request") == 1
    assert names(events)[:6] == STARTED
    assert names(events)[-5:] == teardown_with("CancelledError")


@needs_disconnect_detection
async def test_disconnect_while_django_reads_a_sync_stream():
    """Django 5.x reads a sync iterator in full in a thread before sending: the stream ends normally."""
    events: list[dict] = []
    with Recorder(events.append, "sync"):
        exchange = await asgi_request(
            "/slow-stream/?n=4", disconnect_when=lambda ex: ex.status is not None
        )
    labels = [e["name"] for e in events]
    assert labels.count("teardown_request") == 1
    assert "stream_end" in labels
    assert names(events)[-5:] == teardown_with(None)
    assert exchange.disconnected


@needs_disconnect_detection
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_view_cancelled_by_disconnect_tears_down_once(mode):
    events: list[dict] = []

    def view_started(exchange) -> bool:
        return any(e["name"] == "view" for e in events)

    with Recorder(events.append, mode):
        exchange = await asgi_request("/async/slow/?t=5", disconnect_when=view_started)
    assert exchange.messages == []  # nothing was sent
    assert names(events) == [
        *STARTED[:4],
        ("view_cancelled", None),
        *teardown_with("CancelledError"),
    ]


async def test_no_disconnect_no_cancellation():
    events: list[dict] = []
    with Recorder(events.append, "async"):
        exchange = await asgi_request("/async/slow/?t=0.01")
    assert exchange.status == 200 and exchange.complete
    assert names(events) == [
        *STARTED[:4],
        ("view_end", None),
        *STARTED[4:],
        *teardown_with(None),
    ]
