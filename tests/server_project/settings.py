"""Settings of the tiny project that the real-server tests run under gunicorn and uvicorn.

The in-process tests reuse its URLconf (``tests.server_project.urls``) under
``tests.settings``. With ``FLASKSIGNALS_EVENTS_FILE`` set, every signal and hook
appends one JSON line to that file (see :mod:`tests.server_project.events`).
"""

from __future__ import annotations

import os

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.server_project.urls"
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FLASKSIGNALS_DB", ":memory:"),
    }
}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "flasksignals_django",
    "tests.server_project.apps.ServerProjectConfig",
]
MIDDLEWARE = [
    "flasksignals_django.middleware.SignalsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "flasksignals_django.middleware.HooksMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
MESSAGE_STORAGE = "flasksignals_django.messages.storage.CookieStorage"
TEMPLATES = [
    {
        "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {},
    }
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"flasksignals_django": {"handlers": ["console"], "level": "ERROR"}},
}
