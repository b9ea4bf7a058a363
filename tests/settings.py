from __future__ import annotations

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.urls"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "flasksignals_django",
    # The demo's RequestLog table; its receivers and hooks stay off (tests/test_demo.py).
    "demo_project.showcase.apps.ShowcaseModelsConfig",
]
MIDDLEWARE = [
    "flasksignals_django.middleware.SignalsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "flasksignals_django.middleware.HooksMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
MESSAGE_STORAGE = "flasksignals_django.messages.storage.FallbackStorage"
