"""A recorder of everything one request (or app context) does, for the lifecycle tests.

``Recorder`` connects one recording receiver to every signal (``weak=False``)
and, unless told otherwise, registers recording ``before_request``,
``after_request``, ``teardown_request`` and ``teardown_appcontext`` hooks. Each
event is an :class:`Event`: a kind (``signal``, ``hook``, ``view``, ``user``,
``log``, ``body``), a name (signal names use Flask's attribute spelling,
``appcontext_pushed``), a summary of its arguments and the contexts that were
active (``"AR"``, ``"A-"``, ``"--"``). Everything is disconnected and
unregistered on exit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponseBase

from flasksignals_django import current_app, has_app_context, has_request_context
from flasksignals_django.signals import SIGNALS

ACTIVE: list[Recorder] = []
"""The recorders in use, innermost last: views record through :func:`note`."""


def summary(name: str, value: Any) -> Any:
    """A comparable summary of one signal or hook argument."""
    if name == "response":
        if value is None:
            return None
        if isinstance(value, HttpResponseBase):
            return value.status_code
        return f"<{type(value).__name__}>"
    if name in ("exc", "exception", "error"):
        return None if value is None else type(value).__name__
    if name == "template":
        return getattr(value, "name", None)
    if name == "context":
        return sorted(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return f"<{type(value).__name__}>"


def contexts() -> str:
    return ("A" if has_app_context() else "-") + ("R" if has_request_context() else "-")


@dataclass(frozen=True)
class Event:
    kind: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    ctx: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


class _LogHandler(logging.Handler):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__(logging.ERROR)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        exc_type = (
            record.exc_info[0].__name__
            if record.exc_info and record.exc_info[0]
            else None
        )
        self.recorder.add(
            "log", record.levelname, {"logger": record.name, "exc_type": exc_type}
        )


class Recorder:
    """Records signals, the standard hooks and whatever views and tests note.

    ``hooks`` picks which recording hooks to register: any of ``before_request``,
    ``after_request``, ``teardown_request``, ``teardown_appcontext`` (all by
    default). ``loggers`` are loggers whose ERROR records become ``log`` events.
    """

    HOOKS = (
        "before_request",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
    )

    def __init__(
        self,
        hooks: tuple[str, ...] | None = None,
        loggers: tuple[str, ...] = (),
    ) -> None:
        self.events: list[Event] = []
        self.hook_names = self.HOOKS if hooks is None else hooks
        self.logger_names = loggers
        self._lock = threading.Lock()
        self._receivers: list[tuple[Any, Any]] = []
        self._hooks: list[tuple[list[Any], Any]] = []
        self._handlers: list[tuple[logging.Logger, logging.Handler]] = []

    # -- recording ----------------------------------------------------------------

    def add(
        self, kind: str, name: str, args: dict[str, Any] | None = None, **raw: Any
    ) -> Event:
        event = Event(kind, name, dict(args or {}), contexts(), raw)
        with self._lock:
            self.events.append(event)
        return event

    def note(self, kind: str, name: str, **values: Any) -> Event:
        """Record a user event; values are summarised like signal arguments."""
        return self.add(
            kind, name, {k: summary(k, v) for k, v in values.items()}, **values
        )

    @property
    def labels(self) -> list[str]:
        return [event.label for event in self.events]

    def of(self, label: str) -> list[Event]:
        return [event for event in self.events if event.label == label]

    def one(self, label: str) -> Event:
        found = self.of(label)
        assert len(found) == 1, f"{label} recorded {len(found)} times: {self.labels}"
        return found[0]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()

    # -- setup ----------------------------------------------------------------------

    def _signal_receiver(self, flask_name: str) -> Any:
        def receiver(sender: Any, **kwargs: Any) -> None:
            assert sender is current_app
            self.add(
                "signal",
                flask_name,
                {k: summary(k, v) for k, v in sorted(kwargs.items())},
                **kwargs,
            )

        return receiver

    def _register(self, registry: list[Any], fn: Any) -> None:
        registry.append(fn)
        self._hooks.append((registry, fn))

    def __enter__(self) -> Recorder:
        for signal in SIGNALS:
            receiver = self._signal_receiver(signal.name.replace("-", "_"))
            signal.connect(receiver, weak=False)
            self._receivers.append((signal, receiver))
        app = current_app
        if "before_request" in self.hook_names:
            self._register(
                app.before_request_funcs,
                lambda: self.add("hook", "before_request") and None,
            )
        if "after_request" in self.hook_names:

            def after_request(response: Any) -> Any:
                self.note("hook", "after_request", response=response)
                return response

            self._register(app.after_request_funcs, after_request)
        if "teardown_request" in self.hook_names:
            self._register(
                app.teardown_request_funcs,
                lambda exc: self.note("hook", "teardown_request", exc=exc) and None,
            )
        if "teardown_appcontext" in self.hook_names:
            self._register(
                app.teardown_appcontext_funcs,
                lambda exc: self.note("hook", "teardown_appcontext", exc=exc) and None,
            )
        for name in self.logger_names:
            logger = logging.getLogger(name)
            handler = _LogHandler(self)
            logger.addHandler(handler)
            self._handlers.append((logger, handler))
        ACTIVE.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        ACTIVE.remove(self)
        for signal, receiver in self._receivers:
            signal.disconnect(receiver)
        for registry, fn in self._hooks:
            if fn in registry:
                registry.remove(fn)
        for logger, handler in self._handlers:
            logger.removeHandler(handler)
        self._receivers.clear()
        self._hooks.clear()
        self._handlers.clear()


def note(kind: str, name: str, **values: Any) -> None:
    """Record an event on the innermost active recorder (views call this)."""
    if ACTIVE:
        ACTIVE[-1].note(kind, name, **values)


def use_plain_backends(settings: Any) -> None:
    """Fall back to Django's own template backend and message storage where ours are missing.

    The lifecycle tests do not depend on the signaling backends; this keeps them
    runnable while those are absent (they are used as soon as they exist).
    """
    from importlib.util import find_spec

    if find_spec("flasksignals_django.backends.django") is None:
        settings.TEMPLATES = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ]
    if find_spec("flasksignals_django.messages.storage") is None:
        settings.MESSAGE_STORAGE = (
            "django.contrib.messages.storage.fallback.FallbackStorage"
        )
