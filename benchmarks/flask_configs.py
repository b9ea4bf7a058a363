"""Flask 3.1's own figures, in the same run: its WSGI app called directly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import flask
from flask import signals as flask_signals

from .django_configs import (
    RECEIVER_COUNTS,
    connected,
    make_noops,
    recorded,
    wsgi_caller,
)
from .harness import Config, expect
from .urls import BODY

FLASK_SIGNALS = (
    flask_signals.appcontext_pushed,
    flask_signals.request_started,
    flask_signals.before_render_template,
    flask_signals.template_rendered,
    flask_signals.message_flashed,
    flask_signals.got_request_exception,
    flask_signals.request_finished,
    flask_signals.request_tearing_down,
    flask_signals.appcontext_tearing_down,
    flask_signals.appcontext_popped,
)
REQUEST_EVENTS = [
    "appcontext-pushed",
    "request-started",
    "request-finished",
    "request-tearing-down",
    "appcontext-tearing-down",
    "appcontext-popped",
]


def make_app() -> flask.Flask:
    app = flask.Flask("benchmarks")

    @app.get("/")
    def index() -> bytes:
        return BODY

    return app


def _ok(result: object) -> None:
    status, body = cast("tuple[str, bytes]", result)
    expect(status == "200 OK", f"flask status {status!r}")
    expect(body == BODY, f"flask body {body!r}")


@contextmanager
def flask_hooks(app: flask.Flask, calls: list[str] | None = None) -> Iterator[None]:
    def before() -> None:
        if calls is not None:
            calls.append("before")

    def after(response: Any) -> Any:
        if calls is not None:
            calls.append("after")
        return response

    def teardown(exc: BaseException | None) -> None:
        if calls is not None:
            calls.append("teardown")

    # The decorators refuse once the app served a request; the registries do not.
    app.before_request_funcs.setdefault(None, []).append(before)
    app.after_request_funcs.setdefault(None, []).append(after)
    app.teardown_request_funcs.setdefault(None, []).append(teardown)
    try:
        yield
    finally:
        app.before_request_funcs[None].remove(before)
        app.after_request_funcs[None].remove(after)
        app.teardown_request_funcs[None].remove(teardown)


def flask_configs() -> list[Config]:
    app = make_app()
    call = wsgi_caller(app.wsgi_app)
    configs = [
        _config(app, call, f"flask r{count}", count) for count in RECEIVER_COUNTS
    ]
    configs.append(_config(app, call, "flask hooks", 0, hooks=True))
    return configs


def _config(
    app: flask.Flask, call: Any, name: str, receivers: int, hooks: bool = False
) -> Config:
    noops = make_noops(receivers)

    @contextmanager
    def state() -> Iterator[None]:
        with connected(FLASK_SIGNALS, noops):
            if hooks:
                with flask_hooks(app):
                    yield
            else:
                yield

    def check() -> None:
        calls: list[str] = []
        with (
            connected(FLASK_SIGNALS, make_noops(receivers)),
            recorded(FLASK_SIGNALS) as events,
        ):
            if hooks:
                with flask_hooks(app, calls):
                    _ok(call())
            else:
                _ok(call())
        expect(events == REQUEST_EVENTS, f"{name}: events {events}")
        if hooks:
            expect(calls == ["before", "after", "teardown"], f"{name}: hooks {calls}")

    return Config(
        name=name, group="flask", call=call, check=check, state=state, verify=_ok
    )
