"""A recorder of everything one request (or app context) does, for the lifecycle tests.

``Recorder`` is a tap (:mod:`flasksignals_django.tap`): it sees every signal
sent and, unless told otherwise, registers ``before_request``,
``after_request``, ``teardown_request`` and ``teardown_appcontext`` hooks and
records their calls. Each
event is an :class:`Event`: a kind (``signal``, ``hook``, ``view``, ``user``,
``log``, ``body``), a name (signal names use Flask's attribute spelling,
``appcontext_pushed``), a summary of its arguments and the contexts that were
active (``"AR"``, ``"A-"``, ``"--"``). Everything is disconnected and
unregistered on exit.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponseBase

from flasksignals_django import current_app, has_app_context, has_request_context, tap

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


class Recorder(tap.Tap):
    """Records, through the public recording tap, every signal sent and the standard
    hooks it registers, plus whatever views and tests note.

    ``hooks`` picks which recording hooks to register: any of ``before_request``,
    ``after_request``, ``teardown_request``, ``teardown_appcontext`` (all by
    default). ``loggers`` are loggers whose ERROR records become ``log`` events.
    Each event keeps the contexts active when it happened and the raw arguments.
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
        self._keys: list[float] = []  # when each event began, to keep them in order
        self.hook_names = self.HOOKS if hooks is None else hooks
        self.logger_names = loggers
        self._lock = threading.Lock()
        self._hooks: list[tuple[list[Any], Any]] = []
        self._own: set[str] = set()
        self._handlers: list[tuple[logging.Logger, logging.Handler]] = []
        self._origins: dict[int, float] = {}

    # -- recording ----------------------------------------------------------------

    def on_event(self, timeline: tap.Timeline, event: tap.Event) -> None:
        if event.kind == "signal" or (
            event.kind == "hook" and set(event.functions) & self._own
        ):
            # Placed where the send or call began, before what its receivers
            # noted: the timeline's origin on this clock plus the event's offset
            # (``now - duration`` would drift later by however long the thread
            # was held up before this call).
            began = self._origin(timeline) + event.offset
            self._note(began, event.kind, event.name, event.values)

    def _origin(self, timeline: tap.Timeline) -> float:
        origin = self._origins.get(timeline.id)
        if origin is None:
            origin = self._origins[timeline.id] = time.perf_counter() - timeline.now()
        return origin

    def add(
        self,
        kind: str,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        at: float | None = None,
        **raw: Any,
    ) -> Event:
        event = Event(kind, name, dict(args or {}), contexts(), raw)
        key = time.perf_counter() if at is None else at
        with self._lock:
            index = bisect.bisect_right(self._keys, key)
            self._keys.insert(index, key)
            self.events.insert(index, event)
        return event

    def _note(self, at: float | None, kind: str, name: str, values: Any) -> Event:
        args = {k: summary(k, v) for k, v in sorted(values.items())}
        return self.add(kind, name, args, at=at, **values)

    def note(self, kind: str, name: str, **values: Any) -> Event:
        """Record a user event; values are summarised like signal arguments."""
        return self._note(None, kind, name, values)

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
            self._keys.clear()

    # -- setup ----------------------------------------------------------------------

    def _register(self, name: str, registry: list[Any], fn: Any) -> None:
        if name in self.hook_names:
            registry.append(fn)
            self._hooks.append((registry, fn))
            self._own.add(f"{fn.__module__}.{fn.__qualname__}")

    def __enter__(self) -> Recorder:
        app = current_app

        def before_request() -> None:
            return None

        def after_request(response: Any) -> Any:
            return response

        def teardown_request(exc: BaseException | None) -> None:
            return None

        def teardown_appcontext(exc: BaseException | None) -> None:
            return None

        self._register("before_request", app.before_request_funcs, before_request)
        self._register("after_request", app.after_request_funcs, after_request)
        self._register("teardown_request", app.teardown_request_funcs, teardown_request)
        self._register(
            "teardown_appcontext", app.teardown_appcontext_funcs, teardown_appcontext
        )
        for name in self.logger_names:
            logger = logging.getLogger(name)
            handler = _LogHandler(self)
            logger.addHandler(handler)
            self._handlers.append((logger, handler))
        ACTIVE.append(self)
        tap.attach(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        tap.detach(self)
        ACTIVE.remove(self)
        for registry, fn in self._hooks:
            if fn in registry:
                registry.remove(fn)
        for logger, handler in self._handlers:
            logger.removeHandler(handler)
        self._hooks.clear()
        self._handlers.clear()


def note(kind: str, name: str, **values: Any) -> None:
    """Record an event on the innermost active recorder (views call this)."""
    if ACTIVE:
        ACTIVE[-1].note(kind, name, **values)
