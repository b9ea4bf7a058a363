"""Flask's request helpers: ``after_this_request``, ``copy_current_request_context``,
``stream_with_context``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction

from .globals import (
    NO_REQUEST_MESSAGE,
    current_request_context,
    request_context_or_fail,
    reset_current,
    set_current,
)

F = TypeVar("F", bound=Callable[..., Any])
G = TypeVar("G")


def after_this_request(f: F) -> F:
    """Run ``f(response)`` after the current request's view, before the after_request functions."""
    ctx = current_request_context()
    if ctx is None:
        raise RuntimeError(
            "after_this_request() can only be used while a request is handled. "
            + NO_REQUEST_MESSAGE
        )
    if not ctx.hooks_installed:
        raise RuntimeError(
            "after_this_request() needs flasksignals_django.middleware.HooksMiddleware in MIDDLEWARE."
        )
    if ctx.after_this_request_funcs is None:
        ctx.after_this_request_funcs = []
    ctx.after_this_request_funcs.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so that it runs with this request's contexts, later or in another thread."""
    ctx = request_context_or_fail()

    if iscoroutinefunction(f):

        @functools.wraps(f)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            token = set_current(ctx)
            try:
                return await f(*args, **kwargs)
            finally:
                reset_current(token)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = set_current(ctx)
        try:
            return f(*args, **kwargs)
        finally:
            reset_current(token)

    return wrapper  # type: ignore[return-value]


def stream_with_context(generator: G) -> G:
    """Return ``generator`` unchanged: streaming bodies already keep their contexts.

    Kept so that code ported from Flask runs as it is.
    """
    return generator
