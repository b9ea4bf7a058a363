"""Everything this package needs from Django's private or internal names, in one place.

``tests/test_django_private.py`` fails when a Django release changes any of them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.handlers.exception import (
    handle_uncaught_exception,
    response_for_exception,
)
from django.http import HttpRequest, HttpResponseBase
from django.template.context import RequestContext
from django.urls import get_resolver, get_urlconf

__all__ = [
    "add_closer",
    "detach_stream_close",
    "error_response",
    "mark_logged",
    "processors_layer",
    "uncaught_error_response",
]


def add_closer(response: HttpResponseBase, closer: Callable[[], None]) -> None:
    """Have ``closer()`` called when Django closes ``response`` (after its body was sent)."""
    response._resource_closers.append(closer)  # type: ignore[attr-defined]


def detach_stream_close(response: HttpResponseBase) -> Callable[[], None] | None:
    """Take the close of a streaming response's own iterator out of its closers.

    Django would call it directly, outside the request's context; the caller
    calls it instead (a generator's ``finally`` then sees ``g`` and ``request``).
    """
    close = getattr(response._iterator, "close", None)  # type: ignore[attr-defined]
    closers = response._resource_closers  # type: ignore[attr-defined]
    if close is None or close not in closers:
        return None
    closers.remove(close)
    return close  # type: ignore[no-any-return]


def mark_logged(response: HttpResponseBase) -> None:
    """Keep Django from logging ``response`` again: its error was logged already."""
    response._has_been_logged = True  # type: ignore[attr-defined]


def error_response(request: HttpRequest, exc: Exception) -> HttpResponseBase:
    """Django's own response for ``exc``: 404/403/400 pages, or its signal, log and 500.

    Call it while ``exc`` is being handled: Django reads ``sys.exc_info()``.
    """
    return response_for_exception(request, exc)


def uncaught_error_response(
    request: HttpRequest, exc: BaseException
) -> HttpResponseBase:
    """Django's 500 response for ``exc`` (technical page under ``DEBUG``), with no signal or log."""
    resolver: Any = get_resolver(get_urlconf())
    return handle_uncaught_exception(request, resolver, sys.exc_info())  # type: ignore[arg-type]


def processors_layer(context: RequestContext) -> dict[str, Any]:
    """The layer where ``RequestContext.bind_template`` puts the processors' output.

    Django's own ``bind_template`` and django-debug-toolbar's replacement both
    write it at ``_processors_index``.
    """
    layer: dict[str, Any] = context.dicts[context._processors_index]  # type: ignore[attr-defined]
    return layer
