"""The OpenTelemetry bridge with the real SDK (in-memory exporter) and Django instrumentation."""

from __future__ import annotations

import pytest

pytest.importorskip("opentelemetry.sdk")

from django.template import engines  # noqa: E402

from flasksignals_django import tap  # noqa: E402
from flasksignals_django.contrib import opentelemetry as fsd_otel  # noqa: E402

from .otel_support import EXPORTER, PROVIDER, TRACER, instrumented  # noqa: E402, F401
from .views_templates import TEMPLATES  # noqa: E402


def handle_error(e):
    return "handled"


def span_events(name="request"):
    (span,) = [s for s in EXPORTER.get_finished_spans() if s.name == name]
    return [(event.name, dict(event.attributes)) for event in span.events]


def test_events_on_the_current_span_with_attributes_and_timestamps():
    timeline = tap.Timeline("GET", "/")
    template = engines["django"].from_string("x").template
    template.name = "page.html"
    with TRACER.start_as_current_span("request"):
        timeline.add("signal", "request_started", timeline.now())
        timeline.add(
            "signal",
            "template_rendered",
            timeline.now(),
            args={"template": template, "context": {}},
        )
        timeline.add(
            "hook",
            "errorhandler",
            timeline.now(),
            functions=[handle_error],
            args={"e": ValueError("boom")},
            answered=True,
        )
        timeline.add("view", "view", timeline.now())
        timeline.add(
            "signal", "request_tearing_down", timeline.now(), args={"exc": None}
        )
    events = span_events()
    assert [(name, attrs["flasksignals.kind"]) for name, attrs in events] == [
        ("request_started", "signal"),
        ("template_rendered", "signal"),
        ("errorhandler", "hook"),
        ("request_tearing_down", "signal"),
    ]
    assert events[1][1]["flasksignals.template"] == "page.html"
    assert events[2][1]["flasksignals.function"] == (
        "tests.test_contrib_opentelemetry.handle_error"
    )
    assert events[2][1]["exception.type"] == "ValueError"
    assert "exception.type" not in events[3][1]
    assert "flasksignals.function" not in events[0][1]
    (span,) = EXPORTER.get_finished_spans()
    stamps = [event.timestamp for event in span.events]
    assert stamps == sorted(stamps)
    assert span.start_time - 10**9 < stamps[0] <= span.end_time


def test_an_error_a_call_raised_is_the_exception_type():
    timeline = tap.Timeline("GET", "/")
    with TRACER.start_as_current_span("request"):
        timeline.add(
            "hook",
            "before_request",
            timeline.now(),
            functions=[handle_error],
            error=KeyError("k"),
        )
    assert span_events()[0][1]["exception.type"] == "KeyError"


def test_without_a_recording_span_nothing_happens():
    timeline = tap.Timeline("GET", "/")
    timeline.add("signal", "request_started", timeline.now())
    with TRACER.start_as_current_span("request"):
        pass
    assert span_events() == []


def test_instrument_is_idempotent_and_uninstrument_detaches():
    fsd_otel.instrument()
    assert fsd_otel.is_instrumented()
    timeline = tap.Timeline("GET", "/")
    with TRACER.start_as_current_span("request"):
        timeline.add("signal", "request_started", timeline.now())
    assert len(span_events()) == 1
    fsd_otel.uninstrument()
    fsd_otel.uninstrument()
    assert not fsd_otel.is_instrumented()
    assert not tap.is_attached()
    EXPORTER.clear()
    with TRACER.start_as_current_span("request"):
        timeline.add("signal", "request_started", timeline.now())
    assert span_events() == []


# -- with opentelemetry-instrumentation-django, through Django's test clients --

OTEL_MIDDLEWARE = (
    "opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware"
)


@pytest.fixture
def django_spans(settings):
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    # DjangoInstrumentor inserts its middleware into settings.MIDDLEWARE: give it
    # a copy that the settings fixture restores.
    settings.MIDDLEWARE = list(settings.MIDDLEWARE)
    settings.TEMPLATES = TEMPLATES
    instrumentor = DjangoInstrumentor()
    instrumentor.instrument(tracer_provider=PROVIDER)
    try:
        assert settings.MIDDLEWARE[0] == OTEL_MIDDLEWARE
        yield
    finally:
        instrumentor.uninstrument()
    assert OTEL_MIDDLEWARE not in settings.MIDDLEWARE


def server_span_events():
    from opentelemetry.trace import SpanKind

    (span,) = [s for s in EXPORTER.get_finished_spans() if s.kind == SpanKind.SERVER]
    return [(event.name, dict(event.attributes)) for event in span.events]


def before():
    return None


def handle_500(error):
    return "handled", 500


REQUEST_EVENTS = [
    ("appcontext_pushed", "signal"),
    ("request_started", "signal"),
    ("before_request", "hook"),
    ("before_render_template", "signal"),
    ("template_rendered", "signal"),
    ("request_finished", "signal"),
]
"""Teardown comes after the body is sent, when Django's span has ended."""


def check_page_events(events):
    assert [(name, attrs["flasksignals.kind"]) for name, attrs in events] == (
        REQUEST_EVENTS
    )
    assert events[2][1]["flasksignals.function"] == (
        "tests.test_contrib_opentelemetry.before"
    )
    assert events[3][1]["flasksignals.template"] == "fsd/page.html"


def test_events_on_djangos_server_span_under_wsgi(django_spans, client):
    from flasksignals_django import current_app

    current_app.before_request(before)
    assert client.get("/t/page/django/").status_code == 200
    check_page_events(server_span_events())
    (span,) = EXPORTER.get_finished_spans()
    stamps = [event.timestamp for event in span.events]
    assert span.start_time <= stamps[0] and stamps == sorted(stamps)
    assert stamps[-1] <= span.end_time


def test_uninstrumented_requests_add_nothing(django_spans, client):
    fsd_otel.uninstrument()
    assert client.get("/t/page/django/").status_code == 200
    assert server_span_events() == []


async def test_events_on_djangos_server_span_under_asgi(django_spans, async_client):
    from flasksignals_django import current_app

    current_app.before_request(before)
    assert (await async_client.get("/t/async-page/django/")).status_code == 200
    check_page_events(server_span_events())


@pytest.mark.parametrize("asgi", [False, True])
async def test_error_answered_by_errorhandler_500(django_spans, asgi):
    from django.test import AsyncClient, Client

    from flasksignals_django import current_app

    current_app.errorhandler(500)(handle_500)
    if asgi:
        response = await AsyncClient(raise_request_exception=False).get("/boom/")
    else:
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    events = server_span_events()
    named = dict(events)
    assert [name for name, _ in events] == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception",
        "errorhandler",
        "request_finished",
        "exception",  # from our bridge: the instrumentation never hears of it
    ]
    assert named["exception"]["exception.type"].endswith("ViewError")
    assert named["got_request_exception"]["exception.type"] == "ViewError"
    assert named["errorhandler"]["flasksignals.kind"] == "hook"
    assert named["errorhandler"]["flasksignals.function"] == (
        "tests.test_contrib_opentelemetry.handle_500"
    )
    assert named["errorhandler"]["exception.type"] == "InternalServerError"


def test_attributes_from_summaries_when_the_values_are_gone():
    """Events kept after the taps were told hold summaries only."""
    event = tap.Event(
        "signal",
        "template_rendered",
        0.0,
        0.0,
        args={"template": "page.html", "exc": "KeyError: 'k'"},
    )
    assert fsd_otel.attributes(event) == {
        "flasksignals.kind": "signal",
        "flasksignals.duration_ms": 0.0,
        "flasksignals.template": "page.html",
        "exception.type": "KeyError",
    }
    quiet = tap.Event("signal", "request_tearing_down", 0.0, 0.0, args={"exc": "None"})
    assert "exception.type" not in fsd_otel.attributes(quiet)


def test_a_template_from_a_string_has_no_template_attribute():
    timeline = tap.Timeline("GET", "/")
    template = engines["django"].from_string("x").template
    with TRACER.start_as_current_span("request"):
        timeline.add(
            "signal", "template_rendered", timeline.now(), args={"template": template}
        )
    (event,) = span_events()
    assert "flasksignals.template" not in event[1]
