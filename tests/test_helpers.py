"""Flask's helpers: after_this_request, copy_current_request_context, stream_with_context (flasksignals_django.helpers)."""

from __future__ import annotations

import pytest

from flasksignals_django import (
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_request_context,
    request,
    request_started,
    stream_with_context,
)


def test_after_this_request_outside_a_request():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        after_this_request(lambda response: response)
    with (
        current_app.app_context(),
        pytest.raises(RuntimeError, match="after_this_request"),
    ):
        after_this_request(lambda response: response)


def test_after_this_request_without_hooks_middleware(client, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("HooksMiddleware")
    ]
    errors = []

    def on_started(sender, **extra):
        try:
            after_this_request(lambda response: response)
        except RuntimeError as error:
            errors.append(str(error))

    request_started.connect(on_started)
    try:
        response = client.get("/core/")
    finally:
        request_started.disconnect(on_started)
    assert response.status_code == 200
    assert len(errors) == 1 and "HooksMiddleware" in errors[0]


def test_copy_current_request_context_in_another_thread(client):
    response = client.get("/core/copied/")
    assert response.content == b"/core/copied/|copied|True"


async def test_copy_current_request_context_async_function(client):
    captured = {}

    @current_app.before_request
    def make_copy():
        @copy_current_request_context
        async def later():
            return request.path, g.get("marker"), has_request_context()

        g.marker = "async copy"
        captured["fn"] = later

    from asgiref.sync import sync_to_async

    await sync_to_async(client.get)("/core/")
    assert await captured["fn"]() == ("/core/", "async copy", True)
    assert not has_request_context()


def test_copy_current_request_context_outside_a_request():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        copy_current_request_context(lambda: None)


def test_stream_with_context_returns_its_argument():
    generator = iter([1, 2])
    assert stream_with_context(generator) is generator
