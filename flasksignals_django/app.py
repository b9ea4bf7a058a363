"""The ``App`` object: the sender of every signal and the home of the hook registries."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core import mail

from .conf import conf
from .config import Config
from .ctx import AppContext
from .errors import HANDLED_CODES, InternalServerError, http_code
from .responses import describe as _describe

F = TypeVar("F", bound=Callable[..., Any])
ErrorHandlerKey = int | type[BaseException]


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
        self.extensions: dict[str, Any] = {}
        self.template_context_processors: list[Callable[[], Any]] = []
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

    @property
    def testing(self) -> bool:
        """``config["TESTING"]`` when set, else whether Django's test environment is set up.

        Django's test runner and pytest-django both call
        ``django.test.utils.setup_test_environment()``, which creates
        ``django.core.mail.outbox``; ``teardown_test_environment()`` removes it.
        """
        if "TESTING" in self.config:
            return bool(self.config["TESTING"])
        return hasattr(mail, "outbox")

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    def _get_current_object(self) -> App:
        """The app itself: ``current_app`` is a real object, not a proxy as in Flask."""
        return self

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

    def context_processor(self, f: F) -> F:
        """Merge ``f()``'s dict into every template rendered through the signaling backends.

        As in Flask's ``update_template_context``, the view's own values win over
        it; a later processor's values win over an earlier one's.
        """
        _check_callable(f, "context_processor")
        self.template_context_processors.append(f)
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
