from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.server_project.settings")
application = get_wsgi_application()

if os.environ.get("FLASKSIGNALS_STRESS"):
    from .stress import tagged_wsgi

    application = tagged_wsgi(application)
