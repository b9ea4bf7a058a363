"""Count what real error reporters record per scenario; run as a subprocess by test_reporters.

``python -m tests.reporters_probe sentry|otel wsgi|asgi`` prints one JSON object:
``{scenario: [exception class name, ...]}``, what the reporter recorded for one
request of that scenario. Sentry's DjangoIntegration and OpenTelemetry's
DjangoInstrumentor patch Django for the whole process, so they never run inside
the test process itself. Requests go through Django's real ``WSGIHandler`` and
``ASGIHandler`` (the parts the reporters patch), driven by ``server_project.drive``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import django
from django.conf import settings

from tests import settings as base

SCENARIOS = ("unhandled", "errorhandler500", "after_request", "request_finished")
HANDLED = ("handled", "http404", "http404_handler")


class HookError(Exception):
    pass


def configure() -> None:
    values = {name: getattr(base, name) for name in dir(base) if name.isupper()}
    values.update(
        ROOT_URLCONF="tests.views_reliability",
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        MESSAGE_STORAGE="flasksignals_django.messages.storage.CookieStorage",
        LOGGING_CONFIG=None,  # keep the expected tracebacks off the probe's stderr
    )
    settings.configure(**values)
    django.setup()


@contextmanager
def scenario(name: str) -> Iterator[str]:
    """Register what ``name`` needs and yield the path to request."""
    from flasksignals_django import current_app, request_finished
    from flasksignals_django.testing import isolated_hooks

    def finished_raises(sender: Any, **kwargs: Any) -> None:
        raise HookError("request_finished receiver")

    def after_raises(response: Any) -> Any:
        raise HookError("after_request")

    with isolated_hooks():
        path = "/boom/"
        if name == "errorhandler500":
            current_app.errorhandler(500)(lambda e: ("sorry", 500))
        elif name == "after_request":
            current_app.after_request(after_raises)
            path = "/"
        elif name == "request_finished":
            request_finished.connect(finished_raises)
            path = "/"
        elif name == "handled":
            current_app.errorhandler(ValueError)(lambda e: "handled")
            path = "/value-error/"
        elif name.startswith("http404"):
            if name == "http404_handler":
                current_app.errorhandler(404)(lambda e: "handled")
            path = "/404/"
        try:
            yield path
        finally:
            request_finished.disconnect(finished_raises)


def requester(kind: str) -> Callable[[str], int]:
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler

    from tests.server_project.drive import asgi_request, wsgi_get

    if kind == "wsgi":
        wsgi = WSGIHandler()
        return lambda path: wsgi_get(wsgi, path)[0]
    asgi = ASGIHandler()

    def get(path: str) -> int:
        status = asyncio.run(asgi_request(path, handler=asgi)).status
        assert status is not None
        return status

    return get


def sentry_recorder() -> Callable[[], list[str]]:
    import sentry_sdk
    from sentry_sdk.envelope import Envelope
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.transport import Transport

    envelopes: list[Envelope] = []

    class MemoryTransport(Transport):
        def capture_envelope(self, envelope: Envelope) -> None:
            envelopes.append(envelope)

    sentry_sdk.init(
        dsn="http://public@127.0.0.1:9/1",
        transport=MemoryTransport,
        integrations=[DjangoIntegration()],
        default_integrations=False,
        auto_enabling_integrations=False,
    )

    def recorded() -> list[str]:
        sentry_sdk.flush()
        events = [
            item.payload.json
            for envelope in envelopes
            for item in envelope.items
            if item.type == "event"
        ]
        envelopes.clear()
        return [
            value["type"]
            for event in events
            for value in (event or {}).get("exception", {}).get("values", [])[-1:]
        ]

    return recorded


def otel_recorder() -> Callable[[], list[str]]:
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter,
    )
    from opentelemetry.trace import SpanKind

    from flasksignals_django.contrib import opentelemetry as fsd_otel

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    DjangoInstrumentor().instrument(tracer_provider=provider)
    fsd_otel.instrument()  # our bridge brings the errors the instrumentation misses

    def recorded() -> list[str]:
        spans = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER]
        exporter.clear()
        assert len(spans) == 1, spans
        return [
            str(event.attributes.get("exception.type", "")).rsplit(".", 1)[-1]
            for event in spans[0].events
            if event.name == "exception"
        ]

    return recorded


def main(reporter: str, kind: str) -> None:
    configure()
    recorded = sentry_recorder() if reporter == "sentry" else otel_recorder()
    get = requester(kind)
    results: dict[str, Any] = {}
    for name in SCENARIOS + HANDLED:
        with scenario(name) as path:
            status = get(path)
        results[name] = {"status": status, "recorded": recorded()}
    print(json.dumps(results))


if __name__ == "__main__":
    main(*sys.argv[1:3])
