from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.template import engines
from django.urls import include, path

PAGE = "<html><body><h1>{{ title }}</h1></body></html>"


class PageError(Exception):
    pass


def page(request):
    return HttpResponse(
        engines["django"].from_string(PAGE).render({"title": "Hi"}, request)
    )


async def async_page(request):
    return HttpResponse(
        engines["django"].from_string(PAGE).render({"title": "Hi"}, request)
    )


def boom(request):
    raise PageError("boom")


def stream(request):
    return StreamingHttpResponse(iter([b"<html><body>", b"one", b"</body></html>"]))


async def broken_stream(request):
    async def chunks():
        yield b"<html><body>"
        raise PageError("mid-stream")

    return StreamingHttpResponse(chunks())


urlpatterns = [
    path("__debug__/", include("debug_toolbar.urls")),
    path("tb/page/", page),
    path("tb/async/", async_page),
    path("tb/boom/", boom),
    path("tb/stream/", stream),
    path("tb/broken-stream/", broken_stream),
    path("", include("tests.urls")),
]
