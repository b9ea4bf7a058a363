"""Drive the project in process: WSGI (Client, WSGIHandler) and ASGI (AsyncClient, ASGIHandler).

``asgi_request`` plays a tiny ASGI server with a hand-made receive/send pair,
so a test can make the client go away at a chosen moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import AsyncClient, Client

TIMEOUT = 10.0


@contextmanager
def no_db_cleanup() -> Iterator[None]:
    """As Django's test clients do: no close_old_connections around a request in tests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def body_of(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response)  # async iterators too (Django warns, as under WSGI)
    return bytes(response.content)


async def abody_of(response: Any) -> bytes:
    if response.streaming:
        return b"".join([chunk async for chunk in response])
    return bytes(response.content)


def client_get(path: str, **extra: Any) -> tuple[int, bytes]:
    response = Client(raise_request_exception=False).get(path, **extra)
    return response.status_code, body_of(response)


async def async_client_get(path: str, **extra: Any) -> tuple[int, bytes]:
    response = await AsyncClient(raise_request_exception=False).get(path, **extra)
    return response.status_code, await abody_of(response)


def wsgi_get(
    handler: WSGIHandler, path: str, isolate_db: bool = True
) -> tuple[int, bytes]:
    """One request through ``handler`` as a WSGI server does it: iterate, then close."""
    environ: dict[str, Any] = {
        "PATH_INFO": urlsplit(path).path,
        "QUERY_STRING": urlsplit(path).query,
        "SERVER_NAME": "testserver",
        "HTTP_HOST": "testserver",
    }
    setup_testing_defaults(environ)
    status: list[str] = []

    def start_response(
        s: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        status.append(s)
        return lambda data: None

    with no_db_cleanup() if isolate_db else nullcontext():
        result = handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
    return int(status[0].split()[0]), body


class ASGIExchange:
    """What a hand-made ASGI server saw of one request."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.disconnected = False

    @property
    def status(self) -> int | None:
        for message in self.messages:
            if message["type"] == "http.response.start":
                return int(message["status"])
        return None

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"")
            for m in self.messages
            if m["type"] == "http.response.body"
        )

    @property
    def complete(self) -> bool:
        bodies = [m for m in self.messages if m["type"] == "http.response.body"]
        return bool(bodies) and not bodies[-1].get("more_body", False)


async def asgi_request(
    path: str,
    disconnect_when: Callable[[ASGIExchange], bool] | None = None,
    handler: ASGIHandler | None = None,
    isolate_db: bool = True,
) -> ASGIExchange:
    """Send GET ``path`` to ``ASGIHandler``; the client leaves once ``disconnect_when`` is true."""
    parts = urlsplit(path)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    exchange = ASGIExchange()
    body_read = False

    async def receive() -> dict[str, Any]:
        nonlocal body_read
        if not body_read:
            body_read = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect_when is None:
            await (
                asyncio.Event().wait()
            )  # a client that stays: until Django cancels this
        # The condition reads what the view notes from another task or thread:
        # poll it (a bounded test ends by Django cancelling this wait).
        while not disconnect_when(exchange):
            await asyncio.sleep(0.005)
        exchange.disconnected = True
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        exchange.messages.append(message)
        await asyncio.sleep(0)

    app = handler or ASGIHandler()
    with no_db_cleanup() if isolate_db else nullcontext():
        await asyncio.wait_for(app(scope, receive, send), TIMEOUT)
    return exchange


def first_chunk_sent(exchange: ASGIExchange) -> bool:
    return any(
        m["type"] == "http.response.body" and m.get("body") for m in exchange.messages
    )
