from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static

from flasksignals_django import g

NAV = [
    ("/", "Home"),
    ("/template/", "Django template"),
    ("/jinja/", "Jinja2 template"),
    ("/flash/", "Flash messages"),
    ("/stream/", "Streaming"),
    ("/async/", "Async view"),
    ("/error/", "View that raises"),
    ("/error/custom/", "Custom exception"),
    ("/blocked/", "Blocked"),
    ("/no-such-page/", "Unknown URL"),
    ("/events/", "Request log"),
]


def frame(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs, in both template engines."""
    rid = g.get("demo_rid")
    return {
        "nav": [(href, label, href == request.path) for href, label in NAV],
        "demo_rid": "" if rid is None else str(rid),
        "demo_css": static("showcase/demo.css"),
        "demo_js": static("showcase/timeline.js"),
    }
