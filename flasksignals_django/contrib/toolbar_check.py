"""Check W006: django-debug-toolbar's ``EXTRA_SIGNALS`` must not list a blinker signal.

The toolbar's Signals panel reads Django's receiver lists (``(id, receiver)``
tuples); blinker keeps a dict of ids, so once a receiver is connected the panel
raises ``TypeError`` on every page. Our signals cannot look like Django's
without breaking blinker: FlaskSignalsPanel lists them instead. Importing this
module does not import the toolbar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blinker import Signal
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

from flasksignals_django._dotted import load


def check_toolbar_extra_signals(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """W006: a blinker signal in django-debug-toolbar's ``EXTRA_SIGNALS`` (breaks every page)."""
    config = getattr(settings, "DEBUG_TOOLBAR_CONFIG", None) or {}
    paths = [str(path) for path in config.get("EXTRA_SIGNALS", ())]
    return [
        CheckWarning(
            f"DEBUG_TOOLBAR_CONFIG['EXTRA_SIGNALS'] lists {path}, a blinker signal: "
            "the toolbar's Signals panel reads Django's receiver lists and fails on "
            "every page that shows it.",
            hint="Remove it from EXTRA_SIGNALS and add "
            "'flasksignals_django.contrib.debug_toolbar.FlaskSignalsPanel' to "
            "DEBUG_TOOLBAR_PANELS: it lists these signals' receivers and each "
            "request's timeline.",
            id="flasksignals_django.W006",
        )
        for path in paths
        if isinstance(load(path), Signal)
    ]
