"""Error handlers through a whole request: Flask's lookup, abort(500) and propagation.

DESIGN "Precise rules": error handlers, propagation. The tests marked xfail
assert DESIGN's behaviour for the parts of issue 9 that live in the request
lifecycle (a raised ``InternalServerError`` is Flask's ``abort(500)``;
``FLASKSIGNALS_PROPAGATE_EXCEPTIONS`` skips ``errorhandler(500)``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.urls import path

from flasksignals_django import InternalServerError, current_app

from .recorder import Recorder, note

pytestmark = pytest.mark.urls(__name__)


class ViewError(Exception):
    pass


class NotYours(PermissionDenied):
    pass


def ok(request):
    note("view", "ok")
    return HttpResponse("ok")


def boom(request):
    note("view", "boom")
    raise ViewError("boom")


def not_yours(request):
    note("view", "not_yours")
    raise NotYours("not yours")


def abort_500(request):
    note("view", "abort_500")
    raise InternalServerError()


async def aabort_500(request):
    note("view", "abort_500")
    raise InternalServerError()


async def aboom(request):
    note("view", "boom")
    raise ViewError("boom")


urlpatterns = [
    path("", ok),
    path("boom/", boom),
    path("async/boom/", aboom),
    path("not-yours/", not_yours),
    path("abort-500/", abort_500),
    path("async/abort-500/", aabort_500),
]


def recorder() -> Recorder:
    return Recorder(loggers=("django.request", "flasksignals_django"))


def get(path: str):
    return Client(raise_request_exception=False).get(path)


def teardown_excs(rec: Recorder) -> set[str | None]:
    return {
        e.args["exc"]
        for e in rec.events
        if e.label in ("hook:teardown_request", "signal:appcontext_tearing_down")
    }


def note_handler(name: str, body: str, status: int = 200):
    def handler(error):
        note("hook", name, error=error)
        return body, status

    return handler


# -- Flask's lookup through a request -----------------------------------------------------


def test_subclass_handler_beats_the_code_handler_for_a_view_error():
    current_app.register_error_handler(Exception, note_handler("exception", "e"))
    current_app.register_error_handler(403, note_handler("403", "code", 403))
    current_app.register_error_handler(NotYours, note_handler("not_yours", "sub", 409))
    with recorder() as rec:
        response = get("/not-yours/")
    assert (response.status_code, response.content) == (409, b"sub")
    assert [e.name for e in rec.events if e.kind == "hook" and e.args.get("error")] == [
        "not_yours"
    ]
    assert not rec.of("signal:got_request_exception")
    assert teardown_excs(rec) == {None}


def test_code_handler_beats_an_exception_handler():
    current_app.register_error_handler(Exception, note_handler("exception", "e"))
    current_app.register_error_handler(PermissionDenied, note_handler("403", "c", 403))
    with recorder() as rec:
        response = get("/not-yours/")
    assert (response.status_code, response.content) == (403, b"c")
    assert rec.one("hook:403").args == {"error": "NotYours"}


# -- abort(500): a view raises InternalServerError ----------------------------------------


def test_abort_500_handler_gets_the_exception_itself():
    seen = []

    @current_app.errorhandler(500)
    def h500(error):
        seen.append(error)
        note("hook", "errorhandler_500")
        return "custom 500", 500

    with recorder() as rec:
        response = get("/abort-500/")
    assert (response.status_code, response.content) == (500, b"custom 500")
    (error,) = seen
    assert type(error) is InternalServerError
    assert error.original_exception is None
    assert not rec.of("signal:got_request_exception")
    assert teardown_excs(rec) == {None}


def test_abort_500_without_handler_is_not_reported_as_unhandled():
    with recorder() as rec:
        response = get("/abort-500/")
    assert response.status_code == 500
    assert not rec.of("signal:got_request_exception")
    assert teardown_excs(rec) == {None}


async def test_abort_500_async_view_handler_gets_the_exception_itself():
    seen = []

    @current_app.errorhandler(InternalServerError)
    async def h500(error):
        seen.append(error)
        return "async 500", 500

    with recorder() as rec:
        response = await AsyncClient(raise_request_exception=False).get(
            "/async/abort-500/"
        )
    assert (response.status_code, response.content) == (500, b"async 500")
    assert [e.original_exception for e in seen] == [None]
    assert not rec.of("signal:got_request_exception")
    assert teardown_excs(rec) == {None}


# -- propagation: FLASKSIGNALS_PROPAGATE_EXCEPTIONS ---------------------------------------


def register_500() -> list[BaseException]:
    seen: list[BaseException] = []

    @current_app.errorhandler(500)
    def h500(error):
        seen.append(error)
        return "custom 500", 500

    return seen


def test_debug_skips_errorhandler_500_for_djangos_technical_page(settings):
    settings.DEBUG = True
    seen = register_500()
    with recorder() as rec:
        response = get("/boom/")
    assert response.status_code == 500
    assert seen == []
    # Django's technical 500 page, as Flask hands the error to its debugger.
    assert b"ViewError" in response.content
    assert b"custom 500" not in response.content
    assert rec.one("signal:got_request_exception").args == {"exception": "ViewError"}
    assert teardown_excs(rec) == {"ViewError"}


def test_propagate_setting_true_skips_errorhandler_500_without_debug(settings):
    settings.DEBUG = False
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = True
    seen = register_500()
    with recorder() as rec:
        response = get("/boom/")
    assert response.status_code == 500
    assert seen == []
    assert rec.one("signal:got_request_exception").args == {"exception": "ViewError"}


async def test_propagate_skips_errorhandler_500_under_asgi(settings):
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = True
    seen = register_500()
    with recorder() as rec:
        response = await AsyncClient(raise_request_exception=False).get("/async/boom/")
    assert response.status_code == 500
    assert seen == []
    assert len(rec.of("signal:got_request_exception")) == 1


def test_propagate_setting_false_keeps_errorhandler_500_under_debug(settings):
    settings.DEBUG = True
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = False
    seen = register_500()
    with recorder() as rec:
        response = get("/boom/")
    assert (response.status_code, response.content) == (500, b"custom 500")
    assert [type(e.original_exception) for e in seen] == [ViewError]  # type: ignore[attr-defined]
    assert len(rec.of("signal:got_request_exception")) == 1


def test_propagate_keeps_handlers_for_the_class_or_code(settings):
    settings.DEBUG = True
    current_app.register_error_handler(
        ViewError, note_handler("view_error", "mine", 418)
    )
    current_app.register_error_handler(403, note_handler("403", "code", 403))
    with recorder() as rec:
        assert get("/boom/").status_code == 418
        assert get("/not-yours/").status_code == 403
    assert not rec.of("signal:got_request_exception")
    assert teardown_excs(rec) == {None}
