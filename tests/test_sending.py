"""Calling receivers from sync code on an event loop's thread (flasksignals_django._sending).

A template rendered on the loop's thread (in an async view, or here in an async
test) sends its signals from sync code: coroutine receivers then run on the
helper loop's thread.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.template import engines

from flasksignals_django import (
    appcontext_pushed,
    before_render_template,
    current_app,
    g,
    has_app_context,
    request,
    request_started,
    template_rendered,
)


def render(source: str = "x") -> str:
    return engines["django"].from_string(source).render({})


async def test_coroutine_receiver_runs_on_the_helper_loop():
    threads = []

    async def receiver(sender, **extra):
        threads.append(threading.current_thread())

    with template_rendered.connected_to(receiver), current_app.app_context():
        assert render() == "x"
        assert render() == "x"  # the helper loop is started once
    assert len(threads) == 2
    assert threads[0] is threads[1] is not threading.current_thread()


async def test_a_cancelled_coroutine_receiver_cancels_the_send():
    async def cancelled(sender, **extra):
        raise asyncio.CancelledError

    with (
        template_rendered.connected_to(cancelled),
        current_app.app_context(),
        pytest.raises(asyncio.CancelledError),
    ):
        render()


async def test_a_coroutine_receiver_that_renders_on_the_helper_loop():
    """A coroutine receiver whose own render sends to another coroutine receiver."""
    seen = []

    async def outer(sender, **extra):
        seen.append("outer")
        if len(seen) == 1:
            render()  # sync code on the helper loop's own thread

    async def inner(sender, **extra):
        seen.append("inner")

    with (
        before_render_template.connected_to(outer),
        template_rendered.connected_to(inner),
        current_app.app_context(),
    ):
        render()
    assert seen == ["outer", "outer", "inner", "inner"]


def test_coroutine_receivers_and_async_hooks_on_the_sync_path(client):
    import asyncio

    seen = []

    async def on_started(sender, **extra):
        await asyncio.sleep(0)
        seen.append(("request_started", request.path))

    @current_app.before_request
    async def before():
        await asyncio.sleep(0)
        g.marker = "async before"

    @current_app.after_request
    async def after(response):
        response["X-Async"] = g.marker
        return response

    request_started.connect(on_started)
    try:
        response = client.get("/core/g/")
    finally:
        request_started.disconnect(on_started)
    assert response.content == b"marker=async before"
    assert response["X-Async"] == "async before"
    assert seen == [("request_started", "/core/g/")]


async def test_coroutine_receiver_sent_from_sync_code_on_the_loop_thread():
    import asyncio

    seen = []

    async def on_pushed(sender, **extra):
        await asyncio.sleep(0)
        seen.append(has_app_context())

    appcontext_pushed.connect(on_pushed)
    try:
        with current_app.app_context():  # sync push on the event loop's thread
            pass
    finally:
        appcontext_pushed.disconnect(on_pushed)
    assert seen == [True]
