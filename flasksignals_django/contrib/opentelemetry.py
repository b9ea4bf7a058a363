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

Each unhandled error (each sending of Django's ``got_request_exception``)
reaches the span once, whichever path answered: that instrumentation hears
only of the view errors passed to ``process_exception``, not of those that
``errorhandler(500)`` answers or that a hook or receiver raises.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any

from django.core.signals import got_request_exception
from django.http import HttpRequest
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


@functools.cache
def _django_middleware_keys() -> tuple[str, str, str] | None:
    """The ``request.META`` keys of opentelemetry-instrumentation-django's middleware.

    Private names of that library, read here only (``test_contrib_opentelemetry_errors``
    pins them): while its span is open, ``META`` holds the activation and the
    span, and the exception kept there is recorded when the span ends.
    """
    try:
        from opentelemetry.instrumentation.django.middleware.otel_middleware import (
            _DjangoMiddleware as Middleware,
        )
    except ImportError:
        return None
    activation, span, exception = (
        getattr(Middleware, name, None)
        for name in (
            "_environ_activation_key",
            "_environ_span_key",
            "_environ_exception_key",
        )
    )
    if (
        isinstance(activation, str)
        and isinstance(span, str)
        and isinstance(exception, str)
    ):
        return activation, span, exception
    return None  # a version that keeps them elsewhere: the current span records


def record_unhandled(
    sender: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Receiver of Django's ``got_request_exception``: the error, on the span, once.

    Under the Django instrumentation's open span the error is kept where its
    own ``process_exception`` keeps one, so the span records it when it ends,
    once even when ``process_exception`` had kept the same error; a second,
    different error is recorded at once. Without that span, the current span
    records it.
    """
    exc = sys.exc_info()[1]
    if exc is None:
        return
    meta = getattr(request, "META", None)
    keys = _django_middleware_keys()
    span = trace.get_current_span()
    if keys is not None and meta is not None and keys[0] in meta:
        _, span_key, exception_key = keys
        kept = meta.get(exception_key)
        if kept is None:
            meta[exception_key] = exc
            return
        if kept is exc:
            return
        span = meta.get(span_key, span)
    if span.is_recording():
        span.record_exception(exc)


_tap = SpanEventTap()
_lock = threading.Lock()
_instrumented = False
_UID = "flasksignals_django.contrib.opentelemetry.record_unhandled"


def instrument() -> None:
    """Start adding span events and unhandled errors; calling it again has no effect."""
    _switch(on=True)


def uninstrument() -> None:
    """Stop adding span events and errors; safe to call when not instrumented."""
    _switch(on=False)


def _switch(on: bool) -> None:
    global _instrumented
    with _lock:
        if on:
            tap.attach(_tap)
            got_request_exception.connect(record_unhandled, dispatch_uid=_UID)
        else:
            tap.detach(_tap)
            got_request_exception.disconnect(record_unhandled, dispatch_uid=_UID)
        _instrumented = on


def is_instrumented() -> bool:
    """True between :func:`instrument` and :func:`uninstrument`."""
    return _instrumented
