"""The request log, built on the library's recording tap.

Two steps write each request's :class:`~.models.RequestLog` row:

1. :func:`log_request`, a ``teardown_request`` function, inserts the row
   through the ORM: the audit-log pattern, which works without any tap;
2. :class:`RequestLogTap` (attached by ``wiring.install()``) gives the row
   the request's timeline: :meth:`~RequestLogTap.on_finish` runs after the
   last teardown step and UPDATEs the row with every event and ``complete``.

Both run where teardown runs: sync code, in the worker thread under WSGI and
in ``sync_to_async``'s thread under ASGI. Should one ever run on an event
loop's thread, the ORM call goes to a one-thread executor instead, which also
keeps a request's INSERT before its UPDATE.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flasksignals_django import g, request
from flasksignals_django.tap import Event, Tap, Timeline, dotted_name, timeline_of

from .models import RequestLog

logger = logging.getLogger("demo")

KEEP = 500
"""How many rows the log keeps; older ones are deleted as new ones come in."""

UNLOGGED = ("/timeline/", "/__debug__/", "/static/")
"""Path prefixes left out of the log: the pages' own polling, the toolbar, files."""

WORKER = f"{socket.gethostname()}:{os.getpid()}"

_loop_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-log")


def is_logged(path: str) -> bool:
    return not path.startswith(UNLOGGED)


def run_orm(write: Callable[[], object]) -> None:
    """Run ``write`` here, or on a helper thread when here is an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        write()
        return
    logger.info("an ORM write on an event loop's thread went to a helper thread")
    _loop_writer.submit(write)


def event_json(events: Sequence[Event], view: str = "") -> list[dict[str, Any]]:
    """The events as JSON, by start time; with no hook that answered, the view is marked.

    A timeline lists events as they end, so a view comes after the template
    signals sent inside it; sorted by start, it comes before them. ``view``
    names the view function on the view's row.
    """
    rows = [
        {
            "kind": event.kind,
            "name": event.name,
            "offset_ms": round(event.offset * 1000, 3),
            "duration_ms": round(event.duration * 1000, 3),
            "functions": list(event.functions),
            "args": dict(event.args),
            "answered": event.answered,
            "error": event.error,
        }
        for event in sorted(events, key=lambda event: event.offset)
    ]
    views = [row for row in rows if row["kind"] == "view"]
    for row in views:
        if view and not row["functions"]:
            row["functions"] = [view]
    if views and not views[-1]["error"] and not any(r["answered"] for r in rows):
        views[-1]["answered"] = True
    return rows


def answered_by(events: list[dict[str, Any]]) -> str:
    for row in events:
        if row["answered"]:
            return " ".join([row["name"], *row["functions"][:1]])
    return ""


class RequestLogTap(Tap):
    """Completes each logged request's row once its last teardown step ran."""

    def __init__(self) -> None:
        # timeline id -> (RequestLog pk, the view's name), until the timeline finishes
        self._rows: dict[int, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def row_written(self, timeline: Timeline, pk: int, view: str) -> None:
        with self._lock:
            self._rows[timeline.id] = (pk, view)

    def on_finish(self, timeline: Timeline) -> None:
        # Through run_orm like the INSERT, so it runs after it in any case.
        run_orm(lambda: self._complete(timeline))

    def _complete(self, timeline: Timeline) -> None:
        with self._lock:
            row = self._rows.pop(timeline.id, None)
        if row is None:  # an app context outside requests, or an unlogged path
            return
        pk, view = row
        events = event_json(timeline.events, view)
        fields: dict[str, Any] = {
            "events": events,
            "duration_ms": round(timeline.duration * 1000, 3),
            "answered_by": answered_by(events)[:300],
            "complete": True,
        }
        RequestLog.objects.filter(pk=pk).update(**fields)
        logger.info(
            "%s %s -> %s in %.2f ms, %d events, answered by %s",
            timeline.method,
            timeline.path,
            timeline.status_code,
            fields["duration_ms"],
            len(events),
            fields["answered_by"] or "-",
        )


TAP = RequestLogTap()


def log_request(exc: BaseException | None) -> None:
    """``teardown_request``: one RequestLog row for this request."""
    if not is_logged(request.path):
        return
    django_request = request._get_current_object()
    match = django_request.resolver_match
    view = "" if match is None else dotted_name(match.func)
    timeline = timeline_of(django_request)
    events = event_json(timeline.events, view) if timeline is not None else []
    started = timeline.started_at if timeline is not None else g.demo_started
    row = RequestLog(
        rid=g.demo_rid,
        method=request.method,
        path=request.get_full_path()[:500],
        status=g.get("demo_status"),
        answered_by=answered_by(events)[:300],
        exc="" if exc is None else f"{type(exc).__name__}: {exc}",
        started_at=datetime.fromtimestamp(started, tz=UTC),
        duration_ms=round(timeline.duration * 1000, 3) if timeline else 0.0,
        worker=WORKER,
        events=events,
        complete=timeline is None,  # without the tap there is nothing to add
    )

    def write() -> None:
        row.save()
        RequestLog.objects.filter(pk__lte=row.pk - KEEP).delete()
        if timeline is not None:
            TAP.row_written(timeline, row.pk, view)

    run_orm(write)
