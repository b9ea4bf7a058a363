"""App contexts outside requests, g, the request proxy and the context helpers."""

from __future__ import annotations

import threading

import pytest

from flasksignals_django import (
    after_this_request,
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    request_started,
    stream_with_context,
)
from flasksignals_django.ctx import AppContext

from .recorder import Recorder, note

APP_TEARDOWN = [
    "hook:teardown_appcontext",
    "signal:appcontext_tearing_down",
    "signal:appcontext_popped",
]


class Boom(Exception):
    pass


def test_app_context_outside_requests():
    with Recorder() as rec, current_app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        note("user", "inside")
        g.value = 1
        assert g.value == 1
    assert [(e.label, e.ctx) for e in rec.events] == [
        ("signal:appcontext_pushed", "A-"),
        ("user:inside", "A-"),
        ("hook:teardown_appcontext", "A-"),
        ("signal:appcontext_tearing_down", "A-"),
        ("signal:appcontext_popped", "--"),
    ]
    assert rec.one("signal:appcontext_tearing_down").args == {"exc": None}
    assert not has_app_context()


async def test_app_context_async_with():
    with Recorder() as rec:
        async with current_app.app_context():
            assert has_app_context()
            note("user", "inside")
    assert rec.labels == ["signal:appcontext_pushed", "user:inside", *APP_TEARDOWN]
    assert not has_app_context()


def test_nested_distinct_app_contexts_each_tear_down():
    with Recorder() as rec, current_app.app_context():
        g.outer = True
        note("user", "outer")
        with current_app.app_context():
            assert "outer" not in g
            note("user", "inner")
        note("user", "outer_again")
        assert g.outer is True
    assert [(e.label, e.ctx) for e in rec.events] == [
        ("signal:appcontext_pushed", "A-"),
        ("user:outer", "A-"),
        ("signal:appcontext_pushed", "A-"),
        ("user:inner", "A-"),
        ("hook:teardown_appcontext", "A-"),
        ("signal:appcontext_tearing_down", "A-"),
        ("signal:appcontext_popped", "A-"),
        ("user:outer_again", "A-"),
        ("hook:teardown_appcontext", "A-"),
        ("signal:appcontext_tearing_down", "A-"),
        ("signal:appcontext_popped", "--"),
    ]


def test_same_context_pushed_twice_tears_down_once():
    ctx = current_app.app_context()
    with Recorder() as rec:
        ctx.push()
        note("user", "pushed_once")
        ctx.push()
        note("user", "pushed_twice")
        ctx.pop()
        note("user", "popped_once")
        ctx.pop()
        note("user", "popped_twice")
    assert [(e.label, e.ctx) for e in rec.events] == [
        ("signal:appcontext_pushed", "A-"),
        ("user:pushed_once", "A-"),
        ("signal:appcontext_pushed", "A-"),
        ("user:pushed_twice", "A-"),
        ("signal:appcontext_popped", "A-"),
        ("user:popped_once", "A-"),
        ("hook:teardown_appcontext", "A-"),
        ("signal:appcontext_tearing_down", "A-"),
        ("signal:appcontext_popped", "--"),
        ("user:popped_twice", "--"),
    ]
    with pytest.raises(RuntimeError, match="popped more often"):
        ctx.pop()


def test_exception_in_with_block_reaches_teardown():
    with Recorder() as rec, pytest.raises(Boom), current_app.app_context():
        raise Boom("inside")
    assert rec.one("hook:teardown_appcontext").args == {"exc": "Boom"}
    assert rec.one("signal:appcontext_tearing_down").args == {"exc": "Boom"}
    assert not has_app_context()


def test_teardown_errors_are_reraised_after_every_step():
    @current_app.teardown_appcontext
    def first_registered(exc):
        note("hook", "ta1")
        raise Boom("ta1")

    @current_app.teardown_appcontext
    def second_registered(exc):
        note("hook", "ta2")
        raise Boom("ta2")

    def raising_receiver(sender, **extra):
        raise Boom("receiver")

    with Recorder(hooks=()) as rec:
        appcontext_tearing_down.connect(raising_receiver)
        appcontext_popped.connect(raising_receiver)
        try:
            with pytest.raises(Boom, match="ta2"), current_app.app_context():
                pass
        finally:
            appcontext_tearing_down.disconnect(raising_receiver)
            appcontext_popped.disconnect(raising_receiver)
    assert rec.labels == [
        "signal:appcontext_pushed",
        "hook:ta2",
        "hook:ta1",
        "signal:appcontext_tearing_down",
        "signal:appcontext_popped",
    ]
    assert not has_app_context()


def test_failing_pushed_receiver_leaves_no_context():
    def raiser(sender, **extra):
        raise Boom("pushed")

    appcontext_pushed.connect(raiser)
    try:
        with pytest.raises(Boom), current_app.app_context():
            pytest.fail("the block must not run")
    finally:
        appcontext_pushed.disconnect(raiser)
    assert not has_app_context()


def test_contexts_name_their_app_and_request(client):
    seen = {}

    @current_app.before_request
    def look():
        seen["g"] = repr(g)

    with current_app.app_context():
        assert repr(g) == f"<flasksignals_django.g of <AppContext of {current_app!r}>>"
    client.get("/core/")
    assert seen["g"] == (
        "<flasksignals_django.g of <RequestContext <WSGIRequest: GET '/core/'>>>"
    )


def test_app_context_inside_a_request_is_a_plain_app_context(client):
    with Recorder() as rec:
        assert client.get("/core/app-context-inside/").status_code == 200
    inside = rec.one("user:inside_app_context")
    assert inside.ctx == "A-"
    assert inside.args == {"req": False, "app": True, "sees_request_g": False}
    after = rec.one("user:after_app_context")
    assert after.ctx == "AR"
    assert after.args == {
        "req": True,
        "path": "/core/app-context-inside/",
        "marker": "request g",
    }
    assert rec.labels.count("signal:appcontext_pushed") == 2
    assert rec.labels.count("signal:appcontext_popped") == 2
    # The inner context tore down inside the view, the request's at its end.
    assert rec.labels.index("signal:appcontext_popped") < rec.labels.index(
        "hook:after_request"
    )


def test_request_pushes_its_own_app_context_inside_an_active_one(client):
    with Recorder() as rec, current_app.app_context():
        g.outer = 1
        assert client.get("/core/").status_code == 200
        assert g.outer == 1
        assert "from_view" not in g
        note("user", "back_in_outer")
    assert rec.labels.count("signal:appcontext_pushed") == 2
    assert rec.labels.count("hook:teardown_appcontext") == 2
    assert rec.labels.index("signal:appcontext_popped") < rec.labels.index(
        "user:back_in_outer"
    )
    assert rec.one("user:back_in_outer").ctx == "A-"


def test_g_namespace_api():
    with current_app.app_context():
        assert g.get("missing") is None
        assert g.get("missing", 5) == 5
        assert g.setdefault("a", 1) == 1
        assert g.setdefault("a", 2) == 1
        g.b = 2
        assert "a" in g and "b" in g and "c" not in g
        assert sorted(g) == ["a", "b"]
        assert g.pop("a") == 1
        assert g.pop("a", "gone") == "gone"
        with pytest.raises(KeyError):
            g.pop("a")
        del g.b
        assert list(g) == []
        with pytest.raises(AttributeError):
            g.nothing  # noqa: B018
        assert "g of" in repr(g)
        assert bool(g) is True
        assert "get" in dir(g)


def test_request_and_g_outside_contexts():
    assert not has_request_context()
    assert not has_app_context()
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.path  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.value  # noqa: B018
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.value = 1
    assert bool(request) is False
    assert "unbound" in repr(request)
    assert current_app.name
    with (
        current_app.app_context(),
        pytest.raises(RuntimeError, match="Working outside of request context"),
    ):
        request.method  # noqa: B018


def test_request_proxy_in_a_view(client, settings):
    seen = {}

    @current_app.before_request
    def look():
        seen["path"] = request.path
        seen["eq"] = request == request._get_current_object()
        seen["ne"] = request != object()
        seen["method_in_dir"] = "method" in dir(request)
        seen["repr"] = repr(request)
        request.flag = "set"
        seen["flag"] = request.flag
        del request.flag
        seen["deleted"] = not hasattr(request._get_current_object(), "flag")

    client.get("/core/")
    assert seen == {
        "path": "/core/",
        "eq": True,
        "ne": True,
        "method_in_dir": True,
        "repr": "<WSGIRequest: GET '/core/'>",
        "flag": "set",
        "deleted": True,
    }


def test_after_this_request_outside_a_request():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        after_this_request(lambda response: response)
    with (
        current_app.app_context(),
        pytest.raises(RuntimeError, match="after_this_request"),
    ):
        after_this_request(lambda response: response)


def test_after_this_request_without_hooks_middleware(client, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("HooksMiddleware")
    ]
    errors = []

    def on_started(sender, **extra):
        try:
            after_this_request(lambda response: response)
        except RuntimeError as error:
            errors.append(str(error))

    request_started.connect(on_started)
    try:
        response = client.get("/core/")
    finally:
        request_started.disconnect(on_started)
    assert response.status_code == 200
    assert len(errors) == 1 and "HooksMiddleware" in errors[0]


def test_copy_current_request_context_in_another_thread(client):
    response = client.get("/core/copied/")
    assert response.content == b"/core/copied/|copied|True"


async def test_copy_current_request_context_async_function(client):
    captured = {}

    @current_app.before_request
    def make_copy():
        @copy_current_request_context
        async def later():
            return request.path, g.get("marker"), has_request_context()

        g.marker = "async copy"
        captured["fn"] = later

    from asgiref.sync import sync_to_async

    await sync_to_async(client.get)("/core/")
    assert await captured["fn"]() == ("/core/", "async copy", True)
    assert not has_request_context()


def test_copy_current_request_context_outside_a_request():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        copy_current_request_context(lambda: None)


def test_stream_with_context_returns_its_argument():
    generator = iter([1, 2])
    assert stream_with_context(generator) is generator


def test_contexts_do_not_leak_between_threads():
    seen = []
    with current_app.app_context():
        g.here = True

        def other():
            seen.append(has_app_context())

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert seen == [False]


def test_current_app_config_name_debug_logger(settings):
    settings.FLASKSIGNALS_TEST_VALUE = "v"
    config = current_app.config
    assert config["FLASKSIGNALS_TEST_VALUE"] == "v"
    assert config.FLASKSIGNALS_TEST_VALUE == "v"
    assert config.get("NOT_A_SETTING_AT_ALL", 3) == 3
    with pytest.raises(KeyError):
        config["NOT_A_SETTING_AT_ALL"]
    with pytest.raises(TypeError, match="read-only"):
        config.DEBUG = True
    assert "DEBUG" in config and 1 not in config
    assert "FLASKSIGNALS_TEST_VALUE" in list(config)
    assert len(config) == len(list(config))
    assert "read-only" in repr(config)
    settings.DEBUG = True
    assert current_app.debug is True
    settings.FLASKSIGNALS_APP_NAME = "named"
    assert current_app.name == "named"
    assert current_app.logger.name == "named"
    assert repr(current_app) == "<App 'named'>"


def test_coroutine_receivers_and_async_hooks_on_the_sync_path(client):
    import asyncio

    seen = []

    async def on_started(sender, **extra):
        await asyncio.sleep(0)
        seen.append(("request_started", request.path))

    @current_app.before_request
    async def before():
        await asyncio.sleep(0)
        g.marker = "async before"

    @current_app.after_request
    async def after(response):
        response["X-Async"] = g.marker
        return response

    request_started.connect(on_started)
    try:
        response = client.get("/core/g/")
    finally:
        request_started.disconnect(on_started)
    assert response.content == b"marker=async before"
    assert response["X-Async"] == "async before"
    assert seen == [("request_started", "/core/g/")]


async def test_coroutine_receiver_sent_from_sync_code_on_the_loop_thread():
    import asyncio

    seen = []

    async def on_pushed(sender, **extra):
        await asyncio.sleep(0)
        seen.append(has_app_context())

    appcontext_pushed.connect(on_pushed)
    try:
        with current_app.app_context():  # sync push on the event loop's thread
            pass
    finally:
        appcontext_pushed.disconnect(on_pushed)
    assert seen == [True]
