"""The ``App`` object: the sender of every signal and the home of the hook registries."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core import mail

from .app_logger import app_logger
from .conf import conf
from .config import Config
from .ctx import AppContext
from .error_handlers import ErrorHandlerKey, find_handler, handler_key
from .responses import describe as _describe

F = TypeVar("F", bound=Callable[..., Any])


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
        """``logging.getLogger(name)``, set up as Flask's ``create_logger`` (see DESIGN)."""
        return app_logger(self.name, self.debug)

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
        if self._got_first_request and callable(f):
            warnings.warn(
                f"before_first_request({_describe(f)}) was registered after this process "
                "served its first request; it will never be called. Register it in "
                "AppConfig.ready() instead.",
                RuntimeWarning,
                stacklevel=2,
            )
        return _register(self.before_first_request_funcs, f, "before_first_request")

    def before_request(self, f: F) -> F:
        """Run ``f()`` before each view; a return value other than ``None`` becomes the response."""
        return _register(self.before_request_funcs, f, "before_request")

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it must return the response to use."""
        return _register(self.after_request_funcs, f, "after_request")

    def teardown_request(self, f: F) -> F:
        """Run ``f(exc)`` when the request ends, after its body was sent."""
        return _register(self.teardown_request_funcs, f, "teardown_request")

    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(exc)`` when an app context is popped (each request pops one)."""
        return _register(self.teardown_appcontext_funcs, f, "teardown_appcontext")

    def context_processor(self, f: F) -> F:
        """Merge ``f()``'s dict into every template rendered through the signaling backends.

        As in Flask's ``update_template_context``, the view's own values win over
        it; a later processor's values win over an earlier one's.
        """
        return _register(self.template_context_processors, f, "context_processor")

    def errorhandler(self, code_or_exception: ErrorHandlerKey) -> Callable[[F], F]:
        """Register ``f(error)`` for a status code (400, 403, 404, 500) or an exception class.

        A code and its base classes are one key (``404`` is ``Http404``); the
        handler registered last for a key answers. An exception instance is a
        ``TypeError``; another code or a class that is not an ``Exception``
        subclass a ``ValueError``.
        """
        key = handler_key(code_or_exception)

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
        """The handler Flask's ``_find_error_handler`` would pick for ``exc``, or ``None``.

        Within the exception's code, the nearest class in its MRO; then, among
        classes with no code, the nearest class in its MRO.
        """
        return find_handler(self.error_handlers, exc)

    def app_context(self) -> AppContext:
        """A new app context, for code outside requests (``with`` or ``async with``)."""
        return AppContext(self)


def _register(registry: list[Any], f: F, what: str) -> F:
    """Append hook ``f`` to ``registry`` and return it unchanged (for use with ``@``)."""
    _check_callable(f, what)
    registry.append(f)
    return f


def _check_callable(f: object, what: str) -> None:
    if not callable(f):
        raise TypeError(f"{what} expects a callable, got {f!r}.")


current_app = App()
"""The one ``App`` of the process: the sender of every signal."""
