"""A django-debug-toolbar panel: the request's signals and hooks, in order.

Add it beside the toolbar's own panels (extra ``[toolbar]``)::

    DEBUG_TOOLBAR_PANELS = [
        ...,
        "debug_toolbar.panels.signals.SignalsPanel",
        "flasksignals_django.contrib.debug_toolbar.FlaskSignalsPanel",
    ]

While the panel is configured a recording :class:`~flasksignals_django.tap.Tap`
stays attached, so every request records its timeline (a development cost).
Teardown runs after the response is sent, that is after the toolbar rendered:
the panel shows what ran until then, and once teardown ran its stored stats
are brought up to date, so reopening the panel or picking the request in the
History panel shows the whole timeline.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from debug_toolbar.panels import Panel
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from flasksignals_django import tap
from flasksignals_django.inventory import hook_registries, signal_receivers

__all__ = ["FlaskSignalsPanel", "inventory_stats", "timeline_stats"]

logger = logging.getLogger("flasksignals_django")

SKIP_TEMPLATE_PREFIXES = ("debug_toolbar/",)
"""Renders of these templates are the toolbar's own, left out of the timeline."""
WAITING_MAX = 100
"""Most panels kept waiting for their request's teardown (oldest dropped first)."""


def _is_toolbar_render(event: tap.Event) -> bool:
    template = event.args.get("template", "")
    return event.kind == "signal" and template.startswith(SKIP_TEMPLATE_PREFIXES)


def timeline_stats(timeline: tap.Timeline | None) -> dict[str, Any]:
    """The panel's stats for ``timeline``: plain, JSON-serialisable values."""
    if timeline is None:
        return {"recorded": False, "events": [], "count": 0, "duration_ms": 0.0}
    # Events are added as they end: a view's templates come before the view.
    events = sorted(
        (event for event in timeline.events if not _is_toolbar_render(event)),
        key=lambda event: event.offset,
    )
    total = max((event.offset + event.duration for event in events), default=0.0)
    scale = 100 / total if total else 0.0
    return {
        "recorded": True,
        "method": timeline.method,
        "path": timeline.path,
        "status_code": timeline.status_code,
        "finished": timeline.finished,
        "count": len(events),
        "duration_ms": total * 1000,
        "events": [
            {
                "kind": event.kind,
                "name": event.name,
                "offset_ms": event.offset * 1000,
                "duration_ms": event.duration * 1000,
                "functions": list(event.functions),
                "args": dict(event.args),
                "answered": event.answered,
                "error": event.error,
                "bar_left": event.offset * scale,
                "bar_width": max(event.duration * scale, 0.3),
            }
            for event in events
        ],
    }


def inventory_stats() -> dict[str, Any]:
    """The connected receivers and hook registries, as ``manage.py flasksignals`` lists them.

    Two listings of the same shape: each row a label and the dotted names it lists.
    """
    receivers = [
        {
            "label": signal.python_name,
            "items": [
                {
                    "name": info.name,
                    "note": f"sender={', '.join(info.senders)}, "
                    + ("weak" if info.weak else "strong"),
                }
                for info in infos
            ],
        }
        for signal, infos in signal_receivers()
    ]
    hooks = [
        {
            "label": registry.title,
            "items": [{"name": entry} for entry in registry.entries],
        }
        for registry in hook_registries()
    ]
    return {
        "listings": [
            {
                "title": "Connected receivers (in the order they are called)",
                "columns": ("Signal", "Receivers"),
                "rows": receivers,
            },
            {
                "title": "Hooks (in the order they run)",
                "columns": ("Registry", "Functions"),
                "rows": hooks,
            },
        ]
    }


class _TeardownTap(tap.Tap):
    """Keeps each panel until its request's teardown ran, then updates its stats."""

    def __init__(self) -> None:
        self._waiting: dict[int, FlaskSignalsPanel] = {}
        self._lock = threading.Lock()

    def wait(self, timeline: tap.Timeline, panel: FlaskSignalsPanel) -> None:
        with self._lock:
            self._waiting[timeline.id] = panel
            while len(self._waiting) > WAITING_MAX:
                del self._waiting[next(iter(self._waiting))]

    def on_finish(self, timeline: tap.Timeline) -> None:
        with self._lock:
            panel = self._waiting.pop(timeline.id, None)
        if panel is not None:
            panel.record_timeline(timeline)


_TAP = _TeardownTap()


class FlaskSignalsPanel(Panel):
    """The request's timeline of Flask signals and hooks, and what is connected."""

    is_async = True  # it reads the timeline and the registries: no I/O, no thread state
    nav_title = "Flask signals"
    template = "debug_toolbar/panels/flasksignals.html"

    @classmethod
    def ready(cls) -> None:
        # Attached before the first request, because SignalsMiddleware (first in
        # MIDDLEWARE) starts each request's timeline before the toolbar runs.
        tap.attach(_TAP)

    def enable_instrumentation(self) -> None:
        tap.attach(_TAP)  # panels configured after startup: from the next request on

    @property
    def nav_subtitle(self) -> str:
        stats = self._stats()
        if not stats.get("recorded"):
            return "not recorded"
        return f"{stats['count']} events in {stats['duration_ms']:.1f} ms"

    @property
    def title(self) -> str:
        stats = self._stats()
        if not stats.get("recorded"):
            return "Flask signals and hooks"
        title = (
            f"Flask signals and hooks: {stats['count']} events "
            f"in {stats['duration_ms']:.2f} ms"
        )
        return title if stats.get("finished") else f"{title} before teardown"

    def generate_stats(self, request: HttpRequest, response: HttpResponseBase) -> None:
        timeline = tap.timeline_of(request)
        self._record({**timeline_stats(timeline), **inventory_stats()})
        if timeline is not None and not timeline.finished:
            _TAP.wait(timeline, self)

    def _stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.get_stats()  # type: ignore[no-untyped-call]
        return stats

    def _record(self, stats: dict[str, Any]) -> None:
        self.record_stats(stats)  # type: ignore[no-untyped-call]

    def record_timeline(self, timeline: tap.Timeline) -> None:
        """Store ``timeline`` as it is now (after teardown) for the panel and History."""
        stats = timeline_stats(timeline)
        loop = _running_loop()
        if loop is not None and _is_database_store(self.toolbar.store):
            # On the event loop's thread the ORM refuses to run: save from a worker.
            loop.run_in_executor(None, self._save, stats)
        else:
            self._record(stats)

    def _save(self, stats: dict[str, Any]) -> None:
        try:
            self._record(stats)
        except Exception:
            logger.exception("FlaskSignalsPanel could not store the teardown events")


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _is_database_store(store: type) -> bool:
    # debug_toolbar.store imports a model: not importable before apps are ready.
    from debug_toolbar.store import DatabaseStore

    return issubclass(store, DatabaseStore)
