"""The ``App`` object: the sender of every signal and the home of the hook registries."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from django.conf import settings

from .conf import conf
from .ctx import AppContext
from .errors import HANDLED_CODES, InternalServerError, http_code
from .responses import describe as _describe

F = TypeVar("F", bound=Callable[..., Any])
ErrorHandlerKey = int | type[BaseException]


class Config(Mapping[str, Any]):
    """A read-only view of ``django.conf.settings`` with Flask's ``config`` API."""

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(settings, key)
        except AttributeError:
            raise KeyError(key) from None

    def __getattr__(self, key: str) -> Any:
        return getattr(settings, key)

    def __setattr__(self, key: str, value: Any) -> None:
        raise TypeError(
            "current_app.config is read-only: change Django's settings instead."
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and hasattr(settings, key)

    def __iter__(self) -> Iterator[str]:
        return iter(name for name in dir(settings) if name.isupper())

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return "<Config: a read-only view of django.conf.settings>"


class App:
    """What Flask calls the application: one per process, exported as ``current_app``.

    It is the ``sender`` of every signal and holds the hook registries in
    registration order. ``after_request``, ``teardown_request`` and
    ``teardown_appcontext`` functions run in reverse order, as in Flask.
    """

    def __init__(self, name: str | None = None) -> None:
        self._name = name
        self.config = Config()
        self.before_first_request_funcs: list[Callable[[], Any]] = []
        self.before_request_funcs: list[Callable[[], Any]] = []
        self.after_request_funcs: list[Callable[[Any], Any]] = []
        self.teardown_request_funcs: list[Callable[[BaseException | None], Any]] = []
        self.teardown_appcontext_funcs: list[Callable[[BaseException | None], Any]] = []
        self.error_handlers: dict[ErrorHandlerKey, Callable[[Any], Any]] = {}
        self._got_first_request = False
        self._first_request_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<App {self.name!r}>"

    @property
    def name(self) -> str:
        """``FLASKSIGNALS_APP_NAME``, else the top package of the settings module."""
        return self._name if self._name is not None else conf.APP_NAME

    @property
    def debug(self) -> bool:
        return bool(settings.DEBUG)

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger(self.name)

    # -- the first-request gate ------------------------------------------

    @property
    def got_first_request(self) -> bool:
        """True once this process started handling its first request."""
        return self._got_first_request

    def run_before_first_request(self, call: Callable[..., Any]) -> None:
        """Run the before_first_request functions once per process, as ``call("before_first_request", f)``.

        Requests that arrive meanwhile wait. A function that raises ends the
        run: the gate stays passed and nothing is retried.
        """
        with self._first_request_lock:
            if self._got_first_request:
                return
            try:
                for func in list(self.before_first_request_funcs):
                    call("before_first_request", func)
            finally:
                self._got_first_request = True

    def reset_first_request(self, got_first_request: bool = False) -> None:
        """Set whether the process served its first request (for tests)."""
        self._got_first_request = got_first_request

    # -- hook decorators -------------------------------------------------

    def before_first_request(self, f: F) -> F:
        """Run ``f()`` once per process, before the first request's ``request_started``."""
        _check_callable(f, "before_first_request")
        if self._got_first_request:
            warnings.warn(
                f"before_first_request({_describe(f)}) was registered after this process "
                "served its first request; it will never be called. Register it in "
                "AppConfig.ready() instead.",
                RuntimeWarning,
                stacklevel=2,
            )
        self.before_first_request_funcs.append(f)
        return f

    def before_request(self, f: F) -> F:
        """Run ``f()`` before each view; a return value other than ``None`` becomes the response."""
        _check_callable(f, "before_request")
        self.before_request_funcs.append(f)
        return f

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it must return the response to use."""
        _check_callable(f, "after_request")
        self.after_request_funcs.append(f)
        return f

    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when the request ends, after its body was sent."""
        _check_callable(f, "teardown_request")
        self.teardown_request_funcs.append(f)
        return f

    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when an app context is popped (each request pops one)."""
        _check_callable(f, "teardown_appcontext")
        self.teardown_appcontext_funcs.append(f)
        return f

    def errorhandler(self, code_or_exception: ErrorHandlerKey) -> Callable[[F], F]:
        """Register ``f(error)`` for a status code (400, 403, 404, 500) or an exception class."""
        key = _error_handler_key(code_or_exception)

        def decorator(f: F) -> F:
            _check_callable(f, "errorhandler")
            self.error_handlers[key] = f
            return f

        return decorator

    def register_error_handler(self, code_or_exception: ErrorHandlerKey, f: F) -> F:
        """The non-decorator form of :meth:`errorhandler`."""
        return self.errorhandler(code_or_exception)(f)

    # -- lookups used by the middleware -----------------------------------

    def find_error_handler(self, exc: BaseException) -> Callable[[Any], Any] | None:
        """The handler Flask would pick: by code first, then by the nearest class in the MRO."""
        handlers = self.error_handlers
        if not handlers:
            return None
        code = http_code(exc)
        if code is not None and code in handlers:
            return handlers[code]
        for cls in type(exc).__mro__:
            if cls in handlers:
                return handlers[cls]
        return None

    def app_context(self) -> AppContext:
        """A new app context, for code outside requests (``with`` or ``async with``)."""
        return AppContext(self)


def _check_callable(f: object, what: str) -> None:
    if not callable(f):
        raise TypeError(f"{what} expects a callable, got {f!r}.")


def _error_handler_key(key: object) -> ErrorHandlerKey:
    if isinstance(key, type) and issubclass(key, BaseException):
        return 500 if issubclass(key, InternalServerError) else key
    if isinstance(key, int) and not isinstance(key, bool):
        if key not in HANDLED_CODES:
            raise ValueError(
                f"errorhandler({key}): only the codes {sorted(HANDLED_CODES)} and "
                "exception classes can be handled on Django."
            )
        return key
    raise ValueError(
        f"errorhandler() expects a status code or an exception class, got {key!r}."
    )


current_app = App()
"""The one ``App`` of the process: the sender of every signal."""
