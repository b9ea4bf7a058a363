from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from flasksignals_django import g

from .events import log


def recent_events(request: HttpRequest) -> dict[str, Any]:
    """The requests before this one: a request's teardown happens after its page is sent."""
    current = g.get("demo_rid")
    previous = [record for record in log.recent(6) if record.rid != current]
    return {"recent_requests": previous[:5], "demo_rid": current}
