"""Settings of the demo: a plain Django project plus the flasksignals_django parts.

Not for production: the secret key is public and DEBUG is on.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import django

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "demo-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "demo_project.urls"
WSGI_APPLICATION = "demo_project.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"

DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB_PATH", str(BASE_DIR / "db.sqlite3")),
        # Several workers write the request log: wait for SQLite's lock.
        "OPTIONS": {"timeout": 20},
    }
}
if django.VERSION >= (5, 1):
    # Readers do not wait for the log's writers; a commit does not wait for the disk.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "flasksignals_django",
    # Its AppConfig.ready() connects receivers, registers hooks and attaches
    # the recording tap; its RequestLog model is the request log.
    "demo_project.showcase",
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
    "demo_project.showcase.context_processors.frame",
]
TEMPLATES = [
    {
        "NAME": "django",
        "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "showcase" / "templates"],
        "APP_DIRS": True,  # the debug toolbar's templates
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
    {
        "NAME": "jinja2",
        "BACKEND": "flasksignals_django.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "showcase" / "jinja2"],
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

STATIC_URL = "/static/"
# errorhandler(500) answers even under DEBUG (None, the default, follows DEBUG
# and lets Django's technical 500 page answer), so /error/ shows it at work.
FLASKSIGNALS_PROPAGATE_EXCEPTIONS = False
MESSAGE_STORAGE = "flasksignals_django.messages.storage.FallbackStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"demo": {"format": "[demo] %(message)s"}},
    "handlers": {"demo": {"class": "logging.StreamHandler", "formatter": "demo"}},
    "loggers": {
        # DEMO_LOG_LEVEL=DEBUG also prints a line per receiver and hook call.
        "demo": {
            "handlers": ["demo"],
            "level": os.environ.get("DEMO_LOG_LEVEL", "INFO"),
            "propagate": False,
        }
    },
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


# django-debug-toolbar with the library's panel, when installed (`pip install
# -e '.[demo]'`); the demo works without it.
TOOLBAR = DEBUG and _installed("debug_toolbar")
TOOLBAR_MIDDLEWARE = "debug_toolbar.middleware.DebugToolbarMiddleware"
FLASKSIGNALS_PANEL = "flasksignals_django.contrib.debug_toolbar.FlaskSignalsPanel"
if TOOLBAR:
    from debug_toolbar.settings import PANELS_DEFAULTS

    INSTALLED_APPS.append("debug_toolbar")
    # Right after SignalsMiddleware, which must stay first.
    MIDDLEWARE.insert(1, TOOLBAR_MIDDLEWARE)
    INTERNAL_IPS = ["127.0.0.1"]
    DEBUG_TOOLBAR_PANELS = list(PANELS_DEFAULTS)
    if _installed(FLASKSIGNALS_PANEL.rpartition(".")[0]):
        # Beside the toolbar's own (Django) signals panel.
        after = DEBUG_TOOLBAR_PANELS.index("debug_toolbar.panels.signals.SignalsPanel")
        DEBUG_TOOLBAR_PANELS.insert(after + 1, FLASKSIGNALS_PANEL)
    DEBUG_TOOLBAR_CONFIG = {
        "SHOW_COLLAPSED": True,  # a handle at the right edge; the page stays readable
        # The browser test starts the demo from pytest; show the toolbar there too.
        "IS_RUNNING_TESTS": False,
    }
