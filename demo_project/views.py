"""One view per thing to see, and the request log's pages."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from flasksignals_django import after_this_request, flash, g, request

from .showcase.models import RequestLog
from .showcase.wiring import DemoError, say

SIGNAL_NAMES = [
    "appcontext_pushed",
    "request_started",
    "before_render_template",
    "template_rendered",
    "message_flashed",
    "got_request_exception",
    "request_finished",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_popped",
]
HOOK_NAMES = [
    "before_first_request",
    "before_request",
    "after_this_request",
    "after_request",
    "errorhandler",
    "teardown_request",
    "teardown_appcontext",
]
SHOWN = 50
"""How many rows the request log page lists."""
STATUS_CHOICES = [
    ("", "any"),
    *((f"{n}xx", f"{n}xx") for n in range(2, 6)),
    *((str(code), str(code)) for code in (200, 302, 403, 404, 409, 500)),
]


def home(req: HttpRequest) -> HttpResponse:
    return render(req, "showcase/home.html", {"title": "flasksignals-django demo"})


def django_template(req: HttpRequest) -> HttpResponse:
    @after_this_request
    def add_header(response: HttpResponse) -> HttpResponse:
        response["X-After-This-Request"] = "django-template page"
        say("after_this_request", "added X-After-This-Request")
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
    # The same frame as every page, rendered up front; the chunks stream between.
    top = render_to_string("showcase/_top.html", {"title": "Streaming"}, req)
    bottom = render_to_string("showcase/_bottom.html", {}, req)
    g.chunks = 0

    def body() -> Iterator[str]:
        yield top
        yield "<p>Each line is a chunk of a <code>StreamingHttpResponse</code>.</p><ol class='chunks'>"
        for n in range(1, 6):
            g.chunks += 1  # g and request still work while the body streams
            yield f"<li>chunk {n} of {request.path}, g.chunks={g.chunks}</li>"
        yield (
            "</ol><p><code>teardown_request</code> runs after the last chunk.</p>"
            + bottom
        )

    return StreamingHttpResponse(body(), content_type="text/html; charset=utf-8")


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
    """The request log: filter by path and status; each row folds open."""
    path_filter = req.GET.get("path", "").strip()
    status_filter = req.GET.get("status", "").strip()
    rows = RequestLog.objects.all()
    if path_filter:
        rows = rows.filter(path__icontains=path_filter)
    if re.fullmatch(r"[1-5]xx", status_filter):
        low = int(status_filter[0]) * 100
        rows = rows.filter(status__gte=low, status__lt=low + 100)
    elif status_filter.isdigit():
        rows = rows.filter(status=int(status_filter))
    seen = {
        event["name"]
        for events in RequestLog.objects.values_list("events", flat=True)[:200]
        for event in events
    }
    return render(
        req,
        "showcase/events.html",
        {
            "title": "Request log",
            "rows": rows[:SHOWN],
            "total": rows.count(),
            "path_filter": path_filter,
            "status_filter": status_filter,
            "status_choices": STATUS_CHOICES,
            "signals": [(name, name in seen) for name in SIGNAL_NAMES],
            "hooks": [(name, name in seen) for name in HOOK_NAMES],
        },
    )


def timeline(req: HttpRequest, rid: uuid.UUID) -> JsonResponse:
    """One request's row as JSON; 404 until its teardown wrote it."""
    row = RequestLog.objects.filter(rid=rid).first()
    if row is None:
        response = JsonResponse({"rid": str(rid), "complete": False}, status=404)
    else:
        response = JsonResponse(row.as_json())
    response["Cache-Control"] = "no-store"
    return response
