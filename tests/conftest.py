from __future__ import annotations

import pytest

from flasksignals_django.signals import SIGNALS
from flasksignals_django.testing import disconnect_all, isolated_hooks


@pytest.fixture(autouse=True)
def _isolated_hooks_and_receivers():
    """Every test starts with no hooks and no receivers, and must leave none behind."""
    with isolated_hooks() as app:
        app.reset_first_request(
            True
        )  # tests of before_first_request reset it themselves
        yield
    leaked = [signal.name for signal in SIGNALS if signal.receivers]
    disconnect_all()
    assert not leaked, f"receivers leaked from the test: {leaked}"
