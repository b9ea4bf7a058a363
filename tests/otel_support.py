"""One in-memory OpenTelemetry pipeline for the bridge's tests, and the fixture that
instruments the bridge around each test (import both into a test module)."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from flasksignals_django.contrib import opentelemetry as fsd_otel

EXPORTER = InMemorySpanExporter()
PROVIDER = TracerProvider()
PROVIDER.add_span_processor(SimpleSpanProcessor(EXPORTER))
TRACER = PROVIDER.get_tracer("tests")


@pytest.fixture(autouse=True)
def instrumented():
    EXPORTER.clear()
    fsd_otel.instrument()
    try:
        yield
    finally:
        fsd_otel.uninstrument()
        EXPORTER.clear()
