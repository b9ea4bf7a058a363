"""OpenTelemetry: each signal sent and hook called, as an event on the current span.

Extra ``[otel]``. Call :func:`instrument` once at startup, for example beside
``DjangoInstrumentor().instrument()``::

    from flasksignals_django.contrib import opentelemetry as fsd_otel

    fsd_otel.instrument()

Each event is named after the signal or the hook decorator (``request_started``,
``before_request``, ``errorhandler``, ...) and carries ``flasksignals.kind``
(``"signal"`` or ``"hook"``) and, where they apply, ``flasksignals.function``
(the hook's dotted name), ``flasksignals.template`` (the template's name),
``exception.type`` and ``flasksignals.duration_ms``. Without a recording span
nothing is added. A span that ends when Django returns the response (the one
``opentelemetry-instrumentation-django`` opens) does not get the teardown
events, which run after the body is sent; a span of the ASGI or WSGI server
middleware does.
"""

from __future__ import annotations

import threading

from opentelemetry import trace
from opentelemetry.util.types import AttributeValue

from flasksignals_django import tap

__all__ = ["instrument", "is_instrumented", "uninstrument"]

KINDS = frozenset({"signal", "hook"})
TEMPLATE_SIGNALS = frozenset({"before_render_template", "template_rendered"})
EXCEPTION_ARGS = ("exception", "exc", "error", "e")
"""Argument names that carry the exception a signal or hook is about."""


class SpanEventTap(tap.Tap):
    """Puts signal and hook events on ``trace.get_current_span()``."""

    def on_event(self, timeline: tap.Timeline, event: tap.Event) -> None:
        if event.kind not in KINDS:
            return
        span = trace.get_current_span()
        if not span.is_recording():
            return
        start_ns = int((timeline.started_at + event.offset) * 1e9)
        span.add_event(event.name, attributes(event), timestamp=start_ns)


def attributes(event: tap.Event) -> dict[str, AttributeValue]:
    """The span event attributes of ``event``."""
    attrs: dict[str, AttributeValue] = {
        "flasksignals.kind": event.kind,
        "flasksignals.duration_ms": event.duration * 1000,
    }
    if event.kind == "hook" and event.functions:
        attrs["flasksignals.function"] = event.functions[0]
    template = _template_name(event) if event.name in TEMPLATE_SIGNALS else None
    if template:
        attrs["flasksignals.template"] = template
    exception_type = _exception_type(event)
    if exception_type:
        attrs["exception.type"] = exception_type
    return attrs


def _template_name(event: tap.Event) -> str | None:
    if "template" in event.values:  # a template made from a string has no name
        name = getattr(event.values["template"], "name", None)
        return name if isinstance(name, str) else None
    return event.args.get("template")


def _exception_type(event: tap.Event) -> str | None:
    # The tap gives the raised error as "Type: message"; the arguments' own
    # values are there while taps are told (summaries otherwise).
    if event.error:
        return event.error.partition(":")[0]
    for name in EXCEPTION_ARGS:
        value = event.values.get(name)
        if isinstance(value, BaseException):
            return type(value).__name__
        summary = event.args.get(name) if name not in event.values else None
        if summary and summary != "None" and ":" in summary:
            return summary.partition(":")[0]
    return None


_tap = SpanEventTap()
_lock = threading.Lock()
_instrumented = False


def instrument() -> None:
    """Start adding span events; calling it again has no effect."""
    global _instrumented
    with _lock:
        tap.attach(_tap)
        _instrumented = True


def uninstrument() -> None:
    """Stop adding span events (the tap is detached); safe to call when not instrumented."""
    global _instrumented
    with _lock:
        tap.detach(_tap)
        _instrumented = False


def is_instrumented() -> bool:
    """True between :func:`instrument` and :func:`uninstrument`."""
    return _instrumented
