"""Regression tests of issue 11, one group per point, each under WSGI and ASGI.

DESIGN.md "Precise rules" (missing middleware fails closed; Django's
``got_request_exception`` once per unhandled exception whichever path answers),
"Faults" and the async paragraphs. Tests of points still pending in the core
are marked ``xfail(strict=True)``: they flip to failures once the fix lands.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from blinker import ANY
from django.core import signals as django_signals
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, Client, override_settings

from flasksignals_django import (
    appcontext_popped,
    current_app,
    message_flashed,
    request_finished,
    request_started,
    template_rendered,
)

from . import views_reliability as views

pytestmark = pytest.mark.urls("tests.views_reliability")
KINDS = ["wsgi", "asgi"]
WITHOUT_HOOKS_MIDDLEWARE = [
    "flasksignals_django.middleware.SignalsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]


class HookError(Exception):
    pass


class Stop(BaseException):
    """A BaseException that is not an Exception, as GeneratorExit or a task library's."""


def fetch(kind: str, path: str, raise_errors: bool = False) -> Any:
    """GET ``path`` through Django's test Client (WSGI) or AsyncClient (ASGI)."""
    if kind == "wsgi":
        return Client(raise_request_exception=raise_errors).get(path)
    client = AsyncClient(raise_request_exception=raise_errors)

    async def get() -> Any:  # on Django 4.2 AsyncClient.get is not marked async
        return await client.get(path)

    return async_to_sync(get)()


# -- (a) a missing HooksMiddleware fails closed ------------------------------------


def _register(kind: str, calls: list[str]) -> None:
    if kind == "before_request":
        current_app.before_request(lambda: calls.append(kind))
    elif kind == "after_request":
        current_app.after_request(lambda r: calls.append(kind) or r)
    else:
        current_app.errorhandler(404)(lambda e: calls.append(kind) or "handled")


@pytest.mark.parametrize("hook", ["before_request", "after_request", "errorhandler"])
@pytest.mark.parametrize("kind", KINDS)
@override_settings(MIDDLEWARE=WITHOUT_HOOKS_MIDDLEWARE)
def test_hooks_without_hooks_middleware_fail_closed(kind, hook):
    calls: list[str] = []
    _register(hook, calls)
    with pytest.raises(ImproperlyConfigured, match="HooksMiddleware"):
        fetch(kind, "/", raise_errors=True)
    response = fetch(kind, "/")
    assert response.status_code == 500
    assert calls == []


@pytest.mark.parametrize("kind", KINDS)
@override_settings(MIDDLEWARE=WITHOUT_HOOKS_MIDDLEWARE)
def test_teardown_hooks_alone_need_no_hooks_middleware(kind):
    calls: list[object] = []
    current_app.reset_first_request(False)
    current_app.before_first_request(lambda: calls.append("first"))
    current_app.teardown_request(lambda exc: calls.append(("request", exc)))
    current_app.teardown_appcontext(lambda exc: calls.append(("appcontext", exc)))
    response = fetch(kind, "/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert calls == ["first", ("request", None), ("appcontext", None)]


# -- (b) Django's got_request_exception: once per unhandled exception ---------------


@pytest.fixture
def django_reports():
    """What Django's got_request_exception receivers see: ``sys.exc_info()[1]`` each time."""
    seen: list[BaseException | None] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append(sys.exc_info()[1])

    django_signals.got_request_exception.connect(receiver)
    yield seen
    django_signals.got_request_exception.disconnect(receiver)


def _finished_raises(sender: Any, **kwargs: Any) -> None:
    raise HookError("request_finished receiver")


def _after_raises(response: Any) -> Any:
    raise HookError("after_request")


UNHANDLED = {
    # scenario: (path, what raises, error class Django must be told about)
    "view": ("/boom/", None, views.ViewError),
    "after_request": ("/", "after", HookError),
    "request_finished": ("/", "finished", HookError),
}


@pytest.mark.parametrize("answer", ["django", "errorhandler500"])
@pytest.mark.parametrize("scenario", sorted(UNHANDLED))
@pytest.mark.parametrize("kind", KINDS)
def test_unhandled_error_reaches_django_once(
    kind, scenario, answer, django_reports, caplog
):
    path, raiser, error = UNHANDLED[scenario]
    if raiser == "after":
        current_app.after_request(_after_raises)
    if raiser == "finished":
        request_finished.connect(_finished_raises)
    if answer == "errorhandler500":
        current_app.errorhandler(500)(lambda e: ("sorry", 500))
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = fetch(kind, path)
    finally:
        request_finished.disconnect(_finished_raises)
    assert response.status_code == 500
    if answer == "errorhandler500":
        assert response.content == b"sorry"
    assert [type(e) for e in django_reports] == [error]
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelno, type(r.exc_info[1])) for r in logged if r.exc_info] == [
        (logging.ERROR, error)
    ]


@pytest.mark.parametrize(
    ("path", "handler", "status"),
    [
        ("/value-error/", ValueError, 200),
        ("/404/", None, 404),
        ("/404/", 404, 200),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_handled_error_is_not_reported(
    kind, path, handler, status, django_reports, caplog
):
    if handler is not None:
        current_app.errorhandler(handler)(lambda e: "handled")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert fetch(kind, path, raise_errors=True).status_code == status
    assert django_reports == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# -- (c) disconnecting one sender after the receiver cache was built ----------------


@pytest.mark.parametrize("weak", [True, False])
@pytest.mark.parametrize(
    ("connect_to", "disconnect_from"),
    [
        ("app", "app"),
        ("any", "any"),
        ("app", "any"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_disconnected_receiver_is_not_called_again(
    kind, connect_to, disconnect_from, weak
):
    senders = {"app": current_app, "any": ANY}
    calls: list[object] = []

    def on_started(sender: Any, **kwargs: Any) -> None:
        calls.append(sender)

    request_started.connect(on_started, sender=senders[connect_to], weak=weak)
    try:
        fetch(kind, "/")
        assert calls == [current_app]
        request_started.disconnect(on_started, sender=senders[disconnect_from])
        fetch(kind, "/")
        assert calls == [current_app]
    finally:
        request_started.disconnect(on_started)


# -- (d) a BaseException in teardown stays inside teardown -------------------------


@pytest.mark.parametrize(
    ("kind", "error"),
    [("wsgi", Stop), ("asgi", Stop), ("wsgi", KeyboardInterrupt)],
)
def test_base_exception_in_teardown_does_not_reach_django_close(kind, error, caplog):
    steps: list[str] = []

    def django_finished(sender: Any, **kwargs: Any) -> None:
        steps.append("django request_finished")

    def popped(sender: Any, **kwargs: Any) -> None:
        steps.append("appcontext_popped")

    def stop(exc: BaseException | None) -> None:
        steps.append("raising teardown_request")
        raise error("from teardown")

    current_app.teardown_request(lambda exc: steps.append("other teardown_request"))
    current_app.teardown_request(stop)  # runs first: reverse order
    current_app.teardown_appcontext(lambda exc: steps.append("teardown_appcontext"))
    appcontext_popped.connect(popped)
    django_signals.request_finished.connect(django_finished)
    escaped: list[BaseException] = []
    try:
        with caplog.at_level(logging.ERROR, logger="flasksignals_django"):
            fetch(kind, "/")
    except BaseException as exc:  # a KeyboardInterrupt must not end the test run
        escaped.append(exc)
    finally:
        appcontext_popped.disconnect(popped)
        django_signals.request_finished.disconnect(django_finished)
    assert escaped == []
    assert steps == [
        "raising teardown_request",
        "other teardown_request",
        "teardown_appcontext",
        "appcontext_popped",
        "django request_finished",
    ]
    assert [type(r.exc_info[1]) for r in caplog.records if r.exc_info] == [error]


# -- (e) after_this_request closures die with their request --------------------------


@pytest.mark.parametrize("path", ["/after-this/", "/async/after-this/"])
@pytest.mark.parametrize("kind", KINDS)
def test_after_this_request_closure_is_not_kept(kind, path):
    views.CAPTURED.clear()
    response = fetch(kind, path)
    assert response["X-Captured"] == "Captured"
    del response
    gc.collect()
    assert [ref() for ref in views.CAPTURED] == [None]


# -- (f) before_first_request is thread-sensitive under ASGI -----------------------


@pytest.mark.parametrize("path", ["/", "/async/"])
def test_before_first_request_runs_thread_sensitive_under_asgi(path):
    threads: dict[str, int] = {}

    def first() -> None:
        threads["first"] = threading.get_ident()

    def before() -> None:
        threads["before"] = threading.get_ident()

    current_app.reset_first_request(False)
    current_app.before_first_request(first)
    current_app.before_request(before)
    assert fetch("asgi", path).status_code == 200
    assert threads["first"] == threads["before"]


# -- (g) coroutine receivers from sync code on the loop's thread -------------------


@pytest.mark.django_db
def test_coroutine_receivers_on_the_loop_thread_reuse_one_helper():
    helpers: list[threading.Thread] = []  # the objects, so that no two can share an id

    async def on_rendered(sender: Any, **kwargs: Any) -> None:
        helpers.append(threading.current_thread())

    async def on_flashed(sender: Any, **kwargs: Any) -> None:
        helpers.append(threading.current_thread())

    template_rendered.connect(on_rendered)
    message_flashed.connect(on_flashed)
    try:
        response = fetch("asgi", "/async/render-flash/")
    finally:
        template_rendered.disconnect(on_rendered)
        message_flashed.disconnect(on_flashed)
    assert response.status_code == 200
    assert len(helpers) == 2 * views.RENDERS
    loop_thread = int(response.content)
    assert all(t.ident != loop_thread for t in helpers)  # never on the loop itself
    assert len({id(t) for t in helpers}) <= 2
