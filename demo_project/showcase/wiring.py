"""Every signal and hook of flasksignals_django, each doing a small job.

``ShowcaseConfig.ready()`` calls :func:`install`. Receivers take ``**extra``
as Flask recommends, and are connected with ``sender=current_app``. What
each request did is recorded by the library's tap (see ``events.py``); the
receivers and hooks here are what that timeline shows at work. With
``DEMO_LOG_LEVEL=DEBUG`` each also prints a line to the console.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
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
from flasksignals_django import tap as flasksignals_tap

from .events import TAP, log_request

logger = logging.getLogger("demo")


class DemoError(Exception):
    """Raised by /error/custom/; its own errorhandler answers it."""


def say(name: str, detail: str = "") -> None:
    """A console line (at DEBUG) for a receiver or hook, tagged with the request id."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    rid = str(g.get("demo_rid", ""))[:8] if has_app_context() else ""
    logger.debug("%-8s %-24s %s", rid, name, detail)


# -- the ten signals, in the order a request sends them ----------------------------


def on_appcontext_pushed(sender: Any, **extra: Any) -> None:
    # As in Flask, the request context is not pushed yet: g is, request is not.
    g.demo_rid = uuid.uuid4()
    g.demo_started = time.time()
    say("appcontext_pushed")


def on_request_started(sender: Any, **extra: Any) -> None:
    say("request_started", f"{request.method} {request.get_full_path()}")


def on_before_render_template(
    sender: Any, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    # A change to context shows in the output (the pages print render_note).
    context["render_note"] = (
        f"set by a before_render_template receiver for {template.name}"
    )
    say("before_render_template", template.name)


def on_template_rendered(
    sender: Any, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    say("template_rendered", f"{template.name} ({len(context)} context keys)")


def on_message_flashed(sender: Any, message: Any, category: str, **extra: Any) -> None:
    say("message_flashed", f"[{category}] {message}")


def on_got_request_exception(
    sender: Any, exception: BaseException, **extra: Any
) -> None:
    logger.warning("%s %s raised %r", request.method, request.path, exception)


def on_request_finished(sender: Any, response: HttpResponse, **extra: Any) -> None:
    g.demo_status = response.status_code  # for the request log's row
    say("request_finished", f"status {response.status_code}")


def on_request_tearing_down(
    sender: Any, exc: BaseException | None, **extra: Any
) -> None:
    say("request_tearing_down", f"exc={exc!r}")


def on_appcontext_tearing_down(
    sender: Any, exc: BaseException | None, **extra: Any
) -> None:
    say("appcontext_tearing_down", f"exc={exc!r}")


def on_appcontext_popped(sender: Any, **extra: Any) -> None:
    say("appcontext_popped")


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
    say("before_first_request", "once per process")


def block_some_paths() -> Any:
    say("before_request", request.path)
    if request.path == "/blocked/":
        # Any value but None short-circuits: it becomes the response.
        text = "A before_request function answered, before URL routing."
        return _page("Blocked by before_request", text, 403)
    return None


def add_header(response: HttpResponse) -> HttpResponse:
    response["X-Demo-Request-Id"] = str(g.demo_rid)
    say("after_request", "added X-Demo-Request-Id")
    return response


def teardown_appcontext(exc: BaseException | None) -> None:
    say("teardown_appcontext", f"exc={exc!r}")


def _page(title: str, text: str, status: int) -> HttpResponse:
    return render(
        request._get_current_object(),
        "showcase/page.html",
        {"title": title, "text": text},
        status=status,
    )


def not_found(error: Exception) -> HttpResponse:
    say("errorhandler(404)", request.path)
    return _page("404: errorhandler(404)", f"Nothing at {request.path}.", 404)


def demo_error(error: DemoError) -> Any:
    say("errorhandler(DemoError)", repr(error))
    # Flask's (body, status) return value works too.
    return _page("errorhandler(DemoError)", f"Handled: {error}", 200), 409


def server_error(error: Any) -> HttpResponse:
    original = error.original_exception
    say("errorhandler(500)", repr(original))
    return _page("500: errorhandler(500)", f"The view raised {original!r}.", 500)


HOOKS: list[tuple[str, Callable[..., Any]]] = [
    ("before_first_request_funcs", first_request),
    ("before_request_funcs", block_some_paths),
    ("after_request_funcs", add_header),
    ("teardown_request_funcs", log_request),
    ("teardown_appcontext_funcs", teardown_appcontext),
]
ERROR_HANDLERS: list[tuple[Any, Callable[..., Any]]] = [
    (404, not_found),
    (DemoError, demo_error),
    (500, server_error),
]

_installed = False


def install() -> None:
    """Connect the receivers, register the hooks and attach the tap (once)."""
    global _installed
    if _installed:
        return
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, sender=current_app)
    current_app.before_first_request(first_request)
    current_app.before_request(block_some_paths)
    current_app.after_request(add_header)
    current_app.teardown_request(log_request)  # writes the request log's row
    current_app.teardown_appcontext(teardown_appcontext)
    for key, handler in ERROR_HANDLERS:
        current_app.errorhandler(key)(handler)
    flasksignals_tap.attach(TAP)
    _installed = True


def uninstall() -> None:
    """Undo :func:`install` (the demo's tests use it)."""
    global _installed
    flasksignals_tap.detach(TAP)
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
