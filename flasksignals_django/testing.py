"""Helpers for the tests of projects that use flasksignals_django."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from blinker import NamedSignal

from ._blinker import reset
from .app import App, current_app
from .signals import SIGNALS, template_rendered

SignalRecord = tuple[NamedSignal, Any, dict[str, Any]]


@contextmanager
def captured_signals(*signals: NamedSignal) -> Iterator[list[SignalRecord]]:
    """Record every send of ``signals`` (all ten if none given) as ``(signal, sender, kwargs)``."""
    records: list[SignalRecord] = []
    connected = []
    for signal in signals or SIGNALS:

        def receiver(sender: Any, _signal: NamedSignal = signal, **kwargs: Any) -> None:
            records.append((_signal, sender, kwargs))

        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
    try:
        yield records
    finally:
        for signal, receiver in connected:
            signal.disconnect(receiver)


@contextmanager
def captured_templates() -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """Record ``(template, context)`` for every render, as in Flask's documented recipe."""
    records: list[tuple[Any, dict[str, Any]]] = []

    def receiver(
        sender: Any, template: Any, context: dict[str, Any], **extra: Any
    ) -> None:
        records.append((template, context))

    template_rendered.connect(receiver, sender=current_app, weak=False)
    try:
        yield records
    finally:
        # Without a sender: blinker's disconnect(receiver, sender) leaves the
        # receiver in ``signal.receivers``, so it would never be fully removed.
        template_rendered.disconnect(receiver)


_REGISTRIES = (
    "before_first_request_funcs",
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "teardown_appcontext_funcs",
    "template_context_processors",
)


@contextmanager
def isolated_hooks(app: App = current_app) -> Iterator[App]:
    """Restore what a test may register on ``app``, so nothing leaks into the next test.

    That is every hook registry, the error handlers, the context processors,
    ``app.extensions`` and the config's own values (Django's settings are
    restored by Django's test tools).
    """
    saved = {name: list(getattr(app, name)) for name in _REGISTRIES}
    handlers = dict(app.error_handlers)
    extensions = dict(app.extensions)
    own_config = dict(app.config._own)
    got_first_request = app.got_first_request
    try:
        yield app
    finally:
        for name, funcs in saved.items():
            getattr(app, name)[:] = funcs
        app.error_handlers.clear()
        app.error_handlers.update(handlers)
        app.extensions.clear()
        app.extensions.update(extensions)
        app.config._own.clear()
        app.config._own.update(own_config)
        app.reset_first_request(got_first_request)


def disconnect_all(*signals: NamedSignal) -> None:
    """Disconnect every receiver of ``signals`` (all ten if none given), whatever its sender."""
    for signal in signals or SIGNALS:
        reset(signal)
