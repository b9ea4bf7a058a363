from __future__ import annotations

from django.apps import AppConfig


class FlaskSignalsConfig(AppConfig):
    name = "flasksignals_django"
    verbose_name = "Flask signals"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
