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
from django.urls import get_resolver, get_urlconf

__all__ = ["add_closer", "error_response", "mark_logged", "uncaught_error_response"]


def add_closer(response: HttpResponseBase, closer: Callable[[], None]) -> None:
    """Have ``closer()`` called when Django closes ``response`` (after its body was sent)."""
    response._resource_closers.append(closer)  # type: ignore[attr-defined]


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
