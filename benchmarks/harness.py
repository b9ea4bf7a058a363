"""Configurations, the interleaved timer and the statistics of paired ratios.

Every configuration runs for one short slice per round, in a shuffled order, so
slow and fast moments of a noisy machine hit every configuration alike; each
comparison is a ratio taken within one round, and the table shows the median
of those ratios over the rounds with their spread.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field


class CheckFailed(AssertionError):
    """A configuration did not return the right response or fire the right events."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass
class Config:
    """One thing to time: ``call()`` handles one request (or renders once).

    ``state()`` is entered around every slice (settings, receivers, hooks);
    ``check()`` runs once before timing and raises :class:`CheckFailed` when
    the configuration is broken; ``run_slice`` may be replaced (ASGI runs its
    slice inside an event loop).
    """

    name: str
    group: str
    call: Callable[[], object]
    check: Callable[[], None]
    state: Callable[[], AbstractContextManager[object]] = nullcontext
    run_slice: Callable[[int], tuple[int, int]] | None = None
    verify: Callable[[object], None] | None = None
    times: list[float] = field(default_factory=list)

    def slice(self, budget_ns: int, warmup: int) -> float:
        """Run for about ``budget_ns``; the mean ns per call of this slice."""
        with self.state():
            for _ in range(warmup):
                self.call()
            if self.run_slice is not None:
                count, elapsed = self.run_slice(budget_ns)
            else:
                count, elapsed = sync_slice(self.call, budget_ns)
            if self.verify is not None:
                self.verify(self.call())
        return elapsed / count


def sync_slice(call: Callable[[], object], budget_ns: int) -> tuple[int, int]:
    clock = time.perf_counter_ns
    start = clock()
    count = 0
    while True:
        call()
        count += 1
        elapsed = clock() - start
        if elapsed >= budget_ns:
            return count, elapsed


def run(
    configs: Sequence[Config],
    rounds: int,
    slice_ms: float,
    warmup: int = 3,
    seed: int = 5,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Time every configuration ``rounds`` times, interleaved, into ``config.times``."""
    budget = int(slice_ms * 1_000_000)
    order = list(configs)
    shuffle = random.Random(seed).shuffle
    for index in range(rounds):
        shuffle(order)
        for config in order:
            config.times.append(config.slice(budget, warmup))
        if progress is not None:
            progress(index)


# -- statistics -----------------------------------------------------------------------


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, mid, high


def paired(a: Config, b: Config) -> Iterator[tuple[float, float]]:
    return zip(a.times, b.times, strict=True)


def ratio(a: Config, b: Config) -> tuple[float, float, float]:
    """Quartiles of a/b, one ratio per round."""
    return quartiles([x / y for x, y in paired(a, b)])


def added(a: Config, base: Config) -> list[float]:
    """a - base per round, in ns."""
    return [x - y for x, y in paired(a, base)]


def added_ratio(
    ours: Config, ours_base: Config, theirs: Config, theirs_base: Config
) -> tuple[float, tuple[float, float, float]]:
    """What ``ours`` adds to ``ours_base`` over what ``theirs`` adds to ``theirs_base``.

    The headline is the ratio of the two median added times; the spread is the
    quartiles of the per-round ratio.
    """
    mine = added(ours, ours_base)
    other = added(theirs, theirs_base)
    headline = statistics.median(mine) / statistics.median(other)
    per_round = [x / y for x, y in zip(mine, other, strict=True) if y > 0]
    return headline, quartiles(per_round or [float("nan")])
