"""One view per thing to see; showcase/wiring.py records what each one triggers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from flasksignals_django import after_this_request, flash, g, request
from flasksignals_django.signals import SIGNALS

from .showcase.events import log
from .showcase.wiring import DemoError, record

SIGNAL_NAMES = [signal.name.replace("-", "_") for signal in SIGNALS]
HOOK_NAMES = [
    "before_first_request",
    "before_request",
    "after_this_request",
    "after_request",
    "teardown_request",
    "teardown_appcontext",
    "errorhandler(404)",
    "errorhandler(DemoError)",
    "errorhandler(500)",
]


def home(req: HttpRequest) -> HttpResponse:
    return render(req, "showcase/home.html", {"title": "flasksignals-django demo"})


def django_template(req: HttpRequest) -> HttpResponse:
    @after_this_request
    def add_header(response: HttpResponse) -> HttpResponse:
        response["X-After-This-Request"] = "django-template page"
        record("after_this_request", "added X-After-This-Request")
        return response

    g.shown_by = "g, set in the view"
    return render(req, "showcase/template.html", {"title": "A Django template"})


def jinja_template(req: HttpRequest) -> HttpResponse:
    return render(
        req, "showcase/jinja.html", {"title": "A Jinja2 template"}, using="jinja2"
    )


def flash_messages(req: HttpRequest) -> HttpResponse:
    flash("Flashed with flasksignals_django.flash()", "success")
    messages.info(req, "Added with django.contrib.messages.info()")
    # Flask's pattern: flash, then redirect; the next page shows the messages.
    return redirect("home")


def stream(req: HttpRequest) -> StreamingHttpResponse:
    g.chunks = 0

    def body() -> Iterator[str]:
        yield '<!doctype html><title>Streaming</title><link rel=icon href="data:,">'
        yield "<h1>Streaming</h1><ol>"
        for n in range(1, 6):
            g.chunks += 1  # g and request still work while the body streams
            yield f"<li>chunk {n} of {request.path}, g.chunks={g.chunks}</li>"
        yield "</ol><p>teardown_request runs after this last chunk. <a href='/'>home</a></p>"

    return StreamingHttpResponse(body(), content_type="text/html")


async def async_view(req: HttpRequest) -> HttpResponse:
    await asyncio.sleep(0)
    return render(
        req,
        "showcase/page.html",
        {
            "title": "An async view",
            "text": "Rendered from an async def view; the signals fire there too.",
        },
    )


def raises(req: HttpRequest) -> HttpResponse:
    raise RuntimeError("this view raised on purpose")


def raises_custom(req: HttpRequest) -> HttpResponse:
    raise DemoError("a DemoError raised by the view")


def events(req: HttpRequest) -> HttpResponse:
    records = log.recent()
    seen = {event.name for record in records for event in record.events}
    return render(
        req,
        "showcase/events.html",
        {
            "title": "Events of the last requests",
            "records": records,
            "signals": [(name, name in seen) for name in SIGNAL_NAMES],
            "hooks": [(name, name in seen) for name in HOOK_NAMES],
        },
    )
