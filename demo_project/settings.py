"""Settings of the demo: a plain Django project plus the flasksignals_django parts.

Not for production: the secret key is public and DEBUG is on.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "demo-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "demo_project.urls"
WSGI_APPLICATION = "demo_project.wsgi.application"
USE_TZ = True

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB_PATH", str(BASE_DIR / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "flasksignals_django",
    "demo_project.showcase",  # its AppConfig.ready() connects receivers and hooks
]

MIDDLEWARE = [
    # First: pushes the app context, sends request_started/request_finished, tears down.
    "flasksignals_django.middleware.SignalsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: before_request, errorhandler, after_this_request, after_request.
    "flasksignals_django.middleware.HooksMiddleware",
]

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "demo_project.showcase.context_processors.recent_events",
]
TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "showcase" / "templates"],
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
    {
        "NAME": "jinja2",
        "BACKEND": "flasksignals_django.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "showcase" / "jinja2"],
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

MESSAGE_STORAGE = "flasksignals_django.messages.storage.FallbackStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"demo": {"format": "[demo] %(message)s"}},
    "handlers": {"demo": {"class": "logging.StreamHandler", "formatter": "demo"}},
    "loggers": {"demo": {"handlers": ["demo"], "level": "INFO", "propagate": False}},
}
