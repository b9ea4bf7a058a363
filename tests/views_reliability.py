"""Views and URLconf of the issue 11 regression tests (``@pytest.mark.urls`` names this module)."""

from __future__ import annotations

import threading
import weakref
from typing import Any

from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import path

from flasksignals_django import after_this_request, flash

RENDERS = 20
CAPTURED: list[weakref.ref[Any]] = []
"""Weak references to what each after_this_request closure captured."""


class ViewError(Exception):
    pass


class Captured:
    """Something a closure keeps alive while it lives."""


def index(req):
    return HttpResponse("ok")


async def aindex(req):
    return HttpResponse("ok")


def boom(req):
    raise ViewError("boom")


async def aboom(req):
    raise ViewError("boom")


def not_found(req):
    raise Http404("nope")


def value_error(req):
    raise ValueError("handled")


def after_this(req):
    captured = Captured()
    CAPTURED.append(weakref.ref(captured))

    @after_this_request
    def keep(response: Any) -> Any:
        response["X-Captured"] = type(captured).__name__
        return response

    return HttpResponse("ok")


async def aafter_this(req):
    return after_this(req)


async def arender_and_flash(req):
    """Sync template renders and flashes on the event loop's thread, ``RENDERS`` times each."""
    engine = engines.all()[0]
    for i in range(RENDERS):
        engine.from_string("{{ i }}").render({"i": i})
        flash(f"m{i}", "info")
    return HttpResponse(str(threading.get_ident()))


urlpatterns = [
    path("", index),
    path("async/", aindex),
    path("boom/", boom),
    path("async/boom/", aboom),
    path("404/", not_found),
    path("value-error/", value_error),
    path("after-this/", after_this),
    path("async/after-this/", aafter_this),
    path("async/render-flash/", arender_and_flash),
]
