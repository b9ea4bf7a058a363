"""A thread-safe ring buffer of the events of the last requests, keyed by request id."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

logger = logging.getLogger("demo")

KEEP = 50
"""How many requests the log keeps; the oldest is dropped first."""


@dataclass(frozen=True)
class Event:
    name: str
    kind: str  # "signal" or "hook"
    detail: str
    ms: float  # since the request's first event


@dataclass
class RequestRecord:
    rid: int
    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    status: int | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [event.name for event in self.events]


class EventLog:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._records: OrderedDict[int, RequestRecord] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, method: str = "-", path: str = "app_context()") -> int:
        """Open a record for a new app context (each request pushes one); return its id."""
        with self._lock:
            rid = next(self._ids)
            self._records[rid] = RequestRecord(rid, method, path)
            while len(self._records) > self.keep:
                self._records.popitem(last=False)
        return rid

    def add(self, rid: int, name: str, kind: str, detail: str = "") -> None:
        with self._lock:
            record = self._records.get(rid)
            if record is None:  # dropped from the ring meanwhile
                return
            ms = (time.perf_counter() - record.started) * 1000
            record.events.append(Event(name, kind, detail, round(ms, 2)))
        logger.info("#%d %s", rid, f"{name:<24} {detail}".rstrip())

    def update(self, rid: int, **fields: object) -> None:
        """Set ``method``, ``path`` or ``status`` of a record."""
        with self._lock:
            record = self._records.get(rid)
            if record is not None:
                for name, value in fields.items():
                    setattr(record, name, value)

    def recent(self, count: int | None = None) -> list[RequestRecord]:
        """Copies of the newest records, newest first, safe to read while requests run."""
        with self._lock:
            records = list(self._records.values())[::-1][:count]
            return [
                RequestRecord(
                    r.rid, r.method, r.path, r.started, r.status, list(r.events)
                )
                for r in records
            ]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


log = EventLog()
