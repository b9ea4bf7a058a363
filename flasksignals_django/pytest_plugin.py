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
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import SignalRecord

# flasksignals_django is imported inside the fixtures: pytest loads plugins
# before pytest-django has configured Django's settings.


@pytest.fixture
def captured_signals() -> Iterator[list[SignalRecord]]:
    """Every signal sent during the test, as ``(signal, sender, kwargs)`` in send order."""
    from .testing import captured_signals as capture

    with capture() as records:
        yield records


@pytest.fixture
def captured_templates() -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """Every template rendered during the test, as ``(template, context)``."""
    from .testing import captured_templates as capture

    with capture() as records:
        yield records
