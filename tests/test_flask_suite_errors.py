"""Counterparts of Flask 3.1's own tests of hooks and error handlers (``tests/test_basic.py``,
``tests/test_user_error_handler.py``), written for Django.

Each test is named after the Flask test it mirrors and says so. Where the
port differs on purpose the test asserts DESIGN's behaviour and says why.

No counterpart (Flask features Django does not have): blueprints
(``test_error_handler_blueprint``, ``test_default_error_handler``), a common
base class of HTTP errors (``TestGenericHandlers.test_handle_generic_http``),
``TRAP_BAD_REQUEST_ERRORS``/``TRAP_HTTP_EXCEPTIONS``
(``test_trap_bad_request_key_error``, ``test_trapping_of_all_http_exceptions``),
routing, sessions, JSON, static files, ``url_for`` and the dev server.
Covered elsewhere: ``test_response_types``, ``test_response_type_errors`` and
``test_make_response`` by ``tests/test_responses.py`` (Flask's ``make_response``
rules for hook and handler return values); ``test_flashes`` by
``tests/test_messages.py``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import path

from flasksignals_django import InternalServerError, after_this_request, current_app, g

pytestmark = pytest.mark.urls(__name__)


class Custom(Exception):
    pass


class ParentException(Exception):
    pass


class ChildExceptionUnregistered(ParentException):
    pass


class ChildExceptionRegistered(ParentException):
    pass


class ForbiddenSubclassRegistered(PermissionDenied):
    pass


class ForbiddenSubclassUnregistered(PermissionDenied):
    pass


class E1(Exception):
    pass


class E2(Exception):
    pass


class E3(E1, E2):
    pass


def raiser(exc: type[BaseException]):
    def view(request):
        raise exc()

    return view


def index(request):
    return HttpResponse("request")


def after_this(request):
    def foo(response):
        response.headers["X-Foo"] = "a header"
        return response

    after_this_request(foo)
    return HttpResponse("Test")


urlpatterns = [
    path("", index),
    path("after-this/", after_this),
    path("custom/", raiser(Custom)),
    path("keyerror/", raiser(KeyError)),
    path("zero/", raiser(ZeroDivisionError)),
    path("abort-500/", raiser(InternalServerError)),
    path("abort-404/", raiser(Http404)),
    path("forbidden/", raiser(PermissionDenied)),
    path("forbidden-registered/", raiser(ForbiddenSubclassRegistered)),
    path("forbidden-unregistered/", raiser(ForbiddenSubclassUnregistered)),
    path("parent/", raiser(ParentException)),
    path("child-unregistered/", raiser(ChildExceptionUnregistered)),
    path("child-registered/", raiser(ChildExceptionRegistered)),
    path("e1/", raiser(E1)),
    path("e3/", raiser(E3)),
    path("keyboard/", raiser(KeyboardInterrupt)),
]


def get(path: str) -> bytes:
    return bytes(Client(raise_request_exception=False).get(path).content)


def report_error(error: BaseException) -> str:
    original = getattr(error, "original_exception", None)
    if original is not None:
        return f"wrapped {type(original).__name__}"
    return f"direct {type(error).__name__}"


# -- test_user_error_handler.py ------------------------------------------------------------


def test_error_handler_no_match():
    """Flask: test_user_error_handler.py::test_error_handler_no_match."""
    current_app.errorhandler(Custom)(lambda e: "custom")
    with pytest.raises(TypeError, match=r"Custom\(\) is an instance, not a class"):
        current_app.register_error_handler(Custom(), lambda e: None)
    with pytest.raises(ValueError, match="'list' is not a subclass of Exception"):
        current_app.register_error_handler(list, lambda e: None)
    with pytest.raises(ValueError, match="999"):
        current_app.register_error_handler(999, lambda e: None)

    @current_app.errorhandler(500)
    def handle_500(error):
        assert isinstance(error, InternalServerError)
        if error.original_exception is not None:
            return f"wrapped {type(error.original_exception).__name__}"
        return "direct"

    assert get("/custom/") == b"custom"
    assert get("/keyerror/") == b"wrapped KeyError"
    # Flask's abort(500) is raising InternalServerError (DESIGN, error handlers).
    assert get("/abort-500/") == b"direct"


def test_error_handler_subclass():
    """Flask: test_user_error_handler.py::test_error_handler_subclass."""
    current_app.errorhandler(ParentException)(lambda e: "parent")
    current_app.errorhandler(ChildExceptionRegistered)(lambda e: "child-registered")
    assert get("/parent/") == b"parent"
    assert get("/child-unregistered/") == b"parent"
    assert get("/child-registered/") == b"child-registered"


def test_error_handler_http_subclass():
    """Flask: test_user_error_handler.py::test_error_handler_http_subclass."""

    @current_app.errorhandler(403)
    def code_exception_handler(error):
        assert isinstance(error, PermissionDenied)
        return "forbidden"

    @current_app.errorhandler(ForbiddenSubclassRegistered)
    def subclass_exception_handler(error):
        assert isinstance(error, ForbiddenSubclassRegistered)
        return "forbidden-registered"

    assert get("/forbidden/") == b"forbidden"
    assert get("/forbidden-unregistered/") == b"forbidden"
    assert get("/forbidden-registered/") == b"forbidden-registered"


@pytest.mark.parametrize("to_handle", [InternalServerError, 500])
def test_handle_class_or_code(to_handle):
    """Flask: test_user_error_handler.py::TestGenericHandlers::test_handle_class_or_code."""

    @current_app.errorhandler(to_handle)
    def handle_500(error):
        assert isinstance(error, InternalServerError)
        return report_error(error)

    assert get("/custom/") == b"wrapped Custom"
    assert get("/keyerror/") == b"wrapped KeyError"
    assert get("/abort-500/") == b"direct InternalServerError"


def test_handle_generic():
    """Flask: test_user_error_handler.py::TestGenericHandlers::test_handle_generic."""
    current_app.errorhandler(Exception)(report_error)
    assert get("/custom/") == b"direct Custom"
    assert get("/keyerror/") == b"direct KeyError"
    assert get("/abort-500/") == b"direct InternalServerError"
    # An unknown URL is Django's Resolver404 (an Http404), Flask's NotFound.
    assert get("/not-found/") == b"direct Resolver404"


# -- test_basic.py: hooks -------------------------------------------------------------------


def test_request_processing(client):
    """Flask: test_basic.py::test_request_processing."""
    evts = []

    @current_app.before_request
    def before_request():
        evts.append("before")

    @current_app.after_request
    def after_request(response):
        response.content += b"|after"
        evts.append("after")
        return response

    assert client.get("/").content == b"request|after"
    assert evts == ["before", "after"]


def test_request_preprocessing_early_return(client):
    """Flask: test_basic.py::test_request_preprocessing_early_return."""
    evts = []
    current_app.before_request(lambda: evts.append(1))

    @current_app.before_request
    def before_request2():
        evts.append(2)
        return "hello"

    @current_app.before_request
    def before_request3():
        evts.append(3)
        return "bye"

    assert client.get("/").content == b"hello"
    assert evts == [1, 2]


def test_after_request_processing(client):
    """Flask: test_basic.py::test_after_request_processing."""
    response = client.get("/after-this/")
    assert response.status_code == 200
    assert response.headers["X-Foo"] == "a header"


@pytest.mark.parametrize("debug", [False, True])
def test_teardown_request_handler(client, settings, debug):
    """Flask: test_basic.py::test_teardown_request_handler (and ``_debug_mode``)."""
    settings.DEBUG = debug
    called = []

    @current_app.teardown_request
    def teardown_request(exc):
        called.append(True)
        return "Ignored"

    response = client.get("/")
    assert response.status_code == 200
    assert b"request" in response.content
    assert len(called) == 1


def test_teardown_request_handler_error():
    """Flask: test_basic.py::test_teardown_request_handler_error."""
    called = []

    def teardown(exc):
        assert type(exc) is ZeroDivisionError
        called.append(True)
        try:
            raise TypeError()
        except Exception:
            pass

    current_app.teardown_request(teardown)
    current_app.teardown_request(lambda exc: teardown(exc))
    response = Client(raise_request_exception=False).get("/zero/")
    assert response.status_code == 500
    assert len(called) == 2


def test_before_after_request_order(client):
    """Flask: test_basic.py::test_before_after_request_order."""
    called = []
    current_app.before_request(lambda: called.append(1))
    current_app.before_request(lambda: called.append(2))
    current_app.after_request(lambda r: called.append(4) or r)
    current_app.after_request(lambda r: called.append(3) or r)
    current_app.teardown_request(lambda exc: called.append(6))
    current_app.teardown_request(lambda exc: called.append(5))
    assert client.get("/").content == b"request"
    assert called == [1, 2, 3, 4, 5, 6]


# -- test_basic.py: error handling ----------------------------------------------------------


def test_error_handling():
    """Flask: test_basic.py::test_error_handling."""
    current_app.errorhandler(404)(lambda e: ("not found", 404))
    current_app.errorhandler(500)(lambda e: ("internal server error", 500))
    current_app.errorhandler(PermissionDenied)(lambda e: ("forbidden", 403))
    client = Client(raise_request_exception=False)
    for path_, status, body in [
        ("/abort-404/", 404, b"not found"),
        ("/zero/", 500, b"internal server error"),
        ("/forbidden/", 403, b"forbidden"),
    ]:
        response = client.get(path_)
        assert (response.status_code, response.content) == (status, body)


def test_error_handling_processing():
    """Flask: test_basic.py::test_error_handling_processing."""
    current_app.errorhandler(500)(lambda e: ("internal server error", 500))

    @current_app.after_request
    def after_request(response):
        response["Content-Type"] = "text/x-special"
        return response

    response = Client(raise_request_exception=False).get("/zero/")
    assert response["Content-Type"] == "text/x-special"
    assert response.content == b"internal server error"


def test_baseexception_error_handling(client):
    """Flask: test_basic.py::test_baseexception_error_handling."""
    with pytest.raises(KeyboardInterrupt):
        client.get("/keyboard/")


def test_before_request_and_routing_errors(client):
    """Flask: test_basic.py::test_before_request_and_routing_errors."""

    @current_app.before_request
    def attach_something():
        g.something = "value"

    current_app.errorhandler(404)(lambda error: (g.something, 404))
    response = client.get("/no-such-url/")
    assert (response.status_code, response.content) == (404, b"value")


def test_user_error_handling(client):
    """Flask: test_basic.py::test_user_error_handling."""
    current_app.errorhandler(Custom)(lambda e: "42")
    assert client.get("/custom/").content == b"42"


def test_http_error_subclass_handling():
    """Flask: test_basic.py::test_http_error_subclass_handling."""
    current_app.errorhandler(ForbiddenSubclassRegistered)(lambda e: "banana")

    @current_app.errorhandler(403)
    def handle_403(error):
        assert not isinstance(error, ForbiddenSubclassRegistered)
        return "apple"

    assert get("/forbidden-registered/") == b"banana"
    assert get("/forbidden/") == b"apple"


def test_errorhandler_precedence():
    """Flask: test_basic.py::test_errorhandler_precedence."""
    current_app.errorhandler(E2)(lambda e: "E2")
    current_app.errorhandler(Exception)(lambda e: "Exception")
    assert get("/e1/") == b"Exception"
    assert get("/e3/") == b"E2"


@pytest.mark.parametrize("trigger", ["before", "after"])
def test_error_handler_after_processor_error(trigger):
    """Flask: test_basic.py::test_error_handler_after_processor_error."""

    @current_app.before_request
    def before_request():
        if trigger == "before":
            raise ZeroDivisionError

    @current_app.after_request
    def after_request(response):
        if trigger == "after":
            raise ZeroDivisionError
        return response

    current_app.errorhandler(500)(lambda e: ("Hello Server Error", 500))
    response = Client(raise_request_exception=False).get("/")
    assert (response.status_code, response.content) == (500, b"Hello Server Error")


def test_exception_propagation(client):
    """Flask: test_basic.py::test_exception_propagation.

    Flask propagates while TESTING; Django's test client re-raises unhandled
    errors by default, which plays that part (DESIGN, propagation). With
    ``raise_request_exception=False`` the 500 response comes back.
    """
    with pytest.raises(ZeroDivisionError):
        client.get("/zero/")
    assert Client(raise_request_exception=False).get("/zero/").status_code == 500


def test_no_setup_after_first_request(client):
    """Flask: test_basic.py::test_no_setup_after_first_request.

    Flask refuses setup after the first request; the port's counterpart is
    ``before_first_request`` registered too late: a ``RuntimeWarning`` (DESIGN).
    """
    assert client.get("/").status_code == 200
    with pytest.warns(RuntimeWarning, match="never be called"):
        current_app.before_first_request(lambda: None)


def test_get_method_on_g():
    """Flask: test_basic.py::test_get_method_on_g."""
    with current_app.app_context():
        assert g.get("x") is None
        assert g.get("x", 11) == 11
        g.x = 42
        assert g.get("x") == 42
        assert g.x == 42


def test_g_iteration_protocol():
    """Flask: test_basic.py::test_g_iteration_protocol."""
    with current_app.app_context():
        g.foo = 23
        g.bar = 42
        assert "foo" in g
        assert "foos" not in g
        assert sorted(g) == ["bar", "foo"]
