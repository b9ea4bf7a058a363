"""The recording tap: watch every signal sent and every hook called, per request.

Attach a :class:`Tap` and each request (and each ``app_context()``) gets a
:class:`Timeline` of :class:`Event` objects, in the order they happened::

    from flasksignals_django import tap

    class PrintTap(tap.Tap):
        def on_finish(self, timeline: tap.Timeline) -> None:
            for event in timeline.events:
                print(f"{event.offset * 1000:7.2f} ms {event.kind:6} {event.name}")

    tap.attach(PrintTap())

or, in a test, ``with tap.recording() as timelines: client.get("/")``.

While a tap is attached every signal counts as sent, receivers or not, so the
timeline shows the whole order. While none is attached the library records
nothing: asking for a request's timeline is then a C call that returns ``None``.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._summaries import dotted_name, summarize

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "Event",
    "Tap",
    "Timeline",
    "attach",
    "detach",
    "is_attached",
    "recording",
    "summarize",
    "timeline_of",
]


@dataclass(slots=True)
class Event:
    """One signal sent, hook called, view run or streamed chunk.

    ``kind`` is ``"signal"``, ``"hook"``, ``"view"`` or ``"chunk"``; ``name``
    is the signal's Python name (``"request_started"``), the hook decorator's
    name (``"before_request"``, ``"errorhandler"``, ...), ``"view"`` or
    ``"chunk"``. ``offset`` and ``duration`` are seconds from the start of the
    timeline. ``functions`` are the dotted names of the receivers or the hook
    function called; ``answered`` is True when that function's return value
    became the response (a short-circuiting ``before_request``, an error
    handler); ``error`` is ``"Type: message"`` of what a call raised.
    """

    kind: str
    name: str
    offset: float
    duration: float
    functions: tuple[str, ...] = ()
    args: Mapping[str, str] = field(default_factory=dict)
    answered: bool = False
    error: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The arguments themselves (the response, the exception, ...), for a tap's
    ``on_event`` only: emptied once the taps were told, so that timelines keep
    no request objects alive."""


logger = logging.getLogger("flasksignals_django")
_ids = itertools.count(1)


@dataclass(slots=True, eq=False)
class Timeline:
    """What one request (or one ``app_context()``) did.

    ``method`` and ``path`` are ``None`` for an app context outside requests;
    ``status_code`` is the final response's once ``request_finished`` was
    reached. ``finished`` turns True after the last teardown step.
    """

    method: str | None = None
    path: str | None = None
    id: int = field(default_factory=lambda: next(_ids))
    started_at: float = field(default_factory=time.time)
    """Wall-clock start, seconds since the epoch."""
    events: list[Event] = field(default_factory=list)
    status_code: int | None = None
    finished: bool = False
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def duration(self) -> float:
        """Seconds from the start to the end of the last event so far."""
        if not self.events:
            return 0.0
        return max(event.offset + event.duration for event in self.events)

    def now(self) -> float:
        """Seconds since the start of this timeline."""
        return time.perf_counter() - self._clock

    def add(
        self,
        kind: str,
        name: str,
        start: float,
        functions: Iterable[Callable[..., Any]] = (),
        args: Mapping[str, Any] | None = None,
        error: BaseException | None = None,
        answered: bool = False,
    ) -> Event:
        """Record an event that began at ``start`` (from :meth:`now`) and ends now."""
        event = Event(
            kind,
            name,
            start,
            self.now() - start,
            tuple(dotted_name(fn) for fn in functions),
            summarize(args or {}),
            answered,
            None if error is None else f"{type(error).__name__}: {error}",
            dict(args or {}),
        )
        self.events.append(event)
        for tap in _taps:
            try:
                tap.on_event(self, event)
            except Exception:
                logger.exception("%r.on_event raised", tap)
        event.values = {}
        return event


class Tap:
    """Receives the events of every timeline; override what you need.

    Both methods run inside the request, on the thread that did the work:
    keep them fast, and let them not raise (errors are logged and ignored).
    """

    def on_event(self, timeline: Timeline, event: Event) -> None:
        """Called for each event as soon as it ended."""

    def on_finish(self, timeline: Timeline) -> None:
        """Called once the request's last teardown step ran."""


_taps: list[Tap] = []
_lock = threading.Lock()


def attach(tap: Tap) -> Tap:
    """Start sending timelines to ``tap``; attaching it twice has no effect."""
    global _taps
    with _lock:
        if tap not in _taps:
            _taps = [*_taps, tap]  # copy-on-write: readers iterate without a lock
            _choose_new_timeline()
    return tap


def detach(tap: Tap) -> None:
    """Stop sending to ``tap``; detaching one that is not attached does nothing."""
    global _taps
    with _lock:
        _taps = [t for t in _taps if t is not tap]
        _choose_new_timeline()


def is_attached() -> bool:
    """True while at least one tap is attached (requests then record)."""
    return bool(_taps)


def _recording_timeline(request: HttpRequest | None = None) -> Timeline | None:
    if request is None:
        return Timeline()
    timeline = _by_request[request] = Timeline(request.method, request.path)
    return timeline


_NOTHING: dict[Any, Timeline] = {}

new_timeline: Callable[[HttpRequest | None], Timeline | None] = _NOTHING.get
"""``new_timeline(request_or_None)``: a timeline for a context that starts now, or
``None`` while no tap listens. While none is attached it is the ``get`` of an
empty dict, so a request runs no Python code for the tap."""


def _choose_new_timeline() -> None:
    global new_timeline
    new_timeline = _recording_timeline if _taps else _NOTHING.get


_by_request: weakref.WeakKeyDictionary[HttpRequest, Timeline] = (
    weakref.WeakKeyDictionary()
)


def timeline_of(request: HttpRequest) -> Timeline | None:
    """The timeline of ``request``, while it lives, if a tap was attached when it started."""
    try:
        return _by_request.get(request)
    except TypeError:  # not weakly referenceable: never recorded
        return None


def finish(timeline: Timeline) -> None:
    """Mark ``timeline`` finished and tell the taps."""
    timeline.finished = True
    for tap in _taps:
        try:
            tap.on_finish(timeline)
        except Exception:
            logger.exception("%r.on_finish raised", tap)


class _Collector(Tap):
    def __init__(self) -> None:
        self.timelines: list[Timeline] = []

    def on_finish(self, timeline: Timeline) -> None:
        self.timelines.append(timeline)


@contextmanager
def recording() -> Iterator[list[Timeline]]:
    """Collect the timelines that finish inside the block, in the order they finished."""
    collector = attach(_Collector())
    try:
        yield collector.timelines  # type: ignore[attr-defined]
    finally:
        detach(collector)
