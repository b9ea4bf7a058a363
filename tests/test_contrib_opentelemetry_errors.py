"""The OpenTelemetry bridge puts each unhandled error on the span once.

Through the real signal (Django's ``got_request_exception``) and the real SDK;
the end-to-end counts, under the real Django instrumentation on WSGI and ASGI,
are in ``test_reporters``.
"""

from __future__ import annotations

import inspect

import pytest

pytest.importorskip("opentelemetry.sdk")

from django.core.signals import got_request_exception  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from opentelemetry.trace import Span  # noqa: E402

from flasksignals_django.contrib import opentelemetry as fsd_otel  # noqa: E402

from .otel_support import EXPORTER, TRACER, instrumented  # noqa: E402, F401


def send_while_handling(exc: Exception, request: HttpRequest | None) -> None:
    """Send Django's signal as Django does: inside the ``except`` block."""
    try:
        raise exc
    except Exception:
        got_request_exception.send(sender=None, request=request)


def recorded() -> list[str]:
    (span,) = EXPORTER.get_finished_spans()
    return [
        str(event.attributes["exception.type"]).rsplit(".", 1)[-1]
        for event in span.events
        if event.name == "exception" and event.attributes
    ]


def keys() -> tuple[str, str, str]:
    found = fsd_otel._django_middleware_keys()
    assert found is not None
    return found


def django_span_request(span: Span) -> HttpRequest:
    """A request as it is while the Django instrumentation's ``span`` is open."""
    activation, span_key, _ = keys()
    request = RequestFactory().get("/")
    request.META[activation] = object()
    request.META[span_key] = span
    return request


def test_pin_the_instrumentations_private_names():
    """Fails when an upgrade of opentelemetry-instrumentation-django changes how
    its middleware keeps an exception until its span ends: then adapt
    ``_django_middleware_keys`` and ``record_unhandled``."""
    pytest.importorskip("opentelemetry.instrumentation.django")
    from opentelemetry.instrumentation.django.middleware import otel_middleware

    middleware_class = otel_middleware._DjangoMiddleware
    activation, _, exception_key = keys()
    request = RequestFactory().get("/")
    request.META[activation] = object()
    error = ValueError("kept")
    middleware_class(lambda request: None).process_exception(request, error)
    assert request.META[exception_key] is error
    # process_response takes it from there and ends the span with it.
    source = inspect.getsource(middleware_class.process_response)
    assert "request.META.pop(self._environ_exception_key" in source
    assert "activation.__exit__(" in source


def test_kept_for_the_django_span_to_record_once():
    error = ValueError("unhandled")
    with TRACER.start_as_current_span("request") as span:
        request = django_span_request(span)
        send_while_handling(error, request)
        send_while_handling(error, request)  # process_exception kept it already
    assert request.META[keys()[2]] is error
    assert recorded() == []  # the instrumentation records it when its span ends


def test_a_second_error_is_recorded_at_once():
    first, second = ValueError("first"), KeyError("second")
    with TRACER.start_as_current_span("request") as span:
        request = django_span_request(span)
        send_while_handling(first, request)
        send_while_handling(second, request)
    assert request.META[keys()[2]] is first
    assert recorded() == ["KeyError"]


def test_without_the_django_span_the_current_span_records_it():
    with TRACER.start_as_current_span("request"):
        send_while_handling(ValueError("unhandled"), RequestFactory().get("/"))
        send_while_handling(KeyError("no request"), None)
    assert recorded() == ["ValueError", "KeyError"]


def test_nothing_without_an_exception_or_when_uninstrumented():
    with TRACER.start_as_current_span("request"):
        got_request_exception.send(sender=None, request=RequestFactory().get("/"))
        fsd_otel.uninstrument()
        send_while_handling(ValueError("unhandled"), RequestFactory().get("/"))
    assert recorded() == []


def send_unhandled(error: Exception, request: HttpRequest | None = None) -> None:
    try:
        raise error
    except type(error):
        got_request_exception.send(sender=None, request=request)


def test_without_a_recording_span_nothing_is_recorded():
    send_unhandled(ValueError("nobody listens"))  # no span: nothing to record on
    assert EXPORTER.get_finished_spans() == ()


@pytest.fixture
def forget_keys():
    fsd_otel._django_middleware_keys.cache_clear()
    yield
    fsd_otel._django_middleware_keys.cache_clear()


def test_an_instrumentation_without_its_keys_falls_back_to_the_current_span(
    monkeypatch, forget_keys
):
    from opentelemetry.instrumentation.django.middleware import otel_middleware

    monkeypatch.delattr(otel_middleware._DjangoMiddleware, "_environ_exception_key")
    assert fsd_otel._django_middleware_keys() is None
    with TRACER.start_as_current_span("server"):
        send_unhandled(ValueError("boom"), RequestFactory().get("/"))
    [span] = EXPORTER.get_finished_spans()
    assert [event.name for event in span.events] == ["exception"]


def test_without_the_django_instrumentation_the_current_span_records(
    monkeypatch, forget_keys
):
    import sys

    name = "opentelemetry.instrumentation.django.middleware.otel_middleware"
    monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    assert fsd_otel._django_middleware_keys() is None
    with TRACER.start_as_current_span("server"):
        send_unhandled(ValueError("boom"))
    [span] = EXPORTER.get_finished_spans()
    assert [event.name for event in span.events] == ["exception"]
