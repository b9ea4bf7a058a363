"""The order of one request and its fault paths (DESIGN: "Order of one request", "Precise rules")."""

from __future__ import annotations

import logging
import threading

import pytest
from blinker import ANY
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.test import Client

from flasksignals_django import (
    InternalServerError,
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    current_app,
    g,
    got_request_exception,
    has_app_context,
    has_request_context,
    request_finished,
    request_started,
    request_tearing_down,
)
from flasksignals_django.signals import SIGNALS

from .flask_expected import expected
from .flask_traces import comparable
from .recorder import Recorder, note
from .views_core import ViewError

TEARDOWN = [
    "hook:teardown_request",
    "signal:request_tearing_down",
    "hook:teardown_appcontext",
    "signal:appcontext_tearing_down",
    "signal:appcontext_popped",
]


class HookError(Exception):
    pass


class HandlerError(Exception):
    pass


@pytest.fixture
def client500():
    return Client(raise_request_exception=False)


def named(kind, name):
    """A hook that notes ``kind:name`` (and its argument) and returns what Flask expects."""
    if kind == "before_request":

        def before():
            note("hook", name)

        return before
    if kind == "after_request":

        def after(response):
            note("hook", name, response=response)
            return response

        return after

    def teardown(exc):
        note("hook", name, exc=exc)

    return teardown


def connect(signal, receiver):
    signal.connect(receiver, weak=False)
    return receiver


def teardown_excs(rec):
    return [
        e.args["exc"]
        for e in rec.events
        if e.label in ("hook:teardown_request", "signal:request_tearing_down")
        or e.label in ("hook:teardown_appcontext", "signal:appcontext_tearing_down")
    ]


# -- the normal order ----------------------------------------------------------------


def test_full_normal_order_with_contexts(client):
    app = current_app
    for i in (1, 2, 3):  # as Flask's probe registered them
        app.before_request(named("before_request", f"before_request_b{i}"))
        app.after_request(named("after_request", f"after_request_a{i}"))
        app.teardown_request(named("teardown_request", f"teardown_request_t{i}"))
        app.teardown_appcontext(
            named("teardown_appcontext", f"teardown_appcontext_ta{i}")
        )
    with Recorder(hooks=()) as rec:
        response = client.get("/core/")
    assert response.status_code == 200
    want = expected("s12b_multiple_hooks_no_short_circuit")
    assert comparable(rec.events, want) == want
    assert rec.one("signal:request_finished").raw["response"] is response
    assert rec.one("signal:request_finished").args == {"response": 200}
    assert rec.one("signal:request_tearing_down").args == {"exc": None}
    assert rec.one("signal:appcontext_tearing_down").args == {"exc": None}
    assert rec.one("signal:appcontext_pushed").args == {}
    assert not has_app_context()
    assert not has_request_context()


def test_request_finished_sees_the_response_after_request_replaced(client):
    @current_app.after_request
    def replace(response):
        return HttpResponse("replaced", status=201)

    with Recorder() as rec:
        response = client.get("/core/")
    assert response.status_code == 201
    finished = rec.one("signal:request_finished").raw["response"]
    assert finished.content == b"replaced"


def test_each_request_gets_its_own_g(client):
    @current_app.before_request
    def count():
        g.setdefault("count", 0)
        g.count += 1
        note("hook", "count", value=g.count)

    with Recorder(hooks=()) as rec:
        client.get("/core/")
        client.get("/core/")
    assert [e.args["value"] for e in rec.of("hook:count")] == [1, 1]


def test_receivers_with_flasks_exact_signature_work_on_every_signal(client500):
    calls = []

    def on_pushed(sender):
        calls.append("appcontext_pushed")

    def on_started(sender):
        calls.append("request_started")

    def on_exception(sender, exception):
        calls.append("got_request_exception")

    def on_finished(sender, response):
        calls.append("request_finished")

    def on_request_tearing_down(sender, exc):
        calls.append("request_tearing_down")

    def on_app_tearing_down(sender, exc):
        calls.append("appcontext_tearing_down")

    def on_popped(sender):
        calls.append("appcontext_popped")

    pairs = [
        (appcontext_pushed, on_pushed),
        (request_started, on_started),
        (got_request_exception, on_exception),
        (request_finished, on_finished),
        (request_tearing_down, on_request_tearing_down),
        (appcontext_tearing_down, on_app_tearing_down),
        (appcontext_popped, on_popped),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, current_app)
    try:
        assert client500.get("/core/boom/").status_code == 500
    finally:
        for signal, receiver in pairs:
            signal.disconnect(receiver)
    assert calls == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_receiver_connected_for_another_sender_is_not_called(client):
    calls = []

    def on_started(sender, **extra):
        calls.append(sender)

    request_started.connect(on_started, sender=object())
    try:
        client.get("/core/")
    finally:
        request_started.disconnect(on_started)
    assert calls == []


def test_receivers_run_in_connection_order(client):
    order = []
    receivers = []
    for i in range(6):

        def receiver(sender, i=i, **extra):
            order.append(i)

        receivers.append(receiver)
        request_started.connect(receiver, current_app if i % 2 else ANY)
    try:
        client.get("/core/")
    finally:
        for receiver in receivers:
            request_started.disconnect(receiver)
    assert order == list(range(6))


# -- before_request short-circuit --------------------------------------------------


def test_before_request_short_circuit_skips_view_and_later_before_request(client):
    current_app.before_request(named("before_request", "b1"))

    @current_app.before_request
    def blocker():
        note("hook", "blocker")
        return "blocked", 403

    current_app.before_request(named("before_request", "b3"))
    with Recorder(hooks=("after_request", "teardown_request")) as rec:
        response = client.get("/core/")
    assert response.status_code == 403
    assert response.content == b"blocked"
    assert rec.labels == [
        "signal:appcontext_pushed",
        "signal:request_started",
        "hook:b1",
        "hook:blocker",
        "hook:after_request",
        "signal:request_finished",
        "hook:teardown_request",
        "signal:request_tearing_down",
        "signal:appcontext_tearing_down",
        "signal:appcontext_popped",
    ]
    assert rec.one("hook:teardown_request").args == {"exc": None}
    assert rec.one("signal:request_finished").args == {"response": 403}


def test_before_request_returning_invalid_value_is_a_type_error_naming_it(client500):
    @current_app.before_request
    def returns_an_int():
        return 42

    with Recorder() as rec:
        response = client500.get("/core/")
    assert response.status_code == 500
    gre = rec.one("signal:got_request_exception")
    assert isinstance(gre.raw["exception"], TypeError)
    assert "returns_an_int" in str(gre.raw["exception"])
    assert "view:index" not in rec.labels
    assert rec.one("hook:teardown_request").args == {"exc": "TypeError"}


# -- unhandled exceptions -----------------------------------------------------------


def assert_unhandled(rec, exc_type, *, view_ran):
    gre = rec.one("signal:got_request_exception")
    assert gre.args == {"exception": exc_type.__name__}
    assert isinstance(gre.raw["exception"], exc_type)
    assert rec.one("hook:after_request").args == {"response": 500}
    assert rec.one("signal:request_finished").args == {"response": 500}
    assert ("view:index" in rec.labels) is view_ran
    for label in ("hook:teardown_request", "signal:request_tearing_down"):
        assert rec.one(label).raw["exc"] is gre.raw["exception"]
    for label in ("hook:teardown_appcontext", "signal:appcontext_tearing_down"):
        assert rec.one(label).raw["exc"] is gre.raw["exception"]
    assert rec.labels[-5:] == TEARDOWN
    labels = rec.labels
    assert labels.index("signal:got_request_exception") < labels.index(
        "hook:after_request"
    )


def test_view_raises(client500):
    with Recorder(loggers=("django.request",)) as rec:
        response = client500.get("/core/boom/")
    assert response.status_code == 500
    assert_unhandled(rec, ViewError, view_ran=True)
    # Django logs the error after got_request_exception, as Flask does.
    want = expected("s03a_view_raises_unhandled_500")
    assert comparable(rec.events, want) == want


def test_view_raises_with_default_client_reraises_after_teardown(client):
    with Recorder() as rec, pytest.raises(ViewError):
        client.get("/core/boom/")
    assert rec.labels[-5:] == TEARDOWN
    assert not has_app_context()


def test_before_request_raises(client500):
    @current_app.before_request
    def raiser():
        raise HookError("before boom")

    current_app.before_request(named("before_request", "never"))
    with Recorder(
        hooks=("after_request", "teardown_request", "teardown_appcontext")
    ) as rec:
        response = client500.get("/core/")
    assert response.status_code == 500
    assert_unhandled(rec, HookError, view_ran=False)
    assert "hook:never" not in rec.labels


def test_request_started_receiver_raises(client500):
    def raiser(sender, **extra):
        raise HookError("request_started receiver boom")

    request_started.connect(raiser)
    try:
        with Recorder() as rec:
            response = client500.get("/core/")
    finally:
        request_started.disconnect(raiser)
    assert response.status_code == 500
    assert_unhandled(rec, HookError, view_ran=False)
    assert "hook:before_request" not in rec.labels


def test_appcontext_pushed_receiver_raises(client500):
    def raiser(sender, **extra):
        raise HookError("pushed boom")

    with Recorder() as rec:
        appcontext_pushed.connect(raiser)
        try:
            response = client500.get("/core/")
        finally:
            appcontext_pushed.disconnect(raiser)
    assert response.status_code == 500
    assert_unhandled(rec, HookError, view_ran=False)
    assert "signal:request_started" not in rec.labels


def test_view_returning_none_is_djangos_500_with_the_signal(client500):
    with Recorder() as rec:
        response = client500.get("/core/none/")
    assert response.status_code == 500
    assert_unhandled(rec, ValueError, view_ran=True)


def test_exception_without_hooks_middleware(settings, client500):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("HooksMiddleware")
    ]

    def raiser(sender, **extra):
        raise HookError("started boom")

    with Recorder(hooks=("teardown_request",)) as rec:
        request_started.connect(raiser)
        try:
            response = client500.get("/core/")
        finally:
            request_started.disconnect(raiser)
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "HookError"}
    assert rec.one("signal:request_finished").args == {"response": 500}
    assert rec.one("hook:teardown_request").args == {"exc": "HookError"}
    assert "view:index" not in rec.labels


# -- after_request faults -----------------------------------------------------------


@pytest.mark.parametrize("fault", ["raises", "returns_none"])
def test_after_request_fault(client500, fault):
    @current_app.after_request
    def first_registered_runs_last(response):
        note("hook", "a_last", response=response)
        return response

    @current_app.after_request
    def faulty(response):
        note("hook", "faulty", response=response)
        if fault == "raises":
            raise HookError("after boom")
        return None

    with Recorder(hooks=("teardown_request",)) as rec:
        response = client500.get("/core/")
    assert response.status_code == 500
    exc_type = HookError if fault == "raises" else TypeError
    gre = rec.one("signal:got_request_exception")
    assert isinstance(gre.raw["exception"], exc_type)
    if fault == "returns_none":
        assert "faulty" in str(gre.raw["exception"])
    # The remaining after_request function is skipped and nothing runs twice.
    assert rec.one("hook:faulty").args == {"response": 200}
    assert "hook:a_last" not in rec.labels
    assert rec.one("signal:request_finished").args == {"response": 500}
    assert rec.one("hook:teardown_request").args == {"exc": exc_type.__name__}


def test_after_request_error_goes_to_error_handler(client):
    @current_app.after_request
    def faulty(response):
        raise HookError("after boom")

    @current_app.errorhandler(HookError)
    def handle(error):
        return "handled after", 299

    with Recorder(hooks=("teardown_request",)) as rec:
        response = client.get("/core/")
    assert response.status_code == 299
    assert "signal:got_request_exception" not in rec.labels
    assert rec.one("hook:teardown_request").args == {"exc": None}
    assert rec.one("signal:request_finished").args == {"response": 299}


def test_request_finished_receiver_raises(client500):
    def raiser(sender, response, **extra):
        note("signal", "raiser", response=response)
        raise HookError("receiver boom")

    with Recorder() as rec:
        request_finished.connect(raiser)
        try:
            response = client500.get("/core/")
        finally:
            request_finished.disconnect(raiser)
    assert response.status_code == 500
    assert rec.one("signal:raiser").args == {"response": 200}
    assert rec.one("signal:request_finished").args == {"response": 200}
    assert rec.one("hook:after_request").args == {"response": 200}
    gre = rec.one("signal:got_request_exception")
    assert gre.args == {"exception": "HookError"}
    assert rec.one("hook:teardown_request").raw["exc"] is gre.raw["exception"]
    assert rec.labels[-5:] == TEARDOWN


def test_request_finished_receiver_raising_an_http_error_answers_with_it(client):
    def not_found(sender, response, **extra):
        raise Http404("gone since")

    with Recorder() as rec, request_finished.connected_to(not_found):
        response = client.get("/core/")
    assert response.status_code == 404
    assert "signal:got_request_exception" not in rec.labels  # a client error
    assert rec.one("hook:teardown_request").args == {"exc": None}


class Answering:
    """A middleware between SignalsMiddleware and HooksMiddleware that answers itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return HttpResponse("answered above the hooks")


def test_request_started_error_kept_for_the_hooks_when_a_middleware_answers_first(
    settings, client500
):
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        f"{__name__}.Answering",
        settings.MIDDLEWARE[-1],
    ]

    def raiser(sender, **extra):
        raise HookError("started boom")

    with Recorder() as rec, request_started.connected_to(raiser):
        response = client500.get("/core/")
    # The error HooksMiddleware was to raise where the view runs is handled all the same.
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "HookError"}
    assert "hook:before_request" not in rec.labels
    assert rec.one("hook:teardown_request").args == {"exc": "HookError"}


def test_failing_got_request_exception_receiver_is_logged_others_run(client500, caplog):
    calls = []

    def first(sender, exception, **extra):
        raise HookError("receiver boom")

    def second(sender, exception, **extra):
        calls.append(exception)

    got_request_exception.connect(first)
    got_request_exception.connect(second)
    try:
        with caplog.at_level(logging.ERROR, logger="flasksignals_django"):
            response = client500.get("/core/boom/")
    finally:
        got_request_exception.disconnect(first)
        got_request_exception.disconnect(second)
    assert response.status_code == 500
    assert len(calls) == 1 and isinstance(calls[0], ViewError)
    logged = [
        r for r in caplog.records if r.name == "flasksignals_django" and r.exc_info
    ]
    assert any(isinstance(r.exc_info[1], HookError) for r in logged)


# -- exceptions Django answers with 4xx ------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/core/404/", 404),
        ("/core/403/", 403),
        ("/core/suspicious/", 400),
        ("/core/400/", 400),
        ("/core/nowhere/", 404),
    ],
)
def test_client_errors_send_no_exception_signal(client, url, status):
    with Recorder() as rec:
        response = client.get(url)
    assert response.status_code == status
    assert "signal:got_request_exception" not in rec.labels
    assert set(teardown_excs(rec)) == {None}
    assert rec.one("hook:before_request")
    assert rec.one("hook:after_request").args == {"response": status}
    assert rec.one("signal:request_finished").args == {"response": status}


# -- error handlers ---------------------------------------------------------------------


def test_errorhandler_by_class_handles_the_error(client):
    @current_app.errorhandler(ViewError)
    def handler(error):
        note("hook", "errorhandler_ViewError", error=error)
        return "handled", 418

    with Recorder() as rec:
        response = client.get("/core/boom/")
    assert response.status_code == 418
    assert response.content == b"handled"
    assert rec.labels[:5] == [
        "signal:appcontext_pushed",
        "signal:request_started",
        "hook:before_request",
        "view:index",
        "hook:errorhandler_ViewError",
    ]
    assert "signal:got_request_exception" not in rec.labels
    assert rec.one("hook:after_request").args == {"response": 418}
    assert set(teardown_excs(rec)) == {None}


def test_nearest_class_in_the_mro_wins(client):
    @current_app.errorhandler(Exception)
    def generic(error):
        return "generic", 200

    @current_app.errorhandler(ViewError)
    def specific(error):
        return f"specific {type(error).__name__}", 200

    assert client.get("/core/boom-child/").content == b"specific ViewErrorChild"


def test_code_handler_wins_over_class_handler(client):
    @current_app.errorhandler(Exception)
    def generic(error):
        return "generic", 200

    @current_app.errorhandler(404)
    def by_code(error):
        return "by code", 404

    assert client.get("/core/404/").content == b"by code"
    assert client.get("/core/boom/").content == b"generic"


def test_errorhandler_exception_catches_http404(client):
    @current_app.errorhandler(Exception)
    def handler(error):
        note("hook", "errorhandler_Exception", error=error)
        return "generic handler", 299

    with Recorder() as rec:
        response = client.get("/core/404/")
    assert response.status_code == 299
    assert rec.one("hook:errorhandler_Exception").args == {"error": "Http404"}


def test_errorhandler_404_applies_to_unknown_url_after_before_request(client):
    @current_app.before_request
    def set_g():
        g.marker = "set-in-before_request"

    @current_app.errorhandler(404)
    def h404(error):
        note("hook", "errorhandler_404", error=error, marker=g.get("marker"))
        return "custom 404: " + g.get("marker", "?"), 404

    with Recorder() as rec:
        response = client.get("/core/unknown-url/")
    assert response.status_code == 404
    assert response.content == b"custom 404: set-in-before_request"
    handler_event = rec.one("hook:errorhandler_404")
    assert handler_event.args["marker"] == "set-in-before_request"
    labels = rec.labels
    assert labels.index("hook:before_request") < labels.index("hook:errorhandler_404")
    assert "signal:got_request_exception" not in labels
    assert set(teardown_excs(rec)) == {None}


def test_errorhandler_404_ignores_a_view_returning_404(client):
    @current_app.errorhandler(404)
    def h404(error):
        return "custom", 404

    assert client.get("/core/returns-404/").content == b"own 404"


@pytest.mark.parametrize(
    ("code", "url", "exc_name"),
    [(403, "/core/403/", "PermissionDenied"), (400, "/core/400/", "BadRequest")],
)
def test_errorhandler_by_code_for_403_and_400(client, code, url, exc_name):
    @current_app.errorhandler(code)
    def handler(error):
        return f"custom {type(error).__name__}", code

    response = client.get(url)
    assert response.status_code == code
    assert response.content == f"custom {exc_name}".encode()


def test_errorhandler_500_gets_internal_server_error(client500, caplog):
    @current_app.errorhandler(500)
    def h500(error):
        note("hook", "errorhandler_500", error=error)
        return "custom 500", 500

    with Recorder(loggers=("django.request",)) as rec:
        response = client500.get("/core/boom/")
    assert response.status_code == 500
    assert response.content == b"custom 500"
    event = rec.one("hook:errorhandler_500")
    error = event.raw["error"]
    assert isinstance(error, InternalServerError)
    assert error.code == 500
    gre = rec.one("signal:got_request_exception")
    assert error.original_exception is gre.raw["exception"]
    assert isinstance(gre.raw["exception"], ViewError)
    labels = rec.labels
    assert (
        labels.index("signal:got_request_exception")
        < labels.index("log:ERROR")
        < labels.index("hook:errorhandler_500")
        < labels.index("hook:after_request")
    )
    assert rec.one("log:ERROR").args["logger"] == "django.request"
    assert rec.one("hook:teardown_request").raw["exc"] is gre.raw["exception"]


def test_errorhandler_500_registered_by_class(client500):
    @current_app.errorhandler(InternalServerError)
    def h500(error):
        return f"500 for {type(error.original_exception).__name__}", 500

    assert client500.get("/core/boom/").content == b"500 for ViewError"


def test_errorhandler_500_answer_still_reaches_djangos_reporters(client):
    """Django's got_request_exception is sent, so the test client re-raises (as Flask's
    testing mode propagates) and Sentry-like reporters see the error."""

    @current_app.errorhandler(500)
    def h500(error):
        return "custom 500", 500

    with pytest.raises(ViewError):
        client.get("/core/boom/")


def test_errorhandler_500_not_used_for_client_errors(client):
    @current_app.errorhandler(500)
    def h500(error):
        return "custom 500", 500

    assert client.get("/core/404/").status_code == 404


@pytest.mark.parametrize("fault", ["raises", "returns_none"])
def test_errorhandler_500_fault_falls_back_to_djangos_500(client500, fault):
    @current_app.errorhandler(500)
    def h500(error):
        if fault == "raises":
            raise HandlerError("500 handler boom")
        return None

    with Recorder() as rec:
        response = client500.get("/core/boom/")
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "ViewError"}
    assert rec.one("signal:request_finished").args == {"response": 500}


def test_errorhandler_that_raises(client500):
    @current_app.errorhandler(ViewError)
    def handler(error):
        note("hook", "errorhandler_ViewError", error=error)
        raise HandlerError("handler boom")

    with Recorder() as rec:
        response = client500.get("/core/boom/")
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "HandlerError"}
    assert rec.one("hook:teardown_request").args == {"exc": "HandlerError"}
    assert rec.one("signal:appcontext_tearing_down").args == {"exc": "HandlerError"}
    assert rec.one("signal:request_finished").args == {"response": 500}


def test_errorhandler_returning_none_is_djangos_500(client500):
    @current_app.errorhandler(ViewError)
    def handler(error):
        return None

    with Recorder() as rec:
        response = client500.get("/core/boom/")
    assert response.status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "ViewError"}
    assert rec.one("hook:teardown_request").args == {"exc": "ViewError"}


def test_errorhandler_for_request_started_error(client):
    def raiser(sender, **extra):
        raise HookError("started boom")

    @current_app.errorhandler(HookError)
    def handler(error):
        note("hook", "errorhandler_HookError", error=error)
        return "handled receiver error", 200

    with Recorder() as rec:
        request_started.connect(raiser)
        try:
            response = client.get("/core/")
        finally:
            request_started.disconnect(raiser)
    assert response.content == b"handled receiver error"
    assert "signal:got_request_exception" not in rec.labels
    assert "view:index" not in rec.labels
    assert rec.one("hook:after_request").args == {"response": 200}
    assert set(teardown_excs(rec)) == {None}


def test_errorhandler_registration_rules():
    with pytest.raises(ValueError, match="405"):
        current_app.errorhandler(405)
    with pytest.raises(ValueError):
        current_app.errorhandler("nope")
    with pytest.raises(TypeError):
        current_app.errorhandler(404)("not callable")

    def handler(error):
        return "x"

    assert current_app.register_error_handler(BadRequest, handler) is handler
    # BadRequest is the base of code 400: one key, as Flask files BadRequest under 400.
    assert current_app.error_handlers[400] is handler


# -- before_first_request -------------------------------------------------------------


def test_before_first_request_runs_once_before_request_started(client):
    current_app.reset_first_request(False)

    @current_app.before_first_request
    def first():
        note("hook", "before_first_request", req=has_request_context())

    with Recorder(hooks=()) as rec:
        client.get("/core/")
        client.get("/core/")
    assert rec.labels.count("hook:before_first_request") == 1
    assert rec.labels[:3] == [
        "signal:appcontext_pushed",
        "hook:before_first_request",
        "signal:request_started",
    ]


def test_before_first_request_once_with_concurrent_first_requests():
    current_app.reset_first_request(False)
    calls = []
    release = threading.Event()

    @current_app.before_first_request
    def first():
        calls.append(threading.get_ident())
        release.wait(5)

    statuses = []
    started_before_first = []

    def on_started(sender, **extra):
        started_before_first.append(bool(calls))

    def worker():
        statuses.append(Client().get("/core/").status_code)

    request_started.connect(on_started)
    try:
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        release.set()
        for thread in threads:
            thread.join(30)
    finally:
        request_started.disconnect(on_started)
    assert len(calls) == 1
    assert statuses == [200] * 8
    assert started_before_first == [True] * 8


def test_before_first_request_that_raises_is_a_500_and_not_retried(client500):
    current_app.reset_first_request(False)
    calls = []

    @current_app.before_first_request
    def first():
        calls.append(1)
        raise HookError("first boom")

    with Recorder() as rec:
        assert client500.get("/core/").status_code == 500
    assert client500.get("/core/").status_code == 200
    assert calls == [1]
    assert_unhandled(rec, HookError, view_ran=False)


def test_before_first_request_registered_late_warns():
    def late():
        pass

    with pytest.warns(RuntimeWarning, match="late"):
        current_app.before_first_request(late)


# -- teardown after the body; teardown faults ------------------------------------------


# response.close() outside the Client runs close_old_connections
@pytest.mark.django_db
def test_streaming_teardown_after_the_body(client):
    with Recorder() as rec:
        response = client.get("/core/stream/")
        assert "hook:teardown_request" not in rec.labels
        assert "signal:request_finished" in rec.labels
        # The test client closes the response once the body is consumed.
        body = b"".join(response.streaming_content)
        response.close()
    assert body == b"path=/core/stream/;g=streamed"
    want = expected("s09b_streaming_with_context")
    assert comparable(rec.events, want) == want
    assert not has_app_context()


@pytest.mark.parametrize(
    "where", ["teardown_request", "teardown_appcontext", "signals"]
)
def test_failing_teardown_steps_are_logged_and_the_rest_runs(client, caplog, where):
    def raising_hook(exc):
        raise HookError(where)

    def raising_receiver(sender, **extra):
        raise HookError(where)

    if where == "teardown_request":
        current_app.teardown_request(raising_hook)
    elif where == "teardown_appcontext":
        current_app.teardown_appcontext(raising_hook)
    with Recorder() as rec:
        if where == "signals":
            for signal in (
                request_tearing_down,
                appcontext_tearing_down,
                appcontext_popped,
            ):
                signal.connect(raising_receiver)
        try:
            with caplog.at_level(logging.ERROR, logger="flasksignals_django"):
                response = client.get("/core/")
        finally:
            for signal in SIGNALS:
                signal.disconnect(raising_receiver)
    assert response.status_code == 200
    assert rec.labels[-5:] == TEARDOWN
    assert set(teardown_excs(rec)) == {None}
    errors = [
        r
        for r in caplog.records
        if r.name == "flasksignals_django"
        and r.exc_info
        and isinstance(r.exc_info[1], HookError)
    ]
    assert len(errors) == (3 if where == "signals" else 1)
    assert not has_app_context()
    assert not has_request_context()


# -- after_this_request ------------------------------------------------------------------


def test_after_this_request_runs_before_after_request(client):
    current_app.after_request(named("after_request", "after_request_a1"))
    current_app.after_request(named("after_request", "after_request_a2"))

    @current_app.before_request
    def register_one():
        def atr0(response):
            note("hook", "after_this_request_atr0", response=response)
            return response

        from flasksignals_django import after_this_request

        after_this_request(atr0)

    with Recorder(hooks=("before_request",)) as rec:
        assert client.get("/core/after-this/").status_code == 200
    want = expected("s14a_after_this_request_order")
    assert comparable(rec.events, want) == want
    # Registered for one request only: the next request runs just its own.
    with Recorder(hooks=()) as rec:
        client.get("/core/")
    assert [label for label in rec.labels if "after_this_request" in label] == [
        "hook:after_this_request_atr0"
    ]


def test_after_this_request_runs_on_the_500_response(client500):
    with Recorder(loggers=("django.request",)) as rec:
        assert client500.get("/core/after-this-boom/").status_code == 500
    want = expected("s14b_after_this_request_then_view_raises")
    assert comparable(rec.events, want) == want


def test_errorhandler_raising_for_a_before_request_error(client500):
    @current_app.before_request
    def raiser():
        raise HookError("before boom")

    @current_app.errorhandler(HookError)
    def handler(error):
        raise HandlerError("handler boom")

    with Recorder() as rec:
        assert client500.get("/core/").status_code == 500
    assert rec.one("signal:got_request_exception").args == {"exception": "HandlerError"}
    assert rec.one("hook:teardown_request").args == {"exc": "HandlerError"}
    assert rec.one("signal:request_finished").args == {"response": 500}


def test_errorhandler_raising_then_500_handler_returning_none(client500):
    @current_app.errorhandler(ViewError)
    def handler(error):
        raise HandlerError("handler boom")

    seen = []

    @current_app.errorhandler(500)
    def h500(error):
        seen.append(type(error.original_exception).__name__)

    with Recorder() as rec:
        assert client500.get("/core/boom/").status_code == 500
    assert seen == ["HandlerError"]
    assert rec.one("signal:got_request_exception").args == {"exception": "HandlerError"}
    assert rec.one("hook:teardown_request").args == {"exc": "HandlerError"}


def test_each_distinct_unhandled_error_is_reported_once():
    """A view error, then an after_request error on its 500: both reach
    got_request_exception, each once; teardown gets the first."""
    from flasksignals_django import got_request_exception

    class AfterError(Exception):
        pass

    @current_app.after_request
    def fail(response):
        raise AfterError("after")

    reported, torn = [], []
    current_app.teardown_request(torn.append)

    def on_exception(sender, exception, **extra):
        reported.append(type(exception))

    with got_request_exception.connected_to(on_exception):
        response = Client(raise_request_exception=False).get("/core/boom/")
    assert response.status_code == 500
    assert reported == [ViewError, AfterError]
    assert [type(exc) for exc in torn] == [ViewError]
