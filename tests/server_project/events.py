"""Record every signal and hook of a request as plain dicts, sync, async or mixed.

``Recorder(sink, mode)`` connects one receiver to each of the ten signals and
registers recording before_request, after_request, teardown_request and
teardown_appcontext functions. ``mode`` picks plain functions (``"sync"``),
``async def`` ones (``"async"``) or both in turn (``"mixed"``). Each event is a
dict: ``name``, ``arg`` (a status code, an exception class name or ``None``),
``path`` and ``m`` (the request's path and ``?m=`` query when a request
context is active), ``marker`` (``g.marker`` when an app context is active),
``thread`` and ``loop`` (whether an event loop runs on the recording thread).

The server project installs one with a :class:`FileSink` (JSON lines) when
``FLASKSIGNALS_EVENTS_FILE`` is set; the in-process tests use a list.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseBase

from flasksignals_django import (
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from flasksignals_django.signals import SIGNALS
from tests.flask_expected import started, teardown_with

__all__ = [
    "STARTED",
    "FileSink",
    "Recorder",
    "names",
    "note",
    "snapshot",
    "teardown_with",
]

Sink = Callable[[dict[str, Any]], None]
ACTIVE: list[Recorder] = []
EXTRA: list[Callable[[], dict[str, Any]]] = []
"""Callables whose items every event gets too (the stress runs add the request's tag)."""


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _arg(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, HttpResponseBase):
        return value.status_code
    if isinstance(value, BaseException):
        return type(value).__name__
    return value


def snapshot(name: str, arg: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"name": name, "arg": _arg(arg)}
    if has_request_context():
        event["path"] = request.path
        event["m"] = request.GET.get("m")
    if has_app_context():
        event["marker"] = g.get("marker")
    event["thread"] = threading.get_ident()
    event["loop"] = _on_loop()
    for extra in EXTRA:
        event.update(extra())
    return event


def note(name: str, arg: Any = None) -> None:
    """Record ``name`` in every active recorder (views call this)."""
    for recorder in ACTIVE:
        recorder.sink(snapshot(name, arg))


class FileSink:
    """Append events as JSON lines; safe across threads and processes (one write each)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, event: dict[str, Any]) -> None:
        event = {**event, "pid": os.getpid()}
        line = (json.dumps(event) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


_SIGNAL_ARG = {
    "request-finished": "response",
    "got-request-exception": "exception",
    "request-tearing-down": "exc",
    "appcontext-tearing-down": "exc",
    "message-flashed": "message",
}


class Recorder:
    def __init__(self, sink: Sink, mode: str = "sync") -> None:
        if mode not in ("sync", "async", "mixed"):
            raise ValueError(mode)
        self.sink = sink
        self.mode = mode
        self._connected: list[tuple[Any, Callable[..., Any]]] = []
        self._hooks: list[tuple[list[Any], Callable[..., Any]]] = []
        self._count = 0

    def _async_next(self) -> bool:
        self._count += 1
        return self.mode == "async" or (self.mode == "mixed" and self._count % 2 == 0)

    def _record(self, name: str, arg: Any = None) -> None:
        self.sink(snapshot(name, arg))

    def _receiver(self, signal: Any) -> Callable[..., Any]:
        name = signal.name.replace("-", "_")
        key = _SIGNAL_ARG.get(signal.name)

        if self._async_next():

            async def areceiver(sender: Any, **kwargs: Any) -> None:
                assert sender is current_app
                self._record(name, kwargs.get(key) if key else None)

            return areceiver

        def receiver(sender: Any, **kwargs: Any) -> None:
            assert sender is current_app
            self._record(name, kwargs.get(key) if key else None)

        return receiver

    def _hook(self, name: str) -> Callable[..., Any]:
        record = self._record
        if self._async_next():
            if name == "before_request":

                async def abefore() -> None:
                    record(name)

                return abefore
            if name == "after_request":

                async def aafter(response: Any) -> Any:
                    record(name, response)
                    return response

                return aafter

            async def ateardown(exc: BaseException | None) -> None:
                record(name, exc)

            return ateardown
        if name == "before_request":

            def before() -> None:
                record(name)

            return before
        if name == "after_request":

            def after(response: Any) -> Any:
                record(name, response)
                return response

            return after

        def teardown(exc: BaseException | None) -> None:
            record(name, exc)

        return teardown

    def install(self) -> Recorder:
        for signal in SIGNALS:
            fn = self._receiver(signal)
            signal.connect(fn, weak=False)
            self._connected.append((signal, fn))
        for name in (
            "before_request",
            "after_request",
            "teardown_request",
            "teardown_appcontext",
        ):
            fn = self._hook(name)
            registry = getattr(current_app, f"{name}_funcs")
            registry.append(fn)
            self._hooks.append((registry, fn))
        ACTIVE.append(self)
        return self

    def uninstall(self) -> None:
        for signal, fn in self._connected:
            signal.disconnect(fn)
        for registry, fn in self._hooks:
            if fn in registry:
                registry.remove(fn)
        self._connected.clear()
        self._hooks.clear()
        if self in ACTIVE:
            ACTIVE.remove(self)

    def __enter__(self) -> Recorder:
        return self.install()

    def __exit__(self, *exc_info: object) -> None:
        self.uninstall()


# -- the expected shapes, shared by the in-process and the real-server tests ----------


def names(events: list[dict[str, Any]]) -> list[tuple[str, object]]:
    """``(name, summarised argument)`` of each recorded event."""
    return [(e["name"], e["arg"]) for e in events]


STARTED: list[tuple[str, object]] = started()
"""A request's events up to request_finished, for a 200 response (from Flask's trace)."""
