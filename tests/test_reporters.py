"""Real error reporters see each unhandled error once and handled ones never (issue 11).

Sentry's DjangoIntegration (an in-memory transport) and OpenTelemetry's Django
instrumentation (an in-memory span exporter: ``exception`` events on the server
span), under WSGI and ASGI. OpenTelemetry's middleware hears only of view errors
passed to ``process_exception``; errors that ``errorhandler(500)`` answers or
that an ``after_request`` function or a ``request_finished`` receiver raise
reach the span through our bridge, so the OpenTelemetry cases need
``flasksignals_django.contrib.opentelemetry.instrument()`` (the probe calls it).
Both reporters patch Django for the whole process, so
:mod:`tests.reporters_probe` runs them in a subprocess, once per reporter and
server kind, and prints what was recorded per scenario.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("sentry_sdk")
pytest.importorskip("opentelemetry.instrumentation.django")

ROOT = Path(__file__).resolve().parent.parent
_results: dict[tuple[str, str], dict[str, Any]] = {}


def recorded(reporter: str, kind: str) -> dict[str, Any]:
    """What ``reporter`` recorded per scenario under ``kind``; one subprocess each."""
    key = (reporter, kind)
    if key not in _results:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        proc = subprocess.run(
            [sys.executable, "-m", "tests.reporters_probe", reporter, kind],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        _results[key] = json.loads(proc.stdout.splitlines()[-1])
    return _results[key]


KINDS = ["wsgi", "asgi"]


@pytest.mark.parametrize(
    ("reporter", "scenario", "error"),
    [
        ("sentry", "unhandled", "ViewError"),
        ("sentry", "errorhandler500", "ViewError"),
        ("sentry", "after_request", "HookError"),
        ("sentry", "request_finished", "HookError"),
        ("otel", "unhandled", "ViewError"),
        ("otel", "errorhandler500", "ViewError"),
        ("otel", "after_request", "HookError"),
        ("otel", "request_finished", "HookError"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_unhandled_error_is_recorded_once(kind, reporter, scenario, error):
    result = recorded(reporter, kind)[scenario]
    assert result["status"] == 500
    assert result["recorded"] == [error]


@pytest.mark.parametrize(
    ("scenario", "status"),
    [("handled", 200), ("http404_handler", 200), ("http404", 404)],
)
@pytest.mark.parametrize("reporter", ["sentry", "otel"])
@pytest.mark.parametrize("kind", KINDS)
def test_handled_error_is_not_recorded(kind, reporter, scenario, status):
    result = recorded(reporter, kind)[scenario]
    assert result["status"] == status
    if reporter == "otel" and scenario == "http404":
        # OTel's own middleware records every exception a view raises, Http404
        # included, as it does on plain Django: never more than once.
        assert result["recorded"] in ([], ["Http404"])
    else:
        assert result["recorded"] == []
