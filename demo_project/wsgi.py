"""WSGI entry point: ``gunicorn demo_project.wsgi`` (``--workers 4`` works)."""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

# The demo's stylesheet and script, and the toolbar's, without collectstatic.
application = StaticFilesHandler(get_wsgi_application())
