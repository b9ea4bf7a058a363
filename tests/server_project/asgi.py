from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.server_project.settings")
application = get_asgi_application()

if os.environ.get("FLASKSIGNALS_STRESS"):
    from .stress import tagged_asgi

    application = tagged_asgi(application)
