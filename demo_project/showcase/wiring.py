"""Every signal and hook of flasksignals_django, each recording what it saw.

``ShowcaseConfig.ready()`` calls :func:`install`. Receivers take ``**extra``
as Flask recommends, and are connected with ``sender=current_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from flasksignals_django import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    current_app,
    g,
    got_request_exception,
    has_app_context,
    message_flashed,
    request,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)

from .events import log


class DemoError(Exception):
    """Raised by /error/custom/; its own errorhandler answers it."""


# appcontext_popped is sent once the app context (and its g) is gone, so
# appcontext_tearing_down hands the request id over through this variable.
_popping: ContextVar[int | None] = ContextVar("demo_popping", default=None)


def record(name: str, detail: str = "", kind: str = "hook") -> None:
    rid = g.get("demo_rid") if has_app_context() else _popping.get()
    if rid is not None:
        log.add(rid, name, kind, detail)


# -- the ten signals, in the order a request sends them ----------------------------


def on_appcontext_pushed(sender: Any, **extra: Any) -> None:
    # As in Flask, the request context is not pushed yet: g is, request is not.
    g.demo_rid = log.start()
    record("appcontext_pushed", kind="signal")


def on_request_started(sender: Any, **extra: Any) -> None:
    log.update(g.demo_rid, method=request.method, path=request.get_full_path())
    record("request_started", kind="signal")


def on_before_render_template(
    sender: Any, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    # A change to context shows in the output (the pages print render_note).
    context["render_note"] = (
        f"set by a before_render_template receiver for {template.name}"
    )
    record("before_render_template", template.name, kind="signal")


def on_template_rendered(
    sender: Any, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    record(
        "template_rendered",
        f"{template.name} ({len(context)} context keys)",
        kind="signal",
    )


def on_message_flashed(sender: Any, message: Any, category: str, **extra: Any) -> None:
    record("message_flashed", f"[{category}] {message}", kind="signal")


def on_got_request_exception(
    sender: Any, exception: BaseException, **extra: Any
) -> None:
    record("got_request_exception", repr(exception), kind="signal")


def on_request_finished(sender: Any, response: HttpResponse, **extra: Any) -> None:
    log.update(g.demo_rid, status=response.status_code)
    record("request_finished", f"status {response.status_code}", kind="signal")


def on_request_tearing_down(
    sender: Any, exc: BaseException | None, **extra: Any
) -> None:
    record("request_tearing_down", f"exc={exc!r}", kind="signal")


def on_appcontext_tearing_down(
    sender: Any, exc: BaseException | None, **extra: Any
) -> None:
    _popping.set(g.get("demo_rid"))
    record("appcontext_tearing_down", f"exc={exc!r}", kind="signal")


def on_appcontext_popped(sender: Any, **extra: Any) -> None:
    record("appcontext_popped", kind="signal")
    _popping.set(None)


RECEIVERS: list[tuple[Any, Callable[..., None]]] = [
    (appcontext_pushed, on_appcontext_pushed),
    (request_started, on_request_started),
    (before_render_template, on_before_render_template),
    (template_rendered, on_template_rendered),
    (message_flashed, on_message_flashed),
    (got_request_exception, on_got_request_exception),
    (request_finished, on_request_finished),
    (request_tearing_down, on_request_tearing_down),
    (appcontext_tearing_down, on_appcontext_tearing_down),
    (appcontext_popped, on_appcontext_popped),
]


# -- the hooks ----------------------------------------------------------------------


def first_request() -> None:
    record("before_first_request", "once per process")


def block_some_paths() -> Any:
    record("before_request", request.path)
    if request.path == "/blocked/":
        # Any value but None short-circuits: it becomes the response.
        return "blocked by before_request", 403
    return None


def add_header(response: HttpResponse) -> HttpResponse:
    response["X-Demo-Request-Id"] = str(g.demo_rid)
    record("after_request", "added X-Demo-Request-Id")
    return response


def teardown_request(exc: BaseException | None) -> None:
    record("teardown_request", f"exc={exc!r}")


def teardown_appcontext(exc: BaseException | None) -> None:
    record("teardown_appcontext", f"exc={exc!r}")


def _error_page(title: str, text: str, status: int) -> HttpResponse:
    return render(
        request._get_current_object(),
        "showcase/page.html",
        {"title": title, "text": text},
        status=status,
    )


def not_found(error: Exception) -> HttpResponse:
    record("errorhandler(404)", request.path)
    return _error_page("404: errorhandler(404)", f"Nothing at {request.path}.", 404)


def demo_error(error: DemoError) -> Any:
    record("errorhandler(DemoError)", repr(error))
    # Flask's (body, status) return value works too.
    return _error_page("errorhandler(DemoError)", f"Handled: {error}", 200), 409


def server_error(error: Any) -> HttpResponse:
    original = error.original_exception
    record("errorhandler(500)", repr(original))
    return _error_page("500: errorhandler(500)", f"The view raised {original!r}.", 500)


HOOKS: list[tuple[str, Callable[..., Any]]] = [
    ("before_first_request_funcs", first_request),
    ("before_request_funcs", block_some_paths),
    ("after_request_funcs", add_header),
    ("teardown_request_funcs", teardown_request),
    ("teardown_appcontext_funcs", teardown_appcontext),
]
ERROR_HANDLERS: list[tuple[Any, Callable[..., Any]]] = [
    (404, not_found),
    (DemoError, demo_error),
    (500, server_error),
]

_installed = False


def install() -> None:
    """Connect the receivers and register the hooks (once)."""
    global _installed
    if _installed:
        return
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, sender=current_app)
    current_app.before_first_request(first_request)
    current_app.before_request(block_some_paths)
    current_app.after_request(add_header)
    current_app.teardown_request(teardown_request)
    current_app.teardown_appcontext(teardown_appcontext)
    for key, handler in ERROR_HANDLERS:
        current_app.errorhandler(key)(handler)
    _installed = True


def uninstall() -> None:
    """Undo :func:`install` (the demo's tests use it)."""
    global _installed
    for signal, receiver in RECEIVERS:
        signal.disconnect(receiver)
    for registry, func in HOOKS:
        funcs = getattr(current_app, registry)
        if func in funcs:
            funcs.remove(func)
    for key, handler in ERROR_HANDLERS:
        if current_app.error_handlers.get(key) is handler:
            del current_app.error_handlers[key]
    _installed = False
