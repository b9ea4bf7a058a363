"""What the stress runs add to the server project (``FLASKSIGNALS_STRESS=1``).

A function on every hook kind besides the recorder's (before_first_request,
before_request, after_this_request, after_request, errorhandler,
teardown_request, teardown_appcontext), and a faulty receiver on each of the
ten signals. Each raises :class:`FaultError` when the request's ``?fault=``
names it, so one server answers healthy and faulty requests side by side.
``?short=1`` makes a before_request function answer instead of the view.

The server's entry points, wrapped by :func:`tagged_wsgi` and
:func:`tagged_asgi`, read the fault and the request's tag (``?m=``) into
context variables before Django sees the request, in the context that Django
later closes the response in (the server's thread or the request's task): the
steps that see no request (``appcontext_pushed``, ``appcontext_popped``) see
them too, and every recorded event carries the tag as ``tag``.
"""

from __future__ import annotations

import contextvars
import signal
import threading
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from django.http import HttpResponse

from flasksignals_django import after_this_request, current_app, request
from flasksignals_django.signals import SIGNALS

from .events import EXTRA, note

HOOK_FAULTS = (
    "before_request",
    "after_this_request",
    "after_request",
    "errorhandler",
    "teardown_request",
    "teardown_appcontext",
)
"""The hook kinds a request can make fail (before_first_request runs once per process)."""
SIGNAL_FAULTS = tuple(signal.name.replace("-", "_") for signal in SIGNALS)
FAULT: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stress_fault", default=None
)
TAG: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stress_tag", default=None
)


class FaultError(Exception):
    """Raised on purpose by a stress receiver or hook."""


class HandledError(Exception):
    """Raised by the ``handled/`` views; an errorhandler answers it."""


def fault(name: str) -> None:
    if FAULT.get() == name:
        raise FaultError(name)


def _read(query: str) -> None:
    values = parse_qs(query)
    FAULT.set(values.get("fault", [None])[0])
    TAG.set(values.get("m", [None])[0])


def tagged_wsgi(app: Callable[..., Any]) -> Callable[..., Any]:
    def application(environ: dict[str, Any], start_response: Any) -> Any:
        _read(environ.get("QUERY_STRING", ""))
        return app(environ, start_response)

    return application


def tagged_asgi(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            _read(scope.get("query_string", b"").decode("latin-1"))
        await app(scope, receive, send)

    return application


def _faulty_receiver(name: str) -> Any:
    def receiver(sender: Any, **kwargs: Any) -> None:
        fault(name)

    receiver.__name__ = f"faulty_{name}"
    return receiver


def record_sigterm() -> None:
    """Note ``sigterm`` when this worker is told to stop, then do what the server does."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not callable(
        previous
    ):
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        note("sigterm")
        previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)


def install() -> None:
    record_sigterm()
    EXTRA.append(lambda: {"tag": TAG.get()})
    for sig, name in zip(SIGNALS, SIGNAL_FAULTS, strict=True):
        sig.connect(_faulty_receiver(name), weak=False)

    @current_app.before_first_request
    def first() -> None:
        note("before_first_request")

    @current_app.before_request
    def before() -> Any:
        fault("before_request")

        @after_this_request
        def once(response: Any) -> Any:
            note("after_this_request", response.status_code)
            fault("after_this_request")
            return response

        if request.GET.get("short"):
            return HttpResponse(f"short:{request.GET.get('m')}")
        return None

    @current_app.after_request
    def after(response: Any) -> Any:
        fault("after_request")
        return response

    @current_app.errorhandler(HandledError)
    def handled(error: HandledError) -> Any:
        note("errorhandler", error)
        fault("errorhandler")
        return f"handled:{request.GET.get('m')}"

    @current_app.teardown_request
    def teardown_request(exc: BaseException | None) -> None:
        fault("teardown_request")

    @current_app.teardown_appcontext
    def teardown_appcontext(exc: BaseException | None) -> None:
        fault("teardown_appcontext")
