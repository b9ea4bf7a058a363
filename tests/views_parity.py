"""Views of the Flask parity scenarios that ``views_core`` lacks (``tests/parity_scenarios.py``).

Each notes on the active recorder what Flask's probe recorded for its view.
"""

from __future__ import annotations

import asyncio

from django.http import HttpResponse, StreamingHttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from flasksignals_django import flash, stream_with_context

from .recorder import note
from .views_core import ViewError


def render(source: str, context: dict[str, object], request: object) -> str:
    """A render through the first configured backend (ours), which sends the signals."""
    return engines.all()[0].from_string(source).render(context, request)


def flash_render(request):
    note("view", "index")
    flash("Hello flash", "info")
    html = render("<h1>Hello {{ name }}</h1>", {"name": "World"}, request)
    note("view", "index_return")
    return HttpResponse(html)


def render_string(request):
    note("view", "index")
    out = render(
        "Hi {{ name }} | {{ added_by_receiver }} | {{ cp_var }}",
        {"name": "original"},
        request,
    )
    note("view", "rendered")
    return HttpResponse(out)


def render_page(request):
    note("view", "index")
    return HttpResponse(
        render(
            "<h1>Hello {{ name }}</h1><b>{{ added_by_receiver }}</b>",
            {"name": "original"},
            request,
        )
    )


def render_kwargs(request):
    return HttpResponse(render("{{ cp_var }}", {"cp_var": "from_kwargs"}, request))


def plain(request):
    return HttpResponse("ok")


@require_GET
def get_only(request):
    note("view", "index")
    return HttpResponse("ok")


def _gen():
    try:
        note("body", "gen_chunk1")
        yield "a"
        note("body", "gen_chunk2")
        yield "b"
        note("body", "gen_exhausted")
    finally:
        note("body", "gen_generator_finally")


def stream(request):
    note("view", "index")
    return StreamingHttpResponse(_gen())


def stream_with(request):
    note("view", "index")
    return StreamingHttpResponse(stream_with_context(_gen()))


async def async_index(request):
    await asyncio.sleep(0)
    note("view", "async_index")
    return HttpResponse("async ok")


async def async_boom(request):
    note("view", "async_index")
    raise ViewError("boom")


async def async_flash(request):
    note("view", "async_index")
    flash("async flash", "info")
    note("view", "after_flash")
    return HttpResponse("async ok")


async def async_flash_render(request):
    await asyncio.sleep(0)
    note("view", "async_index")
    flash("async flash", "info")
    return HttpResponse(render("{{ v }}", {"v": "async-rendered"}, request))


urlpatterns = [
    path("flash-render/", flash_render),
    path("render-string/", render_string),
    path("render-page/", render_page),
    path("render-kwargs/", render_kwargs),
    path("plain/", plain),
    path("get-only/", get_only),
    path("stream/", stream),
    path("stream-with/", stream_with),
    path("async/", async_index),
    path("async/boom/", async_boom),
    path("async/flash/", async_flash),
    path("async/flash-render/", async_flash_render),
]
