"""Memory: what the library allocates per request, and whether anything grows.

Both figures come from ``tracemalloc``, counting only memory allocated by
``flasksignals_django`` code:

- per request: the blocks and bytes that the library allocated and that are
  alive while the view runs (the request's context and what the middleware
  keep for it), read by a snapshot taken inside the view;
- growth: what the library holds after ``requests`` more requests, over what
  it held after a warm-up, which must stay under ``GROWTH_LIMIT`` bytes.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from . import urls
from .harness import Config

LIBRARY = "*flasksignals_django*"
GROWTH_LIMIT = 4096
"""Bytes: a few caches filling up are fine; anything per request is not."""


@dataclass
class Memory:
    name: str
    blocks: int
    size: int
    growth: int
    requests: int

    @property
    def grows(self) -> bool:
        return self.growth > GROWTH_LIMIT


def _library(snapshot: tracemalloc.Snapshot) -> tracemalloc.Snapshot:
    return snapshot.filter_traces([tracemalloc.Filter(True, LIBRARY)])


def _held() -> int:
    gc.collect()
    return sum(
        s.size for s in _library(tracemalloc.take_snapshot()).statistics("filename")
    )


def measure(config: Config, requests: int) -> Memory:
    """Per-request live allocations at the view, and growth over ``requests`` requests."""
    seen: list[tracemalloc.Snapshot] = []

    def in_view() -> None:
        seen.append(_library(tracemalloc.take_snapshot()))

    tracemalloc.start(1)
    try:
        with config.state():
            for _ in range(200):  # caches fill, lazy imports happen
                config.call()
            before = _library(tracemalloc.take_snapshot())
            urls.ON_VIEW = in_view
            try:
                config.call()
            finally:
                urls.ON_VIEW = None
            stats = seen[0].compare_to(before, "lineno")
            blocks = sum(max(s.count_diff, 0) for s in stats)
            size = sum(max(s.size_diff, 0) for s in stats)
            seen.clear()
            start = _held()
            call: Callable[[], object] = config.call
            for _ in range(requests):
                call()
            growth = _held() - start
    finally:
        tracemalloc.stop()
    return Memory(config.name, blocks, size, growth, requests)


def table(results: list[Memory], markdown: bool) -> list[str]:
    header = ("configuration", "blocks", "bytes", "growth", "")
    cells = [
        (
            m.name,
            str(m.blocks),
            str(m.size),
            f"{m.growth:+d} B over {m.requests:,} requests",
            "GROWS" if m.grows else "no growth",
        )
        for m in results
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(row) + " |" for row in cells]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *cells]
    ]
