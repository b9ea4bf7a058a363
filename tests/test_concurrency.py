"""Isolation: concurrent requests on threads (WSGI) and asyncio tasks (ASGI) never mix state.

Each request sets ``g.marker`` from its ``?m=`` query in a before_request
function; every receiver, hook, the view and teardown then record what they
see. Every request must see only its own request and ``g``, and the counts of
pushed/popped, started/finished and torn-down contexts must balance.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.test import AsyncClient

from flasksignals_django import (
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from tests.server_project.drive import abody_of, asgi_request, no_db_cleanup, wsgi_get
from tests.server_project.events import Recorder

pytestmark = pytest.mark.urls("tests.server_project.urls")

N = 100  # even: the marker hooks let requests through in pairs
PER_MARKER = [
    "marker_set",  # registered before the recorder's before_request
    "before_request",
    "view",
    "after_request",
    "request_finished",
    "teardown_request",
    "request_tearing_down",
    "teardown_appcontext",
    "appcontext_tearing_down",
]


def check_isolation(events: list[dict], results: list[tuple[int, bytes]]) -> None:
    assert results == [(200, f"{i}|{i}|{i}".encode()) for i in range(N)]
    counts: dict[str, int] = defaultdict(int)
    by_marker: dict[str, list[str]] = defaultdict(list)
    for event in events:
        counts[event["name"]] += 1
        if "m" in event:  # a request context: its own request and its own g
            assert event["marker"] in (None, event["m"]), event
        if event.get("marker") is not None:
            by_marker[event["marker"]].append(event["name"])
    for name in (
        "appcontext_pushed",
        "request_started",
        "request_finished",
        "teardown_request",
        "appcontext_popped",
    ):
        assert counts[name] == N, name
    # Each request saw each of its events once, in order, and nobody else's.
    assert dict(by_marker.items()) == {str(i): PER_MARKER for i in range(N)}
    assert not has_app_context()
    assert not has_request_context()


def register_marker_hooks(is_async: bool) -> None:
    """Hooks that set ``g.marker`` and wait there until a second request has set its own.

    Requests pass in pairs (``N`` is even), so every request's context is
    live while another request's hook runs.
    """
    if is_async:
        pairs = asyncio.Barrier(2)

        @current_app.before_request
        async def set_marker():
            assert "marker" not in g  # nothing left over from another request
            g.marker = request.GET["m"]
            async with asyncio.timeout(30):
                await pairs.wait()  # another request sets its marker in between
            from tests.server_project.events import note

            note("marker_set")

    else:
        sync_pairs = threading.Barrier(2, timeout=30)

        @current_app.before_request
        def set_marker():
            assert "marker" not in g
            g.marker = request.GET["m"]
            sync_pairs.wait()  # another request sets its marker in between
            from tests.server_project.events import note

            note("marker_set")


@pytest.mark.parametrize("mode", ["sync", "mixed"])
@pytest.mark.parametrize(
    "path", ["/marker/", "/async/marker/"], ids=["sync-view", "async-view"]
)
def test_threads_under_wsgi(path, mode):
    register_marker_hooks(is_async=False)
    handler = WSGIHandler()
    events: list[dict] = []
    with (
        Recorder(events.append, mode),
        no_db_cleanup(),
        ThreadPoolExecutor(max_workers=16) as pool,
    ):
        futures = [
            pool.submit(wsgi_get, handler, f"{path}?m={i}", False) for i in range(N)
        ]
        results = [f.result(timeout=60) for f in futures]
    check_isolation(events, results)


@pytest.mark.parametrize("mode", ["async", "mixed"])
@pytest.mark.parametrize(
    "path", ["/marker/", "/async/marker/"], ids=["sync-view", "async-view"]
)
async def test_tasks_under_asgi_handler(path, mode):
    register_marker_hooks(is_async=True)
    handler = ASGIHandler()
    events: list[dict] = []

    async def one(i: int) -> tuple[int, bytes]:
        exchange = await asgi_request(
            f"{path}?m={i}", handler=handler, isolate_db=False
        )
        return exchange.status or 0, exchange.body

    with Recorder(events.append, mode), no_db_cleanup():
        results = await asyncio.wait_for(
            asyncio.gather(*(one(i) for i in range(N))), 60
        )
    check_isolation(events, list(results))


@pytest.mark.parametrize("mode", ["async", "mixed"])
async def test_tasks_under_async_client(mode):
    register_marker_hooks(is_async=True)
    events: list[dict] = []
    client = AsyncClient()

    async def one(i: int) -> tuple[int, bytes]:
        response = await client.get(f"/async/marker/?m={i}")
        return response.status_code, await abody_of(response)

    with Recorder(events.append, mode):
        results = await asyncio.wait_for(
            asyncio.gather(*(one(i) for i in range(N))), 60
        )
    check_isolation(events, list(results))


@pytest.mark.parametrize(
    "path", ["/stream/", "/async/stream/"], ids=["sync-iter", "async-iter"]
)
async def test_concurrent_streams_keep_their_own_contexts(path):
    register_marker_hooks(is_async=True)
    handler = ASGIHandler()
    events: list[dict] = []

    async def one(i: int) -> bytes:
        exchange = await asgi_request(
            f"{path}?m={i}", handler=handler, isolate_db=False
        )
        assert exchange.complete
        return exchange.body

    with Recorder(events.append, "mixed"), no_db_cleanup():
        bodies = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(N))), 60)
    for i, body in enumerate(bodies):
        assert body == "".join(f"{path}|{i}|{k};" for k in range(3)).encode()
    chunks = [e for e in events if e["name"] == "chunk"]
    assert len(chunks) == 3 * N
    assert all(e["marker"] == e["m"] for e in chunks)
    torn = [e["marker"] for e in events if e["name"] == "teardown_request"]
    assert sorted(torn, key=int) == [str(i) for i in range(N)]
