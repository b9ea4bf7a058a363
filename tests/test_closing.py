"""Django's response-closing glue (flasksignals_django._closing): the closer and the stream wrappers."""

from __future__ import annotations

import logging
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import StreamingHttpResponse
from django.test import AsyncClient, Client
from django.urls import path

from flasksignals_django import current_app, request_tearing_down

pytestmark = pytest.mark.urls(__name__)


class Abandoned:
    """A body whose second chunk is a GeneratorExit: the body gave up, not an error."""

    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        self.sent += 1
        if self.sent > 1:
            raise GeneratorExit
        return b"first"


class AsyncAbandoned:
    def __init__(self) -> None:
        self.body = Abandoned()

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        return next(self.body)


def abandoned(request):
    return StreamingHttpResponse(Abandoned())


async def async_abandoned(request):
    return StreamingHttpResponse(AsyncAbandoned())


class BodyError(Exception):
    pass


class Failing:
    """A body without ``close()``: closing the response cannot stop it."""

    def __init__(self) -> None:
        self.chunks = iter([b"one"])

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        for chunk in self.chunks:
            return chunk
        raise BodyError("after one")


def failing(request):
    return StreamingHttpResponse(Failing())


async def async_failing(request):
    async def body():
        yield b"one"
        raise BodyError("after one")

    return StreamingHttpResponse(body())


async def async_stream(request):
    async def body():
        yield b"one"

    return StreamingHttpResponse(body())


urlpatterns = [
    path("abandoned/", abandoned),
    path("async/abandoned/", async_abandoned),
    path("async/stream/", async_stream),
    path("failing/", failing),
    path("async/failing/", async_failing),
]


def teardown_excs() -> list[BaseException | None]:
    seen: list[BaseException | None] = []
    current_app.teardown_request(seen.append)
    return seen


@pytest.mark.django_db  # Client's wrapper reconnects close_old_connections inside close()
def test_a_body_raising_generator_exit_is_not_an_error():
    seen = teardown_excs()
    response = Client().get("/abandoned/")
    content = iter(response.streaming_content)
    assert next(content) == b"first"
    with pytest.raises(GeneratorExit):
        next(content)
    # Not an error: torn down without it, when the response is closed (Django's
    # Client closes it as its iteration ends).
    response.close()
    assert seen == [None]


async def test_an_async_body_raising_generator_exit_is_not_an_error():
    seen = teardown_excs()
    response = await AsyncClient().get("/async/abandoned/")
    content = aiter(response.streaming_content)
    assert await anext(content) == b"first"
    with pytest.raises(GeneratorExit):
        await anext(content)
    # Not the error torn down with: closed before the body's end, which under
    # ASGI is a disconnect.
    response.close()
    assert [type(exc).__name__ for exc in seen] == ["CancelledError"]


class Fatal(BaseException):
    pass


async def test_a_teardown_failing_on_the_loops_thread_is_logged(caplog):
    """Closing on an event loop's thread runs teardown on a helper thread; its failure is logged."""

    def fatal(sender, exc):
        raise Fatal("in teardown")  # receivers' BaseExceptions are not kept

    with (
        request_tearing_down.connected_to(fatal),
        caplog.at_level(logging.ERROR, "flasksignals_django"),
    ):
        response = await AsyncClient().get("/async/stream/")
        content = aiter(response.streaming_content)
        assert await anext(content) == b"one"
        response.close()  # on the loop's thread: Django's sync close()
    (record,) = [r for r in caplog.records if r.getMessage().startswith("Teardown of")]
    assert isinstance(record.exc_info[1], Fatal)


@pytest.mark.django_db  # Client's wrapper reconnects close_old_connections inside close()
def test_a_body_failing_after_its_response_was_closed_is_torn_down_once():
    seen = teardown_excs()
    environ = {"PATH_INFO": "/failing/"}
    setup_testing_defaults(environ)
    response = WSGIHandler()(environ, lambda status, headers: None)
    content = iter(response)
    assert next(content) == b"one"
    response.close()  # as a WSGI server would
    with pytest.raises(BodyError):
        next(content)
    assert seen == [None]


async def test_an_async_body_failing_after_its_response_was_closed_is_torn_down_once():
    seen = teardown_excs()
    response = await AsyncClient().get("/async/failing/")
    content = aiter(response.streaming_content)
    assert await anext(content) == b"one"
    response.close()  # mid-stream: a disconnect
    with pytest.raises(BodyError):
        await anext(content)
    assert [type(exc).__name__ for exc in seen] == ["CancelledError"]
