"""Counterparts of Flask 3.1's own tests of signals, contexts and async
(``tests/test_signals.py``, ``test_appctx.py``, ``test_reqctx.py``, ``test_async.py``).

Each test is named after the Flask test it mirrors and says so. Where the
port differs on purpose the test asserts DESIGN's behaviour and says why.

No counterpart: ``test_request_context()`` and re-pushing the current
contexts (``test_teardown_on_pop``, ``test_context_binding``,
``test_manual_context_binding``, ``test_context_refcounts``: the port has no
request context without a request, nor a public handle to push it again),
``app_ctx_globals_class``, greenlets, URL generation, blueprints and class-based
views (``MethodView``), and Flask's session interface and environ checks.
"""

from __future__ import annotations

import asyncio

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore as Signed
from django.http import HttpResponse, HttpResponseRedirect
from django.test import AsyncClient, Client
from django.urls import path

from flasksignals_django import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    current_app,
    flash,
    g,
    got_request_exception,
    has_app_context,
    has_request_context,
    message_flashed,
    request,
    request_finished,
    request_started,
    template_rendered,
)
from flasksignals_django.backends.django import DjangoTemplates

pytestmark = pytest.mark.urls(__name__)
BACKEND = f"{DjangoTemplates.__module__}.DjangoTemplates"


class AppError(Exception):
    pass


def index(req):
    calls = getattr(req, "calls", None)
    if calls is not None:
        calls.append("handler")
    return HttpResponse("ignored anyway")


def zero(req):
    raise ZeroDivisionError


def simple_template(req):
    from django.shortcuts import render

    return render(req, "simple_template.html", {"whiskey": 42})


def flashing(req):
    flash("This is a flash message", category="notice")
    return HttpResponseRedirect("/other/")


def contexts(req):
    return HttpResponse(f"{has_app_context()}|{has_request_context()}")


def caught(req):
    try:
        raise Exception("dummy")
    except Exception:
        pass
    return HttpResponse("ok")


def session_write(req):
    req.session["x"] = 1
    return HttpResponse("ok")


async def async_index(req):
    await asyncio.sleep(0)
    return HttpResponse(req.method)


async def async_error(req):
    raise AppError()


urlpatterns = [
    path("", index),
    path("zero/", zero),
    path("template/", simple_template),
    path("flash/", flashing),
    path("contexts/", contexts),
    path("caught/", caught),
    path("session/", session_write),
    path("async/", async_index),
    path("async/error/", async_error),
]


@pytest.fixture
def templates(settings, tmp_path):
    (tmp_path / "simple_template.html").write_text("<h1>{{ whiskey }}</h1>")
    settings.TEMPLATES = [{"BACKEND": BACKEND, "DIRS": [tmp_path], "OPTIONS": {}}]


# -- test_signals.py ------------------------------------------------------------------------


def test_template_rendered(client, templates):
    """Flask: test_signals.py::test_template_rendered."""
    recorded = []

    def record(sender, template, context, **extra):
        recorded.append((template, context))

    with template_rendered.connected_to(record, current_app):
        client.get("/template/")
    [(template, context)] = recorded
    assert template.name == "simple_template.html"
    assert context["whiskey"] == 42


def test_before_render_template(client, templates):
    """Flask: test_signals.py::test_before_render_template."""
    recorded = []

    def record(sender, template, context, **extra):
        context["whiskey"] = 43
        recorded.append((template, context))

    with before_render_template.connected_to(record, current_app):
        response = client.get("/template/")
    [(template, context)] = recorded
    assert template.name == "simple_template.html"
    assert context["whiskey"] == 43
    assert response.content == b"<h1>43</h1>"


def test_request_signals(client):
    """Flask: test_signals.py::test_request_signals."""
    calls = []

    def before_request_signal(sender, **extra):
        calls.append("before-signal")

    def after_request_signal(sender, response, **extra):
        assert response.content == b"stuff"
        calls.append("after-signal")

    @current_app.before_request
    def before_request_handler():
        calls.append("before-handler")
        request.calls = calls

    @current_app.after_request
    def after_request_handler(response):
        calls.append("after-handler")
        response.content = "stuff"
        return response

    with (
        request_started.connected_to(before_request_signal, current_app),
        request_finished.connected_to(after_request_signal, current_app),
    ):
        assert client.get("/").content == b"stuff"
    assert calls == [
        "before-signal",
        "before-handler",
        "handler",
        "after-handler",
        "after-signal",
    ]


def test_request_exception_signal():
    """Flask: test_signals.py::test_request_exception_signal."""
    recorded = []

    def record(sender, exception, **extra):
        recorded.append(exception)

    with got_request_exception.connected_to(record, current_app):
        assert Client(raise_request_exception=False).get("/zero/").status_code == 500
    [exception] = recorded
    assert isinstance(exception, ZeroDivisionError)


def test_appcontext_signals(client):
    """Flask: test_signals.py::test_appcontext_signals."""
    recorded = []
    with (
        appcontext_pushed.connected_to(
            lambda s, **e: recorded.append("push"), current_app
        ),
        appcontext_popped.connected_to(
            lambda s, **e: recorded.append("pop"), current_app
        ),
    ):
        assert client.get("/").content == b"ignored anyway"
    assert recorded == ["push", "pop"]


def test_flash_signal(client):
    """Flask: test_signals.py::test_flash_signal."""
    recorded = []

    def record(sender, message, category, **extra):
        recorded.append((message, category))

    with message_flashed.connected_to(record, current_app):
        assert client.get("/flash/").status_code == 302
    assert recorded == [("This is a flash message", "notice")]


def test_appcontext_tearing_down_signal():
    """Flask: test_signals.py::test_appcontext_tearing_down_signal."""
    recorded = []
    with appcontext_tearing_down.connected_to(
        lambda sender, exc, **extra: recorded.append(exc), current_app
    ):
        assert Client(raise_request_exception=False).get("/zero/").status_code == 500
    [exc] = recorded
    assert isinstance(exc, ZeroDivisionError)


# -- test_appctx.py -------------------------------------------------------------------------


def test_request_context_means_app_context(client):
    """Flask: test_appctx.py::test_request_context_means_app_context.

    Differs on purpose: ``current_app`` is a real object that always works
    (DESIGN), so it is not falsy outside a context; ``has_app_context()`` is.
    """
    assert client.get("/contexts/").content == b"True|True"
    assert not has_app_context()


def test_app_context_provides_current_app():
    """Flask: test_appctx.py::test_app_context_provides_current_app (as above)."""
    with current_app.app_context():
        assert has_app_context()
    assert not has_app_context()


def cleanup_recorder() -> list[BaseException | None]:
    cleanup_stuff: list[BaseException | None] = []
    current_app.teardown_appcontext(cleanup_stuff.append)
    return cleanup_stuff


def test_app_tearing_down():
    """Flask: test_appctx.py::test_app_tearing_down."""
    cleanup_stuff = cleanup_recorder()
    with current_app.app_context():
        pass
    assert cleanup_stuff == [None]


def test_app_tearing_down_with_previous_exception():
    """Flask: test_appctx.py::test_app_tearing_down_with_previous_exception."""
    cleanup_stuff = cleanup_recorder()
    try:
        raise Exception("dummy")
    except Exception:
        pass
    with current_app.app_context():
        pass
    assert cleanup_stuff == [None]


def test_app_tearing_down_with_handled_exception_by_except_block():
    """Flask: test_appctx.py::test_app_tearing_down_with_handled_exception_by_except_block."""
    cleanup_stuff = cleanup_recorder()
    with current_app.app_context():
        try:
            raise Exception("dummy")
        except Exception:
            pass
    assert cleanup_stuff == [None]


def test_app_tearing_down_with_handled_exception_by_app_handler(client):
    """Flask: test_appctx.py::test_app_tearing_down_with_handled_exception_by_app_handler.

    Differs on purpose: a request pushes its own app context also inside an
    active one (Flask 3.2, DESIGN), so teardown_appcontext runs twice, both
    times with ``None``; Flask 3.1 reuses the outer context and runs it once.
    """
    cleanup_stuff = cleanup_recorder()
    current_app.errorhandler(Exception)(lambda error: str(error))
    with current_app.app_context():
        client.get("/zero/")
    assert cleanup_stuff == [None, None]


def test_app_tearing_down_with_unhandled_exception(client):
    """Flask: test_appctx.py::test_app_tearing_down_with_unhandled_exception.

    Differs on purpose as above: the request's own app context is torn down
    with the error, then the outer one, which the error leaves.
    """
    cleanup_stuff = cleanup_recorder()
    with pytest.raises(ZeroDivisionError), current_app.app_context():
        client.get("/zero/")
    assert [type(exc) for exc in cleanup_stuff] == [ZeroDivisionError] * 2


def test_app_ctx_globals_methods():
    """Flask: test_appctx.py::test_app_ctx_globals_methods (its repr differs)."""
    with current_app.app_context():
        assert g.get("foo") is None
        assert g.get("foo", "bar") == "bar"
        assert "foo" not in g
        g.foo = "bar"
        assert "foo" in g
        g.setdefault("bar", "the cake is a lie")
        g.setdefault("bar", "hello world")
        assert g.bar == "the cake is a lie"
        assert g.pop("bar") == "the cake is a lie"
        with pytest.raises(KeyError):
            g.pop("bar")
        assert g.pop("bar", "more cake") == "more cake"
        assert list(g) == ["foo"]


def test_clean_pop():
    """Flask: test_appctx.py::test_clean_pop (no teardown_request outside a request)."""
    called = []

    @current_app.teardown_request
    def teardown_req(error=None):
        raise ZeroDivisionError

    current_app.teardown_appcontext(lambda error=None: called.append("TEARDOWN"))
    with current_app.app_context():
        called.append(current_app.name)
    assert called == [current_app.name, "TEARDOWN"]
    assert not has_app_context()


# -- test_reqctx.py -------------------------------------------------------------------------


def test_teardown_with_previous_exception(client):
    """Flask: test_reqctx.py::test_teardown_with_previous_exception (through a request)."""
    buffer = []
    current_app.teardown_request(buffer.append)
    try:
        raise Exception("dummy")
    except Exception:
        pass
    client.get("/")
    assert buffer == [None]


def test_teardown_with_handled_exception(client):
    """Flask: test_reqctx.py::test_teardown_with_handled_exception (through a request)."""
    buffer = []
    current_app.teardown_request(buffer.append)
    assert client.get("/caught/").content == b"ok"
    assert buffer == [None]


def test_context_test(client):
    """Flask: test_reqctx.py::test_context_test."""
    assert not has_request_context()
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.path  # noqa: B018
    assert client.get("/contexts/").content == b"True|True"
    assert not has_request_context()


class SessionStore(Signed):
    """A session backend whose save fails, for test_session_error_pops_context."""

    def save(self, must_create: bool = False) -> None:
        raise RuntimeError("failing session save")


def test_session_error_pops_context(settings):
    """Flask: test_reqctx.py::test_session_error_pops_context.

    Django's SessionMiddleware fails while saving; the contexts are still
    popped and teardown runs once, after the 500 response.
    """
    settings.SESSION_ENGINE = __name__
    called = []
    current_app.teardown_request(lambda exc: called.append("request"))
    current_app.teardown_appcontext(lambda exc: called.append("app"))
    response = Client(raise_request_exception=False).get("/session/")
    assert response.status_code == 500
    assert called == ["request", "app"]
    assert not has_app_context()


# -- test_async.py --------------------------------------------------------------------------


async def response_of(asgi: bool, path_: str, method: str = "get"):
    """The response through the ASGI client, or the WSGI one (off the event loop)."""
    if asgi:
        return await getattr(AsyncClient(), method)(path_)
    from asgiref.sync import sync_to_async

    return await sync_to_async(getattr(Client(), method))(path_)


@pytest.mark.parametrize("asgi", [False, True])
async def test_async_route(asgi):
    """Flask: test_async.py::test_async_route."""
    for method in ("get", "post"):
        response = await response_of(asgi, "/async/", method)
        assert response.content == method.upper().encode()


@pytest.mark.parametrize("asgi", [False, True])
async def test_async_error_handler(asgi):
    """Flask: test_async.py::test_async_error_handler."""

    @current_app.errorhandler(AppError)
    async def handle(_):
        return "", 412

    response = await response_of(asgi, "/async/error/")
    assert response.status_code == 412


@pytest.mark.parametrize("asgi", [False, True])
async def test_async_before_after_request(asgi):
    """Flask: test_async.py::test_async_before_after_request."""
    called = []

    @current_app.before_request
    async def before():
        called.append("before")

    @current_app.after_request
    async def after(response):
        called.append("after")
        return response

    response = await response_of(asgi, "/")
    assert response.status_code == 200
    assert called == ["before", "after"]
