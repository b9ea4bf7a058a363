"""Settings of the benchmark project; each configuration overrides MIDDLEWARE and MESSAGE_STORAGE.

The middleware stacks below are the configurations the benchmark compares:
plain Django (no middleware), Django's default stack (``startproject``), and
each with the app (both middleware and the signaling message storage).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "benchmarks-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "benchmarks.urls"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "flasksignals_django",
]
LOGGING_CONFIG = None

SIGNALS = "flasksignals_django.middleware.SignalsMiddleware"
HOOKS = "flasksignals_django.middleware.HooksMiddleware"

PLAIN_STACK: list[str] = []
PLAIN_APP_STACK = [SIGNALS, HOOKS]
DEFAULT_STACK = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DEFAULT_APP_STACK = [
    SIGNALS,
    *DEFAULT_STACK[:6],
    HOOKS,
    *DEFAULT_STACK[6:],
]

DJANGO_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
APP_STORAGE = "flasksignals_django.messages.storage.FallbackStorage"

MIDDLEWARE = PLAIN_STACK
MESSAGE_STORAGE = DJANGO_STORAGE

BENCH_TEMPLATE_DIRS = {"django": HERE / "templates", "jinja2": HERE / "jinja2"}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BENCH_TEMPLATE_DIRS["django"]],
        "APP_DIRS": False,
    }
]
