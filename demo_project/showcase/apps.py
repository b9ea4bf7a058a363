from __future__ import annotations

from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "demo_project.showcase"
    label = "showcase"
    verbose_name = "flasksignals-django showcase"
    default = True

    def ready(self) -> None:
        # Connect receivers, register hooks and attach the tap once, when Django has loaded.
        from . import wiring

        wiring.install()


class ShowcaseModelsConfig(ShowcaseConfig):
    """The app's model only: the library's tests install the wiring per test."""

    default = False

    def ready(self) -> None:
        pass
