"""App and request contexts, ``g``, the ``request`` proxy and the context helpers.

One ``ContextVar`` says which context is current: an ``AppContext`` (which
owns ``g``) or a ``RequestContext`` (an app context with a request). It is
set and reset by token in one frame, so concurrent requests on threads or
asyncio tasks never see each other's state and nothing is left over for the
next request.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.sync import iscoroutinefunction

from .dispatch import call_sync, logger, receivers, run_off_loop, send_to
from .flow import Blocking, Flow, Send, run_async, run_sync
from .signals import (
    OrderedSignal,
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_tearing_down,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .app import App

F = TypeVar("F", bound=Callable[..., Any])

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

_cv_ctx: ContextVar[AppContext | None] = ContextVar(
    "flasksignals_django.ctx", default=None
)


class _AppCtxGlobals:
    """The ``g`` namespace of one app context."""

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)

    def pop(self, name: str, *default: Any) -> Any:
        return self.__dict__.pop(name, *default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        return f"<flasksignals_django.g of {_cv_ctx.get()!r}>"


class AppContext:
    """An app context: it makes ``g`` available and tears down when popped.

    Use ``with current_app.app_context():`` (or ``async with``) outside
    requests. Pushing sends ``appcontext_pushed``; the last pop runs the
    ``teardown_appcontext`` functions, sends ``appcontext_tearing_down`` and,
    like every pop, ``appcontext_popped``. Errors of teardown steps do not stop
    the other steps; the first one is raised after all ran.
    """

    __slots__ = ("app", "_g", "_tokens")

    request: HttpRequest | None = None
    """The request of a request context; ``None`` for a plain app context."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._g: _AppCtxGlobals | None = None
        self._tokens: list[Token[AppContext | None]] | None = None

    def __repr__(self) -> str:
        return f"<AppContext of {self.app!r}>"

    @property
    def g(self) -> _AppCtxGlobals:
        """This context's namespace (made on first use: most requests never touch it)."""
        g = self._g
        if g is None:
            g = self._g = _AppCtxGlobals()
        return g

    def push(self) -> None:
        run_sync(self._push_flow())

    def pop(self, exc: BaseException | None = None) -> None:
        run_sync(self._pop_flow(exc))

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc)

    async def __aenter__(self) -> AppContext:
        await run_async(self._push_flow())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await run_async(self._pop_flow(exc))

    def _push_flow(self) -> Flow[None]:
        if self._tokens is None:
            self._tokens = []
        self._tokens.append(_cv_ctx.set(self))
        batch = receivers(appcontext_pushed)
        if batch:
            try:
                yield Send(batch, {})
            except BaseException:
                _cv_ctx.reset(self._tokens.pop())
                raise

    def _pop_flow(self, exc: BaseException | None) -> Flow[None]:
        if not self._tokens:
            raise RuntimeError(f"{self!r} was popped more often than it was pushed.")
        errors: list[BaseException] = []
        try:
            if len(self._tokens) == 1:
                yield Blocking(self.teardown_steps, exc, errors, thread_sensitive=True)
        finally:
            _cv_ctx.reset(self._tokens.pop())
        batch = receivers(appcontext_popped)
        if batch:
            yield Send(batch, {}, errors)
        if errors:
            raise errors[0]

    def teardown_steps(
        self, exc: BaseException | None, errors: list[BaseException]
    ) -> None:
        """The teardown_appcontext functions (reversed), then appcontext_tearing_down.

        Teardown is sync code on every path; each error is logged and kept in
        ``errors`` and the next step still runs.
        """
        funcs = self.app.teardown_appcontext_funcs
        if funcs:
            _call_robustly(funcs, exc, errors)
        if appcontext_tearing_down.receivers:
            _send_robustly(appcontext_tearing_down, {"exc": exc}, errors)


def _call_robustly(
    funcs: list[Callable[[BaseException | None], Any]],
    exc: BaseException | None,
    errors: list[BaseException],
) -> None:
    for func in reversed(funcs):
        try:
            call_sync(func, exc)
        except Exception as error:
            logger.error("Teardown function %r raised", func, exc_info=error)
            errors.append(error)


def _send_robustly(
    signal: OrderedSignal, kwargs: dict[str, Any], errors: list[BaseException]
) -> None:
    batch = receivers(signal)
    if batch:
        send_to(batch, kwargs, errors)


_teardown_guard = threading.Lock()


def _nothing() -> None:
    return None


def _detached_closer() -> Callable[[], None]:
    return _nothing


class RequestContext(AppContext):
    """The state of one request: its app context, its errors and its teardown.

    Created by ``SignalsMiddleware``. It is also the response's closer: Django
    calls it once the body was sent, and it tears the request down, so teardown
    never depends on a context variable.
    """

    __slots__ = (
        "request",
        "exc",
        "pending_exc",
        "reported",
        "after_this_request_funcs",
        "hooks_installed",
        "torn_down",
        "open_stream",
    )

    request: HttpRequest

    def __init__(self, request: HttpRequest, app: App, hooks_installed: bool) -> None:
        self.app = app
        self._g = None
        self._tokens = None
        self.request = request
        self.exc: BaseException | None = None
        """The request's unhandled exception, given to teardown."""
        self.pending_exc: Exception | None = None
        """An error raised before the hooks ran, raised again by HooksMiddleware."""
        self.reported: list[BaseException] | None = None
        self.after_this_request_funcs: list[Callable[[Any], Any]] | None = None
        self.hooks_installed = hooks_installed
        self.torn_down = False
        self.open_stream = False
        """True while an async body has not reached its end."""

    def __repr__(self) -> str:
        return f"<RequestContext {self.request!r}>"

    def activate(self) -> Token[AppContext | None]:
        return _cv_ctx.set(self)

    @staticmethod
    def deactivate(token: Token[AppContext | None]) -> None:
        _cv_ctx.reset(token)

    def app_only(self) -> AppContext:
        """A plain app context sharing this request's ``g``: what Flask shows its
        app-context steps (``appcontext_pushed``, teardown_appcontext), which
        see no request."""
        view = AppContext(self.app)
        view._g = self.g
        return view

    def note_unhandled(self, exc: BaseException) -> bool:
        """Remember ``exc`` as unhandled; False if it was noted before (send the signal once)."""
        if self.exc is None:
            self.exc = exc
        if self.reported is None:
            self.reported = [exc]
            return True
        if any(seen is exc for seen in self.reported):
            return False
        self.reported.append(exc)
        return True

    def claim_teardown(self) -> bool:
        """True for the one caller that gets to tear this request down."""
        with _teardown_guard:
            if self.torn_down:
                return False
            self.torn_down = True
            return True

    def teardown_is_quiet(self) -> bool:
        """True when tearing down would call nothing: no teardown function, no receiver."""
        app = self.app
        return not (
            app.teardown_request_funcs
            or app.teardown_appcontext_funcs
            or request_tearing_down.receivers
            or appcontext_tearing_down.receivers
            or appcontext_popped.receivers
        )

    def teardown(self, exc: BaseException | None = None) -> None:
        """Tear the request down once; later calls do nothing. Errors are logged.

        teardown_request functions and request_tearing_down see the request;
        the app context's steps see the app context alone, and
        ``appcontext_popped`` no context at all, as in Flask.
        """
        if not self.claim_teardown() or self.teardown_is_quiet():
            return
        if exc is None:
            exc = self.exc
        errors: list[BaseException] = []
        app = self.app
        token = _cv_ctx.set(self)
        try:
            if app.teardown_request_funcs:
                _call_robustly(app.teardown_request_funcs, exc, errors)
            if request_tearing_down.receivers:
                _send_robustly(request_tearing_down, {"exc": exc}, errors)
            if app.teardown_appcontext_funcs or appcontext_tearing_down.receivers:
                view = self.app_only()
                view_token = _cv_ctx.set(view)
                try:
                    view.teardown_steps(exc, errors)
                finally:
                    _cv_ctx.reset(view_token)
        finally:
            _cv_ctx.reset(token)
        if appcontext_popped.receivers:
            outside = _cv_ctx.set(None)
            try:
                _send_robustly(appcontext_popped, {}, errors)
            finally:
                _cv_ctx.reset(outside)

    def __call__(self) -> None:
        """The response's closer: Django calls it once the body was sent."""
        if self.torn_down:
            return
        if self.teardown_is_quiet():
            self.torn_down = True
            return
        try:
            if self.open_stream and self.exc is None:
                # Closed before the end of its async body: under ASGI the
                # client went away (Django swallows the CancelledError).
                self.exc = asyncio.CancelledError("the response was closed mid-stream")
            # On an event loop's thread (AsyncClient closing an async stream)
            # sync teardown code must not run on the loop: hand it to a thread.
            run_off_loop(self.teardown)
        except Exception:  # Django's close() would swallow it silently.
            logger.exception("Teardown of %r failed", self)

    def __reduce__(self) -> tuple[Callable[[], Callable[[], None]], tuple[()]]:
        # Cache middleware pickles responses with their closers; a copy has
        # nothing to tear down.
        return (_detached_closer, ())


# -- what user code calls -------------------------------------------------------


def has_app_context() -> bool:
    """True inside an app context (every request has one)."""
    return _cv_ctx.get() is not None


def has_request_context() -> bool:
    """True while handling a request (and not inside an ``app_context()`` pushed in it)."""
    ctx = _cv_ctx.get()
    return ctx is not None and ctx.request is not None


def current_request_context() -> RequestContext | None:
    """The current request's context, or None outside a request."""
    ctx = _cv_ctx.get()
    return ctx if isinstance(ctx, RequestContext) else None


def _request_context_or_fail() -> RequestContext:
    ctx = current_request_context()
    if ctx is None:
        raise RuntimeError(NO_REQUEST_MESSAGE)
    return ctx


def current_g() -> _AppCtxGlobals:
    ctx = _cv_ctx.get()
    if ctx is None:
        raise RuntimeError(NO_APP_MESSAGE)
    return ctx.g


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
    ctx = _request_context_or_fail()

    if iscoroutinefunction(f):

        @functools.wraps(f)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            token = ctx.activate()
            try:
                return await f(*args, **kwargs)
            finally:
                ctx.deactivate(token)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = ctx.activate()
        try:
            return f(*args, **kwargs)
        finally:
            ctx.deactivate(token)

    return wrapper  # type: ignore[return-value]


G = TypeVar("G")


def stream_with_context(generator: G) -> G:
    """Return ``generator`` unchanged: streaming bodies already keep their contexts.

    Kept so that code ported from Flask runs as it is.
    """
    return generator


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


def _current_request() -> HttpRequest:
    return _request_context_or_fail().request


g: Any = _Proxy(current_g, "flasksignals_django.g")
"""The current app context's namespace; each request has its own."""

request: Any = _Proxy(_current_request, "flasksignals_django.request")
"""The current ``HttpRequest``; outside a request, using it raises ``RuntimeError``."""
