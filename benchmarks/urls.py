from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = b"ok"


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


async def async_index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY)


urlpatterns = [
    path("", index),
    path("async/", async_index),
]
