from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = b"ok"
ON_VIEW: Callable[[], None] | None = None
"""Called inside the sync view when set (the memory measurement's snapshot)."""


def index(request: HttpRequest) -> HttpResponse:
    if ON_VIEW is not None:
        ON_VIEW()
    return HttpResponse(BODY)


async def async_index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


urlpatterns = [
    path("", index),
    path("async/", async_index),
]
