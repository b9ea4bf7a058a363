"""Set a parity scenario up for the one request that names it, on any transport.

The :class:`ScenarioTap` listens to Django's own ``request_started`` and
``request_finished`` (sent by ``WSGIHandler``, ``ASGIHandler`` and both test
clients before the middleware runs and after the response is closed). A
request whose ``X-Parity`` header names a scenario (``"<sid>#<n>"``) gets
that scenario's hooks, receivers and settings and a
:class:`tests.recorder.Recorder` for its lifetime; when Django closes the
response (after the port's teardown) everything is undone and the events go
to the tap's sink. The in-process tests and the real servers
(``tests/server_project``, ``FLASKSIGNALS_PARITY_FILE``) use it alike, so a
scenario is set up by the same code on every transport. Requests must come
one at a time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any

from django.core import signals as django_signals
from django.test import override_settings

from flasksignals_django import current_app
from flasksignals_django.error_handlers import handler_key

from .recorder import Event, Recorder

HEADER = "X-Parity"
LOGGERS = ("django.request", "flasksignals_django")
Sink = Callable[[str, list[Event]], None]


class Setup:
    """Registers a scenario's hooks, receivers and settings, and undoes them."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def hook(self, decorator: str, fn: Any) -> Any:
        getattr(current_app, decorator)(fn)
        registry = getattr(current_app, f"{decorator}_funcs")
        self._undo.append(lambda: registry.remove(fn) if fn in registry else None)
        return fn

    def errorhandler(self, key: Any, fn: Any) -> Any:
        handlers = current_app.error_handlers
        normalised = handler_key(key)
        had, before = normalised in handlers, handlers.get(normalised)
        current_app.register_error_handler(key, fn)

        def undo() -> None:
            if had:
                handlers[normalised] = before  # type: ignore[assignment]
            else:
                handlers.pop(normalised, None)

        self._undo.append(undo)
        return fn

    def connect(self, signal: Any, fn: Any, **kwargs: Any) -> Any:
        signal.connect(fn, weak=False, **kwargs)
        self._undo.append(lambda: signal.disconnect(fn))
        return fn

    def settings(self, **values: Any) -> None:
        override = override_settings(**values)
        override.enable()
        self._undo.append(override.disable)

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


class ScenarioTap:
    """Scenario set-up and recording for tagged requests; see the module docstring."""

    def __init__(self, scenarios: dict[str, Any], sink: Sink) -> None:
        self.scenarios = scenarios
        self.sink = sink
        self._lock = threading.Lock()
        self._current: tuple[str, Setup, Recorder, Setup] | None = None

    def connect(self) -> ScenarioTap:
        django_signals.request_started.connect(self._started, weak=False)
        django_signals.request_finished.connect(self._finished, weak=False)
        return self

    def disconnect(self) -> None:
        django_signals.request_started.disconnect(self._started)
        django_signals.request_finished.disconnect(self._finished)
        self.finish()

    def _started(
        self, sender: Any, environ: Any = None, scope: Any = None, **kw: Any
    ) -> None:
        tag = _tag(environ, scope)
        if tag is None:
            return
        scenario = self.scenarios[tag.partition("#")[0]]
        first, then = Setup(), Setup()
        if scenario.setup_first is not None:
            scenario.setup_first(first)
        recorder = Recorder(hooks=scenario.hooks, loggers=LOGGERS).__enter__()
        if scenario.setup is not None:
            scenario.setup(then)
        with self._lock:
            assert self._current is None, "parity requests must come one at a time"
            self._current = (tag, first, recorder, then)

    def _finished(self, sender: Any, **kwargs: Any) -> None:
        self.finish()

    def finish(self) -> None:
        """Undo the current scenario and hand its events over (also when no response came)."""
        with self._lock:
            current, self._current = self._current, None
        if current is None:
            return
        tag, first, recorder, then = current
        then.undo()
        recorder.__exit__(None, None, None)
        first.undo()
        self.sink(tag, list(recorder.events))


def _tag(environ: Any, scope: Any) -> str | None:
    if environ is not None:
        value = environ.get("HTTP_X_PARITY")
        return str(value) if value else None
    if scope is not None:
        for name, value in scope.get("headers", ()):
            if name == b"x-parity":
                return bytes(value).decode()
    return None


def file_sink(path: str) -> Sink:
    """A sink for the servers: one JSON line per request, ``{"tag", "events"}``."""

    def sink(tag: str, events: list[Event]) -> None:
        record = {
            "tag": tag,
            "pid": os.getpid(),
            "events": [
                {"kind": e.kind, "name": e.name, "args": e.args, "ctx": e.ctx}
                for e in events
            ],
        }
        line = (json.dumps(record, default=str) + "\n").encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    return sink
