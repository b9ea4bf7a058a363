"""pytest fixtures for projects that use flasksignals_django (loaded by entry point).

Installing the package registers this plugin with pytest (``pytest11`` entry
point), so the fixtures need no import::

    def test_home(client, captured_templates):
        client.get("/")
        template, context = captured_templates[0]
        assert template.name == "home.html"

Disable it with ``-p no:flasksignals_django.pytest_plugin``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from . import testing
from .testing import SignalRecord


@pytest.fixture
def captured_signals() -> Iterator[list[SignalRecord]]:
    """Every signal sent during the test, as ``(signal, sender, kwargs)`` in send order."""
    with testing.captured_signals() as records:
        yield records


@pytest.fixture
def captured_templates() -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """Every template rendered during the test, as ``(template, context)``."""
    with testing.captured_templates() as records:
        yield records
