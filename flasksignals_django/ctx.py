"""App and request contexts: what each holds, and pushing and popping them.

A context becomes current through :mod:`~flasksignals_django.globals`'s one
context variable. The order of what pushing and popping send lives in
:mod:`~flasksignals_django.lifecycle`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextvars import Token
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import lifecycle
from ._drivers import run_async
from ._sending import run_off_loop
from .globals import current_context, reset_current, set_current
from .tap import Timeline
from .werkzeug_request import WerkzeugRequest

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .app import App


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
        return f"<flasksignals_django.g of {current_context()!r}>"


class _Context:
    """What both contexts have: the app, ``g`` and the tap's timeline."""

    __slots__ = ("app", "_g", "timeline")

    request: HttpRequest | None = None
    """The request of a request context; ``None`` for a plain app context."""

    def __init__(self, app: App, timeline: Timeline | None = None) -> None:
        self.app = app
        self._g: _AppCtxGlobals | None = None
        self.timeline = timeline

    @property
    def g(self) -> _AppCtxGlobals:
        """This context's namespace (made on first use: most requests never touch it)."""
        g = self._g
        if g is None:
            g = self._g = _AppCtxGlobals()
        return g


class AppContext(_Context):
    """An app context outside requests: ``with current_app.app_context():`` (or ``async with``).

    Pushing sends ``appcontext_pushed``; the last pop runs the
    ``teardown_appcontext`` functions, sends ``appcontext_tearing_down`` and,
    like every pop, ``appcontext_popped``. Errors of teardown steps do not stop
    the other steps; the first one is raised after all ran.
    """

    __slots__ = ("_tokens",)

    def __init__(self, app: App, timeline: Timeline | None = None) -> None:
        super().__init__(app, timeline)
        self._tokens: list[Token[Any]] = []

    def __repr__(self) -> str:
        return f"<AppContext of {self.app!r}>"

    @property
    def pushed(self) -> int:
        """How many times this context is pushed and not yet popped."""
        return len(self._tokens)

    def activate(self) -> None:
        self._tokens.append(set_current(self))

    def deactivate(self) -> None:
        # Only after activate(): lifecycle's pop checks ``pushed`` first.
        reset_current(self._tokens.pop())

    def push(self) -> None:
        lifecycle.push_app_context.sync(self)

    def pop(self, exc: BaseException | None = None) -> None:
        lifecycle.pop_app_context.sync(self, exc)

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
        await run_async(lifecycle.push_app_context(self))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await run_async(lifecycle.pop_app_context(self, exc))


_teardown_guard = threading.Lock()


class RequestContext(_Context):
    """The state of one request, made by ``SignalsMiddleware``.

    It is current while the middleware runs, while the body is produced and
    during teardown; it is never pushed or popped by user code.
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
        "_werkzeug",
        "_app_view",
        "outer",
    )

    request: HttpRequest

    def __init__(
        self,
        request: HttpRequest,
        app: App,
        hooks_installed: bool,
        timeline: Timeline | None = None,
    ) -> None:
        _Context.__init__(self, app, timeline)  # not super(): one call per request
        self.request = request
        self.exc: BaseException | None = None
        """The request's unhandled exception, given to teardown."""
        self.pending_exc: Exception | None = None
        """An error raised before the hooks ran, raised again by HooksMiddleware."""
        self.reported: list[BaseException] | None = None
        """Unhandled exceptions already reported (each is reported once)."""
        self.after_this_request_funcs: list[Callable[[Any], Any]] | None = None
        self.hooks_installed = hooks_installed
        self.torn_down = False
        self.open_stream = False
        """True while an async body has not reached its end."""
        self._werkzeug: WerkzeugRequest | None = None
        self._app_view: AppContext | None = None
        self.outer: _Context | None = None
        """The context that was current when the request began (an ``app_context()``
        the server or test pushed), current again for ``appcontext_popped``."""

    def __repr__(self) -> str:
        return f"<RequestContext {self.request!r}>"

    @property
    def werkzeug(self) -> WerkzeugRequest:
        """Werkzeug's request names for this request (made on first use)."""
        names = self._werkzeug
        if names is None:
            names = self._werkzeug = WerkzeugRequest(self.request)
        return names

    def app_only(self) -> AppContext:
        """A plain app context sharing this request's ``g``: what Flask shows its
        app-context steps (``appcontext_pushed``, teardown_appcontext), which
        see no request. Made once per request."""
        view = self._app_view
        if view is None:
            view = self._app_view = AppContext(self.app, self.timeline)
            view._g = self.g
        return view

    def note_unhandled(self, exc: BaseException) -> bool:
        """Remember ``exc`` as unhandled; False if it was noted before (report it once)."""
        if self.exc is None:
            self.exc = exc
        reported = self.reported
        if reported is None:
            reported = self.reported = []
        elif any(seen is exc for seen in reported):
            return False
        reported.append(exc)
        return True

    def claim_teardown(self) -> bool:
        """True for the one caller that gets to tear this request down."""
        with _teardown_guard:
            if self.torn_down:
                return False
            self.torn_down = True
            return True

    def teardown(
        self, exc: BaseException | None = None, off_loop: bool = False
    ) -> None:
        """Tear the request down once, from sync code; later calls do nothing.

        With ``off_loop``, on an event loop's thread the steps run on a helper
        thread (sync teardown code must not block the loop).
        """
        if self.claim_teardown():
            if off_loop:
                run_off_loop(lifecycle.teardown_request.sync, self, exc)
            else:
                lifecycle.teardown_request.sync(self, exc)

    async def ateardown(self, exc: BaseException | None = None) -> None:
        """:meth:`teardown` from async code."""
        if self.claim_teardown():
            await run_async(lifecycle.teardown_request(self, exc))
