"""Async parity: the same events in the same order under WSGI and ASGI, sync or async code.

Every lifecycle test runs over three runners (Django's ``Client`` for WSGI,
``AsyncClient`` and a hand-made ASGI server around ``ASGIHandler``), a sync and
an async view, and receivers/hooks that are plain functions, ``async def`` or
both in turn; the event sequence must be the same for all of them.
"""

from __future__ import annotations

import logging
import threading
import types

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth.models import User
from django.core.handlers.asgi import ASGIHandler
from django.http import Http404
from django.test import AsyncClient

from flasksignals_django import (
    InternalServerError,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from flasksignals_django.middleware import HooksMiddleware, SignalsMiddleware
from flasksignals_django.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)
from tests import flask_expected
from tests.flask_expected import named_expected
from tests.server_project.drive import asgi_request, async_client_get, client_get
from tests.server_project.events import Recorder, names, note, snapshot, teardown_with

pytestmark = pytest.mark.urls("tests.server_project.urls")

RUNNERS = ["wsgi", "asgi-client", "asgi-handler"]
VIEWS = ["sync", "async"]
MODES = ["sync", "async", "mixed"]


def fetch(runner: str, path: str) -> tuple[int, bytes]:
    if runner == "wsgi":
        return client_get(path)
    if runner == "asgi-client":
        return async_to_sync(async_client_get)(path)
    exchange = async_to_sync(asgi_request)(path)
    assert exchange.complete
    return exchange.status or 0, exchange.body


def view_path(view: str, path: str) -> str:
    return f"/async{path}" if view == "async" else path


NORMAL = named_expected(flask_expected.NORMAL)
ERROR = named_expected(flask_expected.ERROR)


# -- async mode, no thread hop ------------------------------------------------------


def chain_instances(handler) -> list[object]:
    """The middleware instances of a loaded handler, outermost first."""
    found = []
    layer = handler._middleware_chain
    while (layer := getattr(layer, "__wrapped__", None)) is not None:
        # functools.wraps copies an instance's __dict__ onto Django's wrapper function.
        if not isinstance(layer, types.FunctionType) and hasattr(layer, "get_response"):
            found.append(layer)
            layer = layer.get_response
    return found


def assert_async_chain(handler) -> None:
    instances = chain_instances(handler)
    ours = [i for i in instances if isinstance(i, SignalsMiddleware | HooksMiddleware)]
    assert [type(i) for i in ours] == [SignalsMiddleware, HooksMiddleware]
    assert instances[0] is ours[0]
    for instance in ours:
        assert instance.async_mode
        assert iscoroutinefunction(instance)
        # The layer below is awaited directly, not through sync_to_async.
        assert iscoroutinefunction(instance.get_response)


def adapted_messages(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "django.request" and "adapted" in r.getMessage()
    ]


async def test_asgi_handler_runs_our_middleware_in_async_mode(settings, caplog):
    settings.DEBUG = True
    events: list[dict] = []
    with (
        caplog.at_level(logging.DEBUG, logger="django.request"),
        Recorder(events.append, "async"),
    ):
        handler = ASGIHandler()
        exchange = await asgi_request("/async/", handler=handler)
    assert exchange.status == 200
    assert_async_chain(handler)
    assert not [m for m in adapted_messages(caplog) if "flasksignals_django" in m]
    assert adapted_messages(caplog) == []  # no layer of this stack is adapted at all
    # The async view and the async hooks ran on this very thread, the loop's.
    loop_thread = threading.get_ident()
    by_name = {e["name"]: e for e in events}
    for name in ("view", "before_request", "after_request", "request_started"):
        assert by_name[name]["thread"] == loop_thread, name
        assert by_name[name]["loop"], name


async def test_async_client_runs_our_middleware_in_async_mode(settings, caplog):
    settings.DEBUG = True
    client = AsyncClient()
    events: list[dict] = []
    with (
        caplog.at_level(logging.DEBUG, logger="django.request"),
        Recorder(events.append, "async"),
    ):
        response = await client.get("/async/")
    assert response.status_code == 200
    assert_async_chain(client.handler)
    assert adapted_messages(caplog) == []
    view = next(e for e in events if e["name"] == "view")
    assert view["thread"] == threading.get_ident()
    assert view["loop"]


async def test_sync_receivers_and_hooks_leave_the_loop_under_asgi():
    events: list[dict] = []
    with Recorder(events.append, "mixed"):
        status, _ = await async_client_get("/async/")
    assert status == 200
    loop_thread = threading.get_ident()
    for event in events:
        if event["name"] == "view":
            continue
        # Sync code never runs on the loop: it moved to a worker thread.
        on_loop = event["thread"] == loop_thread
        assert on_loop == event["loop"], event


def test_wsgi_sync_view_never_touches_a_loop():
    events: list[dict] = []
    with Recorder(events.append, "sync"):
        assert client_get("/")[0] == 200
    assert not any(e["loop"] for e in events)
    assert {e["thread"] for e in events} == {threading.get_ident()}


def test_settings_debug_log_flags_a_sync_only_middleware_below_ours(settings, caplog):
    """The checks above can fail: a sync-only layer below ours makes our middleware sync."""
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_async.SyncOnlyMiddleware"]
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        handler = ASGIHandler()
    assert adapted_messages(caplog) == [
        "Asynchronous handler adapted for middleware tests.test_async.SyncOnlyMiddleware."
    ]
    # Everything above a sync-only layer runs sync under ASGI (the W004 case).
    ours = [
        i
        for i in chain_instances(handler)
        if isinstance(i, SignalsMiddleware | HooksMiddleware)
    ]
    assert len(ours) == 2
    assert not any(i.async_mode or iscoroutinefunction(i) for i in ours)


class SyncOnlyMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


# -- the same order on every path ---------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_normal_request_order(runner, view, mode):
    events: list[dict] = []
    with Recorder(events.append, mode):
        status, body = fetch(runner, view_path(view, "/"))
    assert (status, body) == (200, b"ok")
    assert names(events) == NORMAL


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_view_error_order(runner, view, mode, caplog):
    events: list[dict] = []
    with (
        caplog.at_level(logging.CRITICAL, logger="django.request"),
        Recorder(events.append, mode),
    ):
        status, _ = fetch(runner, view_path(view, "/boom/"))
    assert status == 500
    assert names(events) == ERROR


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_short_circuit_order(runner, view, mode):
    events: list[dict] = []
    with Recorder(events.append, mode):
        if mode == "sync":

            @current_app.before_request
            def stop():
                note("stop")
                return "short"

        else:

            @current_app.before_request
            async def stop():
                note("stop")
                return "short"

        status, body = fetch(runner, view_path(view, "/"))
    assert (status, body) == (200, b"short")
    assert names(events) == [
        ("appcontext_pushed", None),
        ("request_started", None),
        ("before_request", None),
        ("stop", None),
        ("after_request", 200),
        ("request_finished", 200),
        *teardown_with(None),
    ]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_template_and_flash_signals_in_views(runner, view, mode):
    events: list[dict] = []
    with Recorder(events.append, mode):
        status, body = fetch(runner, view_path(view, "/signals/"))
    assert status == 200
    assert body == (b"hi async" if view == "async" else b"hi sync")
    assert names(events) == [
        *NORMAL[:4],
        ("before_render_template", None),
        ("template_rendered", None),
        ("message_flashed", "flashed"),
        *NORMAL[4:],
    ]
    # Receivers saw the request's contexts, also when run on a helper thread.
    for event in events[2:-3]:
        assert event["path"] == view_path(view, "/signals/")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_mixed_receivers_and_hooks_run_in_connection_order(runner, view):
    order: list[str] = []

    def make(label: str, is_async: bool, returns=None):
        if is_async:

            async def fn(*args, **kwargs):
                order.append(label)
                return returns(args) if returns else None

        else:

            def fn(*args, **kwargs):
                order.append(label)
                return returns(args) if returns else None

        return fn

    pattern = [False, True, False, False, True]
    connected = []
    for signal in (
        appcontext_pushed,
        request_started,
        request_finished,
        request_tearing_down,
        appcontext_tearing_down,
        appcontext_popped,
    ):
        for i, is_async in enumerate(pattern):
            fn = make(f"{signal.name}{i}", is_async)
            signal.connect(fn, weak=False)
            connected.append((signal, fn))
    for i, is_async in enumerate([True, False, True]):
        current_app.before_request(make(f"before{i}", is_async))
        current_app.after_request(
            make(f"after{i}", is_async, returns=lambda args: args[0])
        )
        current_app.teardown_request(make(f"teardown{i}", is_async))
        current_app.teardown_appcontext(make(f"teardown_app{i}", is_async))
    try:
        assert fetch(runner, view_path(view, "/"))[0] == 200
    finally:
        for signal, fn in connected:
            signal.disconnect(fn)

    def five(name):
        return [f"{name}{i}" for i in range(5)]

    assert order == [
        *five("appcontext-pushed"),
        *five("request-started"),
        "before0",
        "before1",
        "before2",
        "after2",
        "after1",
        "after0",
        *five("request-finished"),
        "teardown2",
        "teardown1",
        "teardown0",
        *five("request-tearing-down"),
        "teardown_app2",
        "teardown_app1",
        "teardown_app0",
        *five("appcontext-tearing-down"),
        *five("appcontext-popped"),
    ]


# -- async error handlers and before_first_request ------------------------------------


@pytest.mark.parametrize(
    "is_async", [False, True], ids=["sync-handler", "async-handler"]
)
@pytest.mark.parametrize("runner", RUNNERS)
def test_errorhandler_404_for_unknown_url_and_raised_http404(runner, is_async):
    seen: list[str] = []
    if is_async:

        async def not_found(error):
            seen.append(type(error).__name__)
            return f"missing {request.path}", 404

    else:

        def not_found(error):
            seen.append(type(error).__name__)
            return f"missing {request.path}", 404

    current_app.errorhandler(404)(not_found)

    @current_app.before_request
    async def raise_404():
        if request.path == "/raised/":
            raise Http404("no")

    assert fetch(runner, "/nowhere/") == (404, b"missing /nowhere/")
    assert fetch(runner, "/raised/") == (404, b"missing /raised/")
    assert seen == ["Resolver404", "Http404"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_async_errorhandler_500_after_got_request_exception(runner, view, caplog):
    events: list[dict] = []

    @current_app.errorhandler(500)
    async def server_error(error):
        assert isinstance(error, InternalServerError)
        note("errorhandler", error.original_exception)
        return {"error": type(error.original_exception).__name__}, 500

    with (
        caplog.at_level(logging.CRITICAL, logger="django.request"),
        Recorder(events.append, "mixed"),
    ):
        status, body = fetch(runner, view_path(view, "/boom/"))
    assert (status, body) == (500, b'{"error": "ViewError"}')
    assert names(events) == named_expected("s03b_view_raises_with_500_handler")


@pytest.mark.parametrize("runner", RUNNERS)
def test_async_errorhandler_by_class_handles_without_signal(runner):
    from tests.server_project.views import ViewError

    events: list[dict] = []

    @current_app.errorhandler(ViewError)
    async def on_view_error(error):
        note("errorhandler", error)
        return "handled", 418

    with Recorder(events.append, "async"):
        status, body = fetch(runner, "/async/boom/")
    assert (status, body) == (418, b"handled")
    assert names(events) == named_expected("s13b_async_view_raises_async_errorhandler")


@pytest.mark.parametrize("runner", RUNNERS)
def test_async_before_first_request_runs_once_before_request_started(runner):
    events: list[dict] = []
    current_app.reset_first_request(False)

    @current_app.before_first_request
    async def setup():
        assert has_app_context()
        note("first")

    with Recorder(events.append, "async"):
        fetch(runner, "/async/")
        fetch(runner, "/async/")
    labels = [e["name"] for e in events]
    assert labels.count("first") == 1
    assert labels[:3] == ["appcontext_pushed", "first", "request_started"]


# -- contexts in async code ---------------------------------------------------------


async def test_app_context_as_async_with():
    events: list[dict] = []
    with Recorder(events.append, "mixed"):
        assert not has_app_context()
        async with current_app.app_context() as ctx:
            assert has_app_context()
            assert not has_request_context()
            g.marker = "outside"
            note("body")
            assert ctx.g.marker == "outside"
        assert not has_app_context()
    assert [(e["name"], e["arg"], e.get("marker")) for e in events] == [
        ("appcontext_pushed", None, None),
        ("body", None, "outside"),
        ("teardown_appcontext", None, "outside"),
        ("appcontext_tearing_down", None, "outside"),
        ("appcontext_popped", None, None),
    ]


async def test_app_context_async_with_passes_the_error_to_teardown():
    events: list[dict] = []
    with Recorder(events.append, "async"), pytest.raises(KeyError):
        async with current_app.app_context():
            raise KeyError("x")
    assert ("appcontext_tearing_down", "KeyError") in names(events)
    assert not has_app_context()


@pytest.mark.parametrize("runner", ["asgi-client", "asgi-handler"])
def test_g_and_request_in_async_view_receivers_and_hooks(runner):
    seen: list[tuple] = []

    @current_app.before_request
    async def set_marker():
        g.marker = request.GET["m"]

    async def on_finished(sender, response, **extra):
        seen.append(("finished", g.marker, request.GET["m"], response.status_code))

    @current_app.after_request
    async def after(response):
        seen.append(("after", g.marker, request.path))
        return response

    @current_app.teardown_request
    async def teardown(exc):
        seen.append(("teardown", g.marker, request.GET["m"], exc))

    request_finished.connect(on_finished)
    try:
        status, body = fetch(runner, "/async/marker/?m=abc")
    finally:
        request_finished.disconnect(on_finished)
    assert (status, body) == (200, b"abc|abc|abc")
    assert seen == [
        ("after", "abc", "/async/marker/"),
        ("finished", "abc", "abc", 200),
        ("teardown", "abc", "abc", None),
    ]


# -- sync hooks may use the ORM under ASGI ----------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_sync_hooks_use_the_orm_under_asgi():
    from asgiref.sync import sync_to_async

    await sync_to_async(User.objects.create)(username="ada")
    counts: list[tuple[str, int, bool]] = []

    @current_app.before_request
    def count_users():
        counts.append(("before", User.objects.count(), has_request_context()))

    @current_app.teardown_request
    def count_again(exc):
        counts.append(
            (
                "teardown",
                User.objects.filter(username="ada").count(),
                has_request_context(),
            )
        )

    def on_started(sender, **extra):
        counts.append(("started", User.objects.count(), has_request_context()))

    request_started.connect(on_started)
    try:
        assert (await async_client_get("/async/"))[0] == 200
        exchange = await asgi_request("/async/")
    finally:
        request_started.disconnect(on_started)
    assert exchange.status == 200
    assert (
        counts == [("started", 1, True), ("before", 1, True), ("teardown", 1, True)] * 2
    )


def test_snapshot_outside_contexts():
    event = snapshot("x", ValueError())
    assert event["arg"] == "ValueError"
    assert "path" not in event and "marker" not in event


# -- errors of coroutine receivers ----------------------------------------------------


class ReceiverError(Exception):
    pass


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_failing_async_teardown_receiver_does_not_stop_the_others(runner, view, caplog):
    order: list[str] = []

    async def first(sender, exc, **extra):
        order.append("first")
        raise ReceiverError("teardown")

    def second(sender, exc, **extra):
        order.append("second")

    async def third(sender, exc, **extra):
        order.append("third")

    for fn in (first, second, third):
        request_tearing_down.connect(fn)
    try:
        with caplog.at_level(logging.ERROR, logger="flasksignals_django"):
            assert fetch(runner, view_path(view, "/")) == (200, b"ok")
    finally:
        for fn in (first, second, third):
            request_tearing_down.disconnect(fn)
    assert order == ["first", "second", "third"]
    logged = [r for r in caplog.records if r.name == "flasksignals_django"]
    assert [type(r.exc_info[1]) for r in logged] == [ReceiverError]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runner", RUNNERS)
def test_failing_async_request_started_receiver_is_a_request_error(
    runner, view, caplog
):
    events: list[dict] = []

    async def fail(sender, **extra):
        raise ReceiverError("started")

    with (
        caplog.at_level(logging.CRITICAL, logger="django.request"),
        Recorder(events.append, "mixed"),
    ):
        request_started.connect(fail)
        try:
            status, _ = fetch(runner, view_path(view, "/"))
        finally:
            request_started.disconnect(fail)
    assert status == 500
    assert names(events) == [
        ("appcontext_pushed", None),
        ("request_started", None),
        ("got_request_exception", "ReceiverError"),
        ("after_request", 500),
        ("request_finished", 500),
        ("teardown_request", "ReceiverError"),
        ("request_tearing_down", "ReceiverError"),
        ("teardown_appcontext", "ReceiverError"),
        ("appcontext_tearing_down", "ReceiverError"),
        ("appcontext_popped", None),
    ]


@pytest.mark.parametrize("runner", RUNNERS)
def test_coroutine_receiver_error_from_sync_code_on_the_loop(runner, caplog):
    """A render in an async view runs coroutine receivers on a helper thread; errors come back."""
    from flasksignals_django.signals import before_render_template

    async def fail(sender, **extra):
        raise ReceiverError("render")

    events: list[dict] = []
    with (
        caplog.at_level(logging.CRITICAL, logger="django.request"),
        Recorder(events.append, "sync"),
    ):
        before_render_template.connect(fail)
        try:
            status, _ = fetch(runner, "/async/signals/")
        finally:
            before_render_template.disconnect(fail)
    assert status == 500
    assert ("got_request_exception", "ReceiverError") in names(events)
    assert names(events)[-5:-1] == [
        ("teardown_request", "ReceiverError"),
        ("request_tearing_down", "ReceiverError"),
        ("teardown_appcontext", "ReceiverError"),
        ("appcontext_tearing_down", "ReceiverError"),
    ]
