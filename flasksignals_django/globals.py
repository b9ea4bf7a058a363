"""The one context variable, and what reads it: ``g``, ``request`` and the ``has_*`` tests.

The variable holds the current :class:`~flasksignals_django.ctx.AppContext`
(a ``RequestContext`` during a request) or ``None``. Contexts set and reset it
by token in one frame, so concurrent requests on threads or asyncio tasks never
see each other's state and nothing is left over for the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

from .werkzeug_request import WERKZEUG_NAMES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .ctx import RequestContext, _Context

NO_APP_MESSAGE = (
    "Working outside of application context.\n\n"
    "This code needs an app context: it is pushed for every request by "
    "flasksignals_django.middleware.SignalsMiddleware, and outside requests "
    "by `with current_app.app_context():`."
)
NO_REQUEST_MESSAGE = (
    "Working outside of request context.\n\n"
    "This code needs an active HTTP request, as seen by "
    "flasksignals_django.middleware.SignalsMiddleware. Outside a view, hook or "
    "receiver of a request there is no current request."
)

_current: ContextVar[_Context | None] = ContextVar(
    "flasksignals_django.context", default=None
)

current_context = _current.get
"""The current app or request context, or ``None``."""


set_current: Callable[[_Context | None], Token[_Context | None]] = _current.set
"""Make a context current; pass the token to :func:`reset_current` in the same frame."""

reset_current: Callable[[Token[_Context | None]], None] = _current.reset
"""Restore what was current before the matching :func:`set_current`."""


def has_app_context() -> bool:
    """True inside an app context (every request has one)."""
    return _current.get() is not None


def has_request_context() -> bool:
    """True while handling a request (and not inside an ``app_context()`` pushed in it)."""
    ctx = _current.get()
    return ctx is not None and ctx.request is not None


def current_request_context() -> RequestContext | None:
    """The current request's context, or ``None`` outside a request."""
    ctx = _current.get()
    return ctx if ctx is not None and ctx.request is not None else None  # type: ignore[return-value]


def request_context_or_fail() -> RequestContext:
    ctx = current_request_context()
    if ctx is None:
        raise RuntimeError(NO_REQUEST_MESSAGE)
    return ctx


def _current_g() -> Any:
    ctx = _current.get()
    if ctx is None:
        raise RuntimeError(NO_APP_MESSAGE)
    return ctx.g


def _current_request() -> HttpRequest:
    return request_context_or_fail().request


class _Proxy:
    """Forwards to the object that ``lookup()`` returns at each use."""

    __slots__ = ("_lookup", "__name__")

    def __init__(self, lookup: Callable[[], Any], name: str) -> None:
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "__name__", name)

    def _get_current_object(self) -> Any:
        return self._lookup()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lookup(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._lookup(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._lookup(), name)

    def __contains__(self, item: object) -> bool:
        return item in self._lookup()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._lookup())

    def __eq__(self, other: object) -> bool:
        return bool(self._lookup() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._lookup() != other)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        try:
            return bool(self._lookup())
        except RuntimeError:
            return False

    def __repr__(self) -> str:
        try:
            return repr(self._lookup())
        except RuntimeError:
            return f"<unbound {self.__name__}>"

    def __dir__(self) -> list[str]:
        return dir(self._lookup())


class _RequestProxy(_Proxy):
    """The ``request`` proxy: ``HttpRequest``'s attributes, then Werkzeug's names."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        ctx = request_context_or_fail()
        try:
            return getattr(ctx.request, name)
        except AttributeError:
            if name not in WERKZEUG_NAMES:
                raise
        return getattr(ctx.werkzeug, name)


g: Any = _Proxy(_current_g, "flasksignals_django.g")
"""The current app context's namespace; each request has its own."""

request: Any = _RequestProxy(_current_request, "flasksignals_django.request")
"""The current ``HttpRequest``, answering also Werkzeug's read-only request names
where ``HttpRequest`` has none (see :mod:`~flasksignals_django.werkzeug_request`);
outside a request, using it raises ``RuntimeError``."""
