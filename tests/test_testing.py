from __future__ import annotations

import pytest
from django.template import engines

from flasksignals_django import App, current_app
from flasksignals_django.signals import (
    SIGNALS,
    appcontext_popped,
    request_finished,
    request_started,
    template_rendered,
)
from flasksignals_django.testing import (
    captured_signals,
    captured_templates,
    isolated_hooks,
)


def hook(*args):
    pass


def test_captured_signals_records_a_request(client):
    with captured_signals() as records:
        response = client.get("/")
    assert [signal.name for signal, _, _ in records] == [
        "appcontext-pushed",
        "request-started",
        "request-finished",
        "request-tearing-down",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]
    assert {sender for _, sender, _ in records} == {current_app}
    kwargs = {signal.name: kw for signal, _, kw in records}
    assert kwargs["request-finished"]["response"].status_code == 200
    assert kwargs["request-tearing-down"] == {"exc": None}
    assert kwargs["request-started"] == {}
    assert response.status_code == 200
    assert not any(signal.receivers for signal in SIGNALS)


def test_captured_signals_only_the_given_signals(client):
    with captured_signals(request_started, appcontext_popped) as records:
        client.get("/")
        request_started.send(current_app)
    assert [signal for signal, _, _ in records] == [
        request_started,
        appcontext_popped,
        request_started,
    ]
    assert not request_started.receivers
    assert not appcontext_popped.receivers


def test_captured_signals_records_other_senders():
    sender = object()
    with captured_signals(request_finished) as records:
        request_finished.send(sender, response="r")
    assert records == [(request_finished, sender, {"response": "r"})]


def test_captured_signals_disconnects_on_error():
    with pytest.raises(ZeroDivisionError), captured_signals() as records:
        request_started.send(current_app)
        1 / 0  # noqa: B018
    assert len(records) == 1
    assert not any(signal.receivers for signal in SIGNALS)


def test_captured_signals_nested():
    with captured_signals(request_started) as outer:
        with captured_signals(request_started) as inner:
            request_started.send(current_app)
        request_started.send(current_app)
    assert len(inner) == 1
    assert len(outer) == 2
    assert not request_started.receivers


def test_captured_templates():
    template = engines["django"].from_string("Hello {{ name }}")
    with captured_templates() as records:
        assert template.render({"name": "World"}) == "Hello World"
    [(rendered, context)] = records
    assert type(context) is dict
    assert context["name"] == "World"
    assert rendered is template.template
    assert not template_rendered.receivers


def test_captured_templates_ignores_other_senders():
    with captured_templates() as records:
        template_rendered.send(object(), template=None, context={})
    assert records == []
    assert not template_rendered.receivers


def test_captured_templates_disconnects_on_error():
    with pytest.raises(ZeroDivisionError), captured_templates():
        1 / 0  # noqa: B018
    assert not template_rendered.receivers


REGISTRIES = [
    "before_first_request_funcs",
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "teardown_appcontext_funcs",
]


def test_isolated_hooks_restores_registries():
    current_app.before_request(hook)
    current_app.errorhandler(404)(hook)
    before = {name: list(getattr(current_app, name)) for name in REGISTRIES}
    lists = {name: getattr(current_app, name) for name in REGISTRIES}
    got_first_request = current_app.got_first_request
    with isolated_hooks() as app:
        assert app is current_app
        for name in REGISTRIES:
            getattr(app, name).append(hook)
        app.errorhandler(ValueError)(hook)
        del app.error_handlers[404]
        app.reset_first_request(not got_first_request)
    assert {name: getattr(current_app, name) for name in REGISTRIES} == before
    assert current_app.error_handlers == {404: hook}
    assert current_app.got_first_request is got_first_request
    # The same list objects, so references held elsewhere stay valid.
    assert all(getattr(current_app, name) is lists[name] for name in REGISTRIES)


def test_isolated_hooks_restores_on_error():
    with pytest.raises(ZeroDivisionError), isolated_hooks() as app:
        app.before_request(hook)
        app.errorhandler(500)(hook)
        1 / 0  # noqa: B018
    assert current_app.before_request_funcs == []
    assert current_app.error_handlers == {}


def test_isolated_hooks_other_app():
    app = App("other")
    with isolated_hooks(app) as yielded:
        assert yielded is app
        app.teardown_request(hook)
        current_app.teardown_request(hook)
    assert app.teardown_request_funcs == []
    assert current_app.teardown_request_funcs == [hook]
