from __future__ import annotations

from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "django_port"
    label = "django_port"

    def ready(self) -> None:
        # Flask's create_app() does this; on Django, AppConfig.ready() runs once.
        from flasksignals_django import current_app

        from . import audit, views

        audit.init_app(current_app)
        views.register_error_handlers(current_app)
