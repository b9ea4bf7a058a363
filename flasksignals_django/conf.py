"""The package's settings, read from ``django.conf.settings`` on every access.

Reading on each access keeps ``override_settings`` working without any cache.
"""

from __future__ import annotations

import os

from django.conf import settings


class Settings:
    @property
    def APP_NAME(self) -> str:
        """``FLASKSIGNALS_APP_NAME``: ``current_app.name`` and its logger's name.

        Defaults to the top package of ``DJANGO_SETTINGS_MODULE``.
        """
        configured = getattr(settings, "FLASKSIGNALS_APP_NAME", None)
        if configured:
            return str(configured)
        module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
        return module.partition(".")[0] or "django"

    @property
    def PROPAGATE_EXCEPTIONS(self) -> bool:
        """``FLASKSIGNALS_PROPAGATE_EXCEPTIONS``, Flask's ``PROPAGATE_EXCEPTIONS``.

        While true, an unhandled exception skips ``errorhandler(500)`` and Django
        answers it (its technical 500 page under ``DEBUG``). ``None``, the
        default, follows ``settings.DEBUG``.
        """
        configured = getattr(settings, "FLASKSIGNALS_PROPAGATE_EXCEPTIONS", None)
        if configured is None:
            return bool(settings.DEBUG)
        return bool(configured)


conf = Settings()
