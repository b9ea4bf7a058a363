"""ASGI entry point: ``uvicorn demo_project.asgi:application`` (``--workers 4`` works)."""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

# The demo's stylesheet and script, and the toolbar's, without collectstatic.
application = ASGIStaticFilesHandler(get_asgi_application())
