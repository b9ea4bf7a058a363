"""Pushing and popping app and request contexts (flasksignals_django.ctx)."""

from __future__ import annotations

import pytest

from flasksignals_django import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    current_app,
    g,
    has_app_context,
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


async def test_async_app_context_with_nothing_listening_sends_nothing():
    async with current_app.app_context() as ctx:
        assert has_app_context()
        assert ctx.timeline is None
    assert not has_app_context()
