from __future__ import annotations

import blinker
import pytest
from django.contrib.messages import INFO
from django.template import engines

import flasksignals_django
from flasksignals_django import current_app, signals
from flasksignals_django.messages.storage import CookieStorage
from flasksignals_django.signals import (
    SIGNALS,
    OrderedNamespace,
    OrderedSignal,
    namespace,
    request_started,
)

FLASK_NAMES = {
    "appcontext_pushed": "appcontext-pushed",
    "appcontext_popped": "appcontext-popped",
    "appcontext_tearing_down": "appcontext-tearing-down",
    "request_started": "request-started",
    "request_finished": "request-finished",
    "request_tearing_down": "request-tearing-down",
    "got_request_exception": "got-request-exception",
    "before_render_template": "before-render-template",
    "template_rendered": "template-rendered",
    "message_flashed": "message-flashed",
}


@pytest.mark.parametrize(("attr", "name"), FLASK_NAMES.items())
def test_signal_has_flasks_name(attr, name):
    signal = getattr(signals, attr)
    assert signal.name == name
    assert namespace[name] is signal
    assert getattr(flasksignals_django, attr) is signal
    assert isinstance(signal, OrderedSignal)
    assert signal.__doc__


def test_signals_lists_all_ten_once():
    assert len(SIGNALS) == 10
    assert {s.name for s in SIGNALS} == set(FLASK_NAMES.values())
    assert set(namespace) == set(FLASK_NAMES.values())


def test_namespace_is_ours():
    assert isinstance(namespace, OrderedNamespace)
    assert isinstance(namespace, blinker.Namespace)
    assert namespace is flasksignals_django.namespace
    assert namespace.signal("request-started") is request_started
    assert blinker.signal("request-started") is not request_started


def test_namespace_creates_ordered_signals():
    try:
        signal = namespace.signal("extra-signal", "A signal made for a test.")
        assert isinstance(signal, OrderedSignal)
        assert signal.__doc__ == "A signal made for a test."
        assert namespace.signal("extra-signal") is signal
    finally:
        del namespace["extra-signal"]


def send(signal):
    signal.send(current_app)


def receivers(signal):
    return signal.ordered_receivers(current_app)


def make_receivers(count, calls):
    def make(i):
        def receiver(sender, **extra):
            calls.append(i)

        return receiver

    return [make(i) for i in range(count)]


def test_receivers_called_in_connection_order():
    calls = []
    funcs = make_receivers(40, calls)
    other_sender = object()
    for i, f in enumerate(funcs):
        if i % 3 == 0:
            request_started.connect(f, sender=current_app, weak=False)
        elif i % 7 == 0:
            request_started.connect(f, sender=other_sender, weak=False)
        else:
            request_started.connect(f, weak=False)
    try:
        expected = [i for i in range(40) if i % 3 == 0 or i % 7 != 0]
        send(request_started)
        assert calls == expected
        calls.clear()
        request_started.send(current_app)  # blinker's own send, same order
        assert calls == expected
        calls.clear()
        request_started.send(other_sender)
        assert calls == [i for i in range(40) if i % 3 != 0]
    finally:
        for f in funcs:
            request_started.disconnect(f)


def test_receiver_connected_for_sender_and_any_is_called_once():
    calls = []
    [f] = make_receivers(1, calls)
    request_started.connect(f, weak=False)
    request_started.connect(f, sender=current_app, weak=False)
    try:
        send(request_started)
    finally:
        request_started.disconnect(f)
    assert calls == [0]


def test_muted_signal_calls_nothing():
    calls = []
    [f] = make_receivers(1, calls)
    with request_started.connected_to(f):
        with request_started.muted():
            send(request_started)
            request_started.send(current_app)
        assert calls == []
        send(request_started)
    assert calls == [0]


def test_no_receivers():
    assert receivers(request_started) == []
    assert list(request_started.receivers_for(current_app)) == []
    send(request_started)


# Receivers with Flask's documented signatures, without ``**extra``.
def flask_signature_receivers(calls):
    def appcontext_pushed(sender):
        calls.append(("appcontext-pushed", sender))

    def request_started(sender):
        calls.append(("request-started", sender))

    def before_render_template(sender, template, context):
        calls.append(("before-render-template", sender))

    def template_rendered(sender, template, context):
        calls.append(("template-rendered", sender))

    def message_flashed(sender, message, category):
        calls.append(("message-flashed", sender))

    def got_request_exception(sender, exception):
        calls.append(("got-request-exception", sender))

    def request_finished(sender, response):
        calls.append(("request-finished", sender))

    def request_tearing_down(sender, exc):
        calls.append(("request-tearing-down", sender))

    def appcontext_tearing_down(sender, exc):
        calls.append(("appcontext-tearing-down", sender))

    def appcontext_popped(sender):
        calls.append(("appcontext-popped", sender))

    return {name: f for name, f in locals().items() if name != "calls"}


def test_receivers_with_flasks_exact_signature(client):
    calls = []
    connected = flask_signature_receivers(calls)
    assert set(connected) == set(FLASK_NAMES)
    for attr, f in connected.items():
        getattr(signals, attr).connect(f, weak=False)
    try:
        client.raise_request_exception = False
        assert client.get("/").status_code == 200
        assert client.get("/boom/").status_code == 500
        engines["django"].from_string("{{ x }}").render({"x": 1})
        CookieStorage(None).add(INFO, "hello")
    finally:
        for attr, f in connected.items():
            getattr(signals, attr).disconnect(f)
    assert {sender for _, sender in calls} == {current_app}
    assert {name for name, _ in calls} == set(FLASK_NAMES.values())


def test_hooks_that_are_unhashable_callables_still_run(client):
    class Hook:
        __hash__ = None  # an object with __eq__ and no hash, as dataclasses make

        def __init__(self):
            self.calls = 0

        def __eq__(self, other):
            return self is other

        def __call__(self):
            self.calls += 1

    hook = Hook()
    current_app.before_request(hook)
    assert client.get("/").status_code == 200
    assert hook.calls == 1
