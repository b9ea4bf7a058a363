from __future__ import annotations

from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "demo_project.showcase"
    verbose_name = "flasksignals-django showcase"

    def ready(self) -> None:
        # Connect receivers and register hooks once, when Django has loaded.
        from . import wiring

        wiring.install()
