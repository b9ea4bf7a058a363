from __future__ import annotations

from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.utils.deprecation import MiddlewareMixin

from flasksignals_django import checks, current_app
from flasksignals_django.backends.django import DjangoTemplates
from flasksignals_django.messages.storage import SessionStorage
from flasksignals_django.middleware import SignalsMiddleware
from flasksignals_django.signals import (
    before_render_template,
    message_flashed,
    request_finished,
    request_started,
    template_rendered,
)

SIGNALS_MW = "flasksignals_django.middleware.SignalsMiddleware"
HOOKS_MW = "flasksignals_django.middleware.HooksMiddleware"
SESSION_MW = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MW = "django.contrib.auth.middleware.AuthenticationMiddleware"
MESSAGE_MW = "django.contrib.messages.middleware.MessageMiddleware"
GOOD_MIDDLEWARE = [SIGNALS_MW, SESSION_MW, AUTH_MW, MESSAGE_MW, HOOKS_MW]
DJANGO_TEMPLATES = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
]


@pytest.fixture(autouse=True)
def _no_recorded_weak_receivers():
    checks.forget_receivers()
    yield
    checks.forget_receivers()


def run(**overrides):
    with override_settings(**overrides):
        messages = [
            m
            for m in run_checks(tags=[checks.TAG])
            if m.id.startswith("flasksignals_django.")
        ]
    for message in messages:
        assert message.msg
        assert message.hint
    return sorted(messages, key=lambda m: (m.id, str(m.obj)))


def check_ids(**overrides):
    return [m.id.rpartition(".")[2] for m in run(**overrides)]


def receiver(sender, **extra):
    pass


# Middleware for the W004 tests.
def sync_only_middleware(get_response):
    return get_response


class SyncOnlyMiddleware:
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class MixinMiddleware(MiddlewareMixin):
    pass


class MySignals(SignalsMiddleware):
    pass


class MyTemplates(DjangoTemplates):
    pass


class MyStorage(SessionStorage):
    pass


def test_test_settings_pass():
    assert check_ids() == []


def test_call_command_check_runs_the_registered_checks():
    stderr = StringIO()
    with override_settings(MIDDLEWARE=[SESSION_MW, *GOOD_MIDDLEWARE]):
        call_command("check", tags=[checks.TAG], stdout=StringIO(), stderr=stderr)
    assert "flasksignals_django.W001" in stderr.getvalue()


def test_signals_middleware_missing():
    middleware = [SESSION_MW, AUTH_MW, MESSAGE_MW, HOOKS_MW]
    assert check_ids(MIDDLEWARE=middleware) == ["E001"]


def test_signals_middleware_not_first():
    middleware = [SESSION_MW, SIGNALS_MW, AUTH_MW, MESSAGE_MW, HOOKS_MW]
    [message] = run(MIDDLEWARE=middleware)
    assert message.id == "flasksignals_django.W001"
    assert "entry 1" in message.msg


def test_signals_middleware_subclass_counts():
    middleware = ["tests.test_checks.MySignals", *GOOD_MIDDLEWARE[1:]]
    assert check_ids(MIDDLEWARE=middleware) == []


@pytest.mark.parametrize(
    "register",
    [
        lambda: current_app.before_request(receiver),
        lambda: current_app.after_request(receiver),
        lambda: current_app.errorhandler(404)(receiver),
    ],
    ids=["before_request", "after_request", "errorhandler"],
)
def test_hooks_without_hooks_middleware(register):
    register()
    assert check_ids(MIDDLEWARE=GOOD_MIDDLEWARE[:-1]) == ["E002"]


def test_hooks_middleware_missing_without_request_hooks():
    current_app.teardown_request(receiver)
    current_app.teardown_appcontext(receiver)
    current_app.before_first_request_funcs.append(receiver)
    assert check_ids(MIDDLEWARE=GOOD_MIDDLEWARE[:-1]) == []


def test_hooks_without_hooks_middleware_names_the_registries():
    current_app.before_request(receiver)
    current_app.errorhandler(ValueError)(receiver)
    [message] = run(MIDDLEWARE=GOOD_MIDDLEWARE[:-1])
    assert "before_request, errorhandler functions" in message.msg
    assert HOOKS_MW in message.hint


@pytest.mark.parametrize("earlier", [SESSION_MW, AUTH_MW, MESSAGE_MW])
def test_hooks_middleware_before_django_middleware(earlier):
    middleware = [m for m in GOOD_MIDDLEWARE if m != earlier] + [earlier]
    [message] = run(MIDDLEWARE=middleware)
    assert message.id == "flasksignals_django.E003"
    assert earlier in message.msg


def test_hooks_middleware_before_signals_middleware():
    middleware = [HOOKS_MW, SIGNALS_MW, SESSION_MW, AUTH_MW, MESSAGE_MW]
    [e003, w001] = run(MIDDLEWARE=middleware)
    assert (e003.id, w001.id) == (
        "flasksignals_django.E003",
        "flasksignals_django.W001",
    )
    assert SIGNALS_MW in e003.msg
    assert SESSION_MW in e003.msg


def test_hooks_middleware_alone():
    assert check_ids(MIDDLEWARE=[SIGNALS_MW, HOOKS_MW]) == []


@pytest.mark.parametrize("signal", [before_render_template, template_rendered])
def test_template_receivers_without_our_backend(signal):
    with signal.connected_to(receiver):
        [message] = run(TEMPLATES=DJANGO_TEMPLATES)
    assert message.id == "flasksignals_django.W002"
    assert signal.name.replace("-", "_") in message.msg
    assert signal.name not in message.msg


def test_app_context_processors_without_our_backend():
    current_app.context_processor(dict)
    [message] = run(TEMPLATES=DJANGO_TEMPLATES)
    assert message.id == "flasksignals_django.W002"
    assert "current_app.context_processor" in message.msg
    templates = [
        *DJANGO_TEMPLATES,
        {"BACKEND": "flasksignals_django.backends.jinja2.Jinja2"},
    ]
    assert check_ids(TEMPLATES=templates) == []


def test_template_receivers_with_an_unimportable_backend():
    with template_rendered.connected_to(receiver):
        ids = check_ids(TEMPLATES=[{"BACKEND": "tests.nowhere.Backend"}])
    assert ids == ["W002"]


@pytest.mark.parametrize(
    "backend",
    [
        "flasksignals_django.backends.django.DjangoTemplates",
        "flasksignals_django.backends.jinja2.Jinja2",
        "tests.test_checks.MyTemplates",
    ],
)
def test_template_receivers_with_our_backend(backend):
    templates = [*DJANGO_TEMPLATES, {"BACKEND": backend, "APP_DIRS": True}]
    with template_rendered.connected_to(receiver):
        assert check_ids(TEMPLATES=templates) == []


def test_no_template_receivers_with_django_backend():
    assert check_ids(TEMPLATES=DJANGO_TEMPLATES) == []


def test_message_receivers_with_django_storage():
    storage = "django.contrib.messages.storage.session.SessionStorage"
    with message_flashed.connected_to(receiver):
        [message] = run(MESSAGE_STORAGE=storage)
    assert message.id == "flasksignals_django.W003"
    assert storage in message.msg
    assert message.msg.startswith("message_flashed has receivers")


@pytest.mark.parametrize(
    "storage",
    [
        "flasksignals_django.messages.storage.FallbackStorage",
        "flasksignals_django.messages.storage.CookieStorage",
        "tests.test_checks.MyStorage",
    ],
)
def test_message_receivers_with_our_storage(storage):
    with message_flashed.connected_to(receiver):
        assert check_ids(MESSAGE_STORAGE=storage) == []


def test_message_receivers_without_message_middleware():
    middleware = [SIGNALS_MW, SESSION_MW, AUTH_MW, HOOKS_MW]
    with message_flashed.connected_to(receiver):
        [message] = run(MIDDLEWARE=middleware)
    assert MESSAGE_MW in message.msg


def test_message_receivers_without_storage_and_middleware():
    middleware = [SIGNALS_MW, SESSION_MW, AUTH_MW, HOOKS_MW]
    storage = "django.contrib.messages.storage.cookie.CookieStorage"
    with message_flashed.connected_to(receiver):
        ids = check_ids(MIDDLEWARE=middleware, MESSAGE_STORAGE=storage)
    assert ids == ["W003", "W003"]


def test_no_message_receivers_with_django_storage():
    storage = "django.contrib.messages.storage.session.SessionStorage"
    assert check_ids(MESSAGE_STORAGE=storage) == []


def test_sync_only_middleware_below_signals_middleware():
    middleware = [
        SIGNALS_MW,
        "tests.test_checks.sync_only_middleware",
        "tests.test_checks.MixinMiddleware",
        "tests.nowhere.Middleware",
        *GOOD_MIDDLEWARE[1:],
        "tests.test_checks.SyncOnlyMiddleware",
    ]
    messages = run(MIDDLEWARE=middleware)
    assert [(m.id, m.obj) for m in messages] == [
        ("flasksignals_django.W004", "tests.test_checks.SyncOnlyMiddleware"),
        ("flasksignals_django.W004", "tests.test_checks.sync_only_middleware"),
    ]
    assert "SILENCED_SYSTEM_CHECKS" in messages[0].hint


def test_sync_only_middleware_above_signals_middleware():
    middleware = ["tests.test_checks.sync_only_middleware", *GOOD_MIDDLEWARE]
    assert check_ids(MIDDLEWARE=middleware) == ["W001"]


def test_broken_urlconf_does_not_break_the_checks():
    assert check_ids(ROOT_URLCONF="tests.nowhere") == []


def test_weak_lambda_receiver_is_reported_after_it_died():
    request_started.connect(lambda sender, **extra: None)
    assert not request_started.receivers  # collected at once
    [message] = run()
    assert message.id == "flasksignals_django.W005"
    assert "<lambda>" in message.obj
    assert __file__ in message.obj
    assert "request_started" in message.msg
    assert "request-started" not in message.msg
    assert "weak=False" in message.hint


def test_weak_nested_receiver_is_reported_until_disconnected():
    def nested(sender, **extra):
        pass

    request_finished.connect(nested)
    try:
        [message] = run()
        assert (
            "test_weak_nested_receiver_is_reported_until_disconnected.<locals>.nested"
            in message.obj
        )
    finally:
        request_finished.disconnect(nested)
    assert check_ids() == []


def test_weak_nested_receiver_disconnected_from_one_sender_is_still_reported():
    def nested(sender, **extra):
        pass

    request_finished.connect(nested)
    request_finished.connect(nested, sender=current_app)
    try:
        request_finished.disconnect(nested, sender=current_app)
        assert check_ids() == ["W005"]
    finally:
        request_finished.disconnect(nested)


def test_weak_nested_receiver_connected_before_the_hook_is_found():
    def nested(sender, **extra):
        pass

    request_started.connect(nested)
    checks.forget_receivers()  # as if connected before checks.py was imported
    try:
        assert check_ids() == ["W005"]
    finally:
        request_started.disconnect(nested)


def test_weak_local_class_receiver_is_reported():
    class Receiver:
        def __init__(self, sender, **extra):
            pass

    request_started.connect(Receiver)
    try:
        [message] = run()
        assert message.obj.endswith(
            "test_weak_local_class_receiver_is_reported.<locals>.Receiver"
        )
    finally:
        request_started.disconnect(Receiver)


def test_strong_or_module_level_receivers_are_not_reported():
    def nested(sender, **extra):
        pass

    request_started.connect(nested, weak=False)
    request_started.connect(receiver)
    strong = [lambda sender, **extra: None]
    request_finished.connect(strong[0], weak=False)
    try:
        assert check_ids() == []
    finally:
        request_started.disconnect(nested)
        request_started.disconnect(receiver)
        request_finished.disconnect(strong[0])


def test_recording_keeps_no_receiver_alive():
    def nested(sender, **extra):
        pass

    request_started.connect(nested)
    [ref] = checks.remembered_receivers()
    assert ref() is nested
    del nested
    assert not request_started.receivers
    assert ref() is None
    assert check_ids() == ["W005"]
