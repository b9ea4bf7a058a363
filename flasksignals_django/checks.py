"""System checks: middleware order, signaling backends, and receivers that are lost at once.

Every check is registered with the ``flasksignals`` tag, so
``manage.py check --tag flasksignals`` runs only these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from ._dotted import lineage, load
from ._weak_receivers import check_weak_receivers, import_urlconf
from ._weak_receivers import forget_receivers as forget_receivers  # for tests
from ._weak_receivers import remembered_receivers as remembered_receivers
from .app import current_app
from .contrib.toolbar_check import check_toolbar_extra_signals
from .signals import (
    before_render_template,
    message_flashed,
    template_rendered,
)

TAG = "flasksignals"
SIGNALS_MIDDLEWARE = "flasksignals_django.middleware.SignalsMiddleware"
HOOKS_MIDDLEWARE = "flasksignals_django.middleware.HooksMiddleware"
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
MESSAGE_MIDDLEWARE = "django.contrib.messages.middleware.MessageMiddleware"
HOOKS_COME_AFTER = (
    SIGNALS_MIDDLEWARE,
    SESSION_MIDDLEWARE,
    AUTH_MIDDLEWARE,
    MESSAGE_MIDDLEWARE,
)
# May sit above ours (DjangoInstrumentor puts it first; its span covers request_started).
TRACING_MIDDLEWARE = (
    "opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware",
)
BACKENDS_PACKAGE = "flasksignals_django.backends."
STORAGE_PACKAGE = "flasksignals_django.messages."

AppConfigs = Sequence[AppConfig] | None


def _index(middleware: Sequence[list[str]], target: str) -> int | None:
    for i, names in enumerate(middleware):
        if target in names:
            return i
    return None


def _middleware() -> list[list[str]]:
    return [lineage(path) for path in settings.MIDDLEWARE]


def _from_package(path: str, package: str) -> bool:
    return any(name.startswith(package) for name in lineage(path))


def check_signals_middleware(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """E001: ``SignalsMiddleware`` missing; W001: not the first entry of ``MIDDLEWARE``."""
    middleware = _middleware()
    index = _index(middleware, SIGNALS_MIDDLEWARE)
    if index is None:
        return [
            Error(
                f"{SIGNALS_MIDDLEWARE} is not in MIDDLEWARE: requests push no app "
                "context, send no signal and run no hook.",
                hint=f"Add '{SIGNALS_MIDDLEWARE}' as the first entry of MIDDLEWARE.",
                id="flasksignals_django.E001",
            )
        ]
    if any(m[0] not in TRACING_MIDDLEWARE for m in middleware[:index]):
        return [
            CheckWarning(
                f"{SIGNALS_MIDDLEWARE} is entry {index} of MIDDLEWARE, not the first: "
                "the middleware above it run outside the app context, before "
                "request_started and after teardown.",
                hint=f"Move '{SIGNALS_MIDDLEWARE}' to the top of MIDDLEWARE.",
                id="flasksignals_django.W001",
            )
        ]
    return []


def check_hooks_middleware(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """E002: request hooks registered without ``HooksMiddleware``; E003: it comes too early."""
    middleware = _middleware()
    index = _index(middleware, HOOKS_MIDDLEWARE)
    if index is None:
        import_urlconf()
        registered = [
            name
            for name, registry in (
                ("before_request", current_app.before_request_funcs),
                ("after_request", current_app.after_request_funcs),
                ("errorhandler", current_app.error_handlers),
            )
            if registry
        ]
        if not registered:
            return []
        return [
            Error(
                f"{', '.join(registered)} functions are registered but {HOOKS_MIDDLEWARE} "
                "is not in MIDDLEWARE, so every request fails (ImproperlyConfigured) rather "
                "than skip them.",
                hint=f"Add '{HOOKS_MIDDLEWARE}' to MIDDLEWARE, below SignalsMiddleware, "
                "SessionMiddleware, AuthenticationMiddleware and MessageMiddleware.",
                id="flasksignals_django.E002",
            )
        ]
    too_late = [
        path
        for path in HOOKS_COME_AFTER
        if (other := _index(middleware, path)) is not None and other > index
    ]
    if not too_late:
        return []
    return [
        Error(
            f"{HOOKS_MIDDLEWARE} comes before {', '.join(too_late)} in MIDDLEWARE.",
            hint=f"Move '{HOOKS_MIDDLEWARE}' below {', '.join(too_late)}, so that hooks "
            "run inside the app context, see request.session, request.user and "
            "messages, and run before the session is saved.",
            id="flasksignals_django.E003",
        )
    ]


def check_async_middleware(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """W004: a middleware below ``SignalsMiddleware`` that is not async capable."""
    paths = list(settings.MIDDLEWARE)
    middleware = _middleware()
    index = _index(middleware, SIGNALS_MIDDLEWARE)
    if index is None:
        return []
    messages: list[CheckMessage] = []
    for path in paths[index + 1 :]:
        obj = load(path)
        if obj is None or getattr(obj, "async_capable", False):
            continue
        messages.append(
            CheckWarning(
                "This middleware comes after SignalsMiddleware in MIDDLEWARE but is not async "
                "capable: under ASGI the middleware then run synchronously and "
                "teardown after a client disconnect is not guaranteed.",
                hint="Make it async capable (async_capable = True, as MiddlewareMixin "
                "subclasses are), or, if you serve with WSGI only, add "
                "'flasksignals_django.W004' to SILENCED_SYSTEM_CHECKS.",
                obj=path,
                id="flasksignals_django.W004",
            )
        )
    return messages


def check_template_backends(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """W002: template signals or app context processors, but no signaling ``TEMPLATES`` backend."""
    import_urlconf()
    unused = [
        f"{s.python_name} has receivers"
        for s in (before_render_template, template_rendered)
        if s.receivers
    ]
    if current_app.template_context_processors:
        unused.append("current_app.context_processor functions are registered")
    if not unused:
        return []
    backends = [str(engine.get("BACKEND", "")) for engine in settings.TEMPLATES]
    if any(_from_package(path, BACKENDS_PACKAGE) for path in backends):
        return []
    return [
        CheckWarning(
            f"{' and '.join(unused)}, but no TEMPLATES backend is a signaling one, "
            "so they are never used.",
            hint="Set BACKEND in TEMPLATES to "
            "'flasksignals_django.backends.django.DjangoTemplates' or "
            "'flasksignals_django.backends.jinja2.Jinja2' (same OPTIONS as Django's).",
            id="flasksignals_django.W002",
        )
    ]


def check_message_storage(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """W003: ``message_flashed`` has receivers but messages cannot send it."""
    import_urlconf()
    if not message_flashed.receivers:
        return []
    messages: list[CheckMessage] = []
    storage = str(settings.MESSAGE_STORAGE)
    if not _from_package(storage, STORAGE_PACKAGE):
        messages.append(
            CheckWarning(
                f"message_flashed has receivers, but MESSAGE_STORAGE ({storage}) does "
                "not send it: only flasksignals_django.flash() does, messages added "
                "through django.contrib.messages send nothing.",
                hint="Set MESSAGE_STORAGE = "
                "'flasksignals_django.messages.storage.FallbackStorage' "
                "(or SessionStorage, CookieStorage).",
                id="flasksignals_django.W003",
            )
        )
    if _index(_middleware(), MESSAGE_MIDDLEWARE) is None:
        messages.append(
            CheckWarning(
                f"message_flashed has receivers, but {MESSAGE_MIDDLEWARE} is not in "
                "MIDDLEWARE, so no message can be stored and none is flashed.",
                hint=f"Add '{MESSAGE_MIDDLEWARE}' to MIDDLEWARE, above HooksMiddleware.",
                id="flasksignals_django.W003",
            )
        )
    return messages


for _check in (
    check_signals_middleware,
    check_hooks_middleware,
    check_async_middleware,
    check_template_backends,
    check_message_storage,
    check_weak_receivers,
    check_toolbar_extra_signals,
):
    register(_check, TAG)
