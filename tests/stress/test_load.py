"""Load and leak runs: many mixed, tagged requests at once on two workers.

Receivers on all ten signals, a function on every hook kind; every request is
torn down exactly once, no context is left pushed, no request sees another's
``g`` or ``request``, and the workers' memory stays flat.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from .harness import (
    balanced_per_worker,
    fire,
    fresh,
    no_leak,
    pids,
    rss_kib,
    settle,
    torn_down_once,
)

pytestmark = pytest.mark.stress

LOAD_REQUESTS = 2000
CONCURRENCY = 32
WARM_UP = 2000
LEAK_REQUESTS = 3000
RSS_GROWTH = 0.05


def _stream(path: str) -> Callable[[str], bytes]:
    return lambda tag: "".join(f"{path}|{tag}|{i};" for i in range(3)).encode()


MIX: list[tuple[str, str, int, Callable[[str], bytes] | None]] = [
    # kind, path, status, expected body for a tag
    ("plain", "/marker/", 200, lambda t: f"{t}|{t}|{t}".encode()),
    ("aplain", "/async/marker/", 200, lambda t: f"{t}|{t}|{t}".encode()),
    ("template", "/signals/", 200, lambda t: b"hi sync"),
    ("atemplate", "/async/signals/", 200, lambda t: b"hi async"),
    ("stream", "/stream/", 200, _stream("/stream/")),
    ("astream", "/async/stream/", 200, _stream("/async/stream/")),
    ("boom", "/boom/", 500, None),
    ("aboom", "/async/boom/", 500, None),
    ("handled", "/handled/", 200, lambda t: f"handled:{t}".encode()),
    ("ahandled", "/async/handled/", 200, lambda t: f"handled:{t}".encode()),
    ("short", "/?short=1", 200, lambda t: f"short:{t}".encode()),
    ("notfound", "/nope/", 404, None),
]
KINDS = {kind: (path, status, body) for kind, path, status, body in MIX}


def mixed_jobs(count: int, start: int = 0) -> list[tuple[str, str]]:
    jobs = []
    for i in range(start, start + count):
        kind, path, _, _ = MIX[i % len(MIX)]
        jobs.append((path, f"{kind}-{i}"))
    return jobs


def run_and_check(server, count: int, start: int = 0) -> list[dict]:
    """Fire ``count`` mixed requests, check every answer and the events; return them."""
    fresh(server)
    replies = fire(server.port, mixed_jobs(count, start), CONCURRENCY)
    for reply in replies:
        _, status, body = KINDS[reply.tag.split("-")[0]]
        assert reply.status == status, reply
        if body is not None:
            assert reply.body == body(reply.tag), reply
    events = settle(server, count)
    tags = [reply.tag for reply in replies]
    per_worker = balanced_per_worker(events)
    assert sum(per_worker.values()) == count
    excs = torn_down_once(events, tags)
    assert {tag: exc for tag, exc in excs.items() if exc} == {
        tag: "ViewError" for tag in tags if "boom" in tag
    }
    no_leak(events)
    once = Counter(e.get("tag") for e in events if e["name"] == "after_this_request")
    assert all(once[tag] == 1 for tag in tags)
    reported = Counter(
        e.get("tag") for e in events if e["name"] == "got_request_exception"
    )
    assert reported == Counter(tag for tag in tags if "boom" in tag)
    first = Counter(e["pid"] for e in events if e["name"] == "before_first_request")
    assert all(n == 1 for n in first.values())
    return events


def test_load(stress_server):
    events = run_and_check(stress_server, LOAD_REQUESTS)
    assert pids(events)


def test_no_leak(stress_server):
    warm = run_and_check(stress_server, WARM_UP, start=LOAD_REQUESTS)
    workers = sorted(pids(warm))
    before = {pid: rss_kib(pid) for pid in workers}
    run_and_check(stress_server, LEAK_REQUESTS, start=LOAD_REQUESTS + WARM_UP)
    after = {pid: rss_kib(pid) for pid in workers}
    for pid in workers:
        assert after[pid] <= before[pid] * (1 + RSS_GROWTH), (before, after)
