"""The order of one request, teardown included, written once.

Each phase is a generator of :mod:`~flasksignals_django._steps` steps, run by
``run_async`` under ASGI and by its compiled sync twin (``phase.sync``) under
WSGI, so the order is the same on every path. See DESIGN's "Order of one request":

- :func:`start_request`: what ``SignalsMiddleware`` does around the chain;
- :func:`run_hooks`: what ``HooksMiddleware`` does around the view;
- :func:`teardown_request`: what the response's closer does after the body;
- :func:`push_app_context` / :func:`pop_app_context`: ``app_context()``.

The ``*_is_quiet`` functions beside them decide when a phase would call
nothing, so the middleware can skip building it (the fast path).
Errors go through :mod:`~flasksignals_django.lifecycle.errors`.
"""

from __future__ import annotations

from .request import (
    after_view,
    after_view_is_quiet,
    hand_over,
    hooks_are_quiet,
    run_hooks,
    start_is_quiet,
    start_request,
)
from .teardown import (
    pop_app_context,
    push_app_context,
    teardown_is_quiet,
    teardown_request,
)

__all__ = [
    "after_view",
    "after_view_is_quiet",
    "hand_over",
    "hooks_are_quiet",
    "pop_app_context",
    "push_app_context",
    "run_hooks",
    "start_is_quiet",
    "start_request",
    "teardown_is_quiet",
    "teardown_request",
]
