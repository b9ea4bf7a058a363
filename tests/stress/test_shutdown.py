"""Shutdown runs: SIGTERM with requests in flight, and SIGKILL of one worker.

Requests are held at a gate (a file the test creates) inside slow sync and
async views and in the middle of sync and async streams, on known workers (a
kept-alive connection stays with the worker that accepted it). The servers
run with a graceful timeout longer than any held request.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import pytest

from .conftest import GRACEFUL_TIMEOUT
from .harness import (
    balanced_per_worker,
    exchange,
    fire,
    fresh,
    get,
    no_leak,
    open_gate,
    settle_tags,
    torn_down_once,
    wait_for_new_worker,
    worker_connections,
)

pytestmark = pytest.mark.stress

HELD = {
    # path: the event that shows the request is in flight, the last part of its body
    "/held/": ("view", "held:{}"),
    "/async/held/": ("view", "held:{}"),
    "/held-stream/": ("chunk", "first;last:{}"),
    "/async/held-stream/": ("chunk", "first;last:{}"),
}


def hold(server, gate: str, per_worker: int = 2):
    """Hold one request per kind, spread over both workers; wait until all are in flight.

    Returns the pool, each request's future, tag, path and worker pid.
    """
    conns = worker_connections(server.port, per_worker)
    order = list(chain(*zip(*conns.values(), strict=True)))  # alternate the workers
    pid_of = {id(c): pid for pid, cs in conns.items() for c in cs}
    pool = ThreadPoolExecutor(len(order))
    held = []
    for conn, path in zip(order, HELD, strict=True):
        tag = f"{gate}-{path.strip('/').replace('/', '-')}"
        future = pool.submit(exchange, conn, f"{path}?gate={gate}&m={tag}")
        held.append((future, tag, path, pid_of[id(conn)]))
    for _, tag, path, _ in held:
        server.wait_for(HELD[path][0], 1, tag=tag)
    return pool, held


def test_sigterm_lets_requests_in_flight_finish(own_server):
    server = own_server
    fresh(server)
    pool, held = hold(server, "term")
    with pool:
        server.proc.send_signal(signal.SIGTERM)
        server.wait_for("sigterm", 2)  # both workers are shutting down now
        open_gate(server.gates, "term")
        answers = {tag: future.result(timeout=30) for future, tag, _, _ in held}
    assert server.proc.wait(timeout=GRACEFUL_TIMEOUT + 10) == 0
    for _, tag, path, _ in held:
        assert answers[tag] == (200, HELD[path][1].format(tag).encode()), tag
    events = server.events()
    names = [(e["name"], e.get("tag")) for e in events]
    stopping = max(i for i, (name, _) in enumerate(names) if name == "sigterm")
    for _, tag, _, _ in held:  # each finished after its worker was told to stop
        ends = [i for i, (n, t) in enumerate(names) if t == tag and n.endswith("_end")]
        assert ends and ends[0] > stopping, tag
    excs = torn_down_once(events, [tag for _, tag, _, _ in held])
    assert set(excs.values()) == {None}
    balanced_per_worker(events)
    no_leak(events)


def test_sigkill_of_one_worker_loses_only_its_requests(own_server):
    server = own_server
    fresh(server)
    pool, held = hold(server, "kill")
    victim = held[0][3]
    with pool:
        os.kill(victim, signal.SIGKILL)
        open_gate(server.gates, "kill")
        answers = {tag: future.result(timeout=30) for future, tag, _, _ in held}
    lost = [tag for _, tag, _, pid in held if pid == victim]
    kept = [tag for _, tag, _, pid in held if pid != victim]
    assert lost and kept
    for _, tag, path, pid in held:
        if pid == victim:
            assert isinstance(answers[tag], str), answers[tag]  # the connection broke
        else:
            assert answers[tag] == (200, HELD[path][1].format(tag).encode()), tag
    # The server serves again, on the other worker and on the one started anew.
    assert get(server.port, "/marker/", "again").status == 200
    replacement = wait_for_new_worker(server, {pid for *_, pid in held})
    replies = fire(
        server.port, [("/async/marker/", f"after-{i}") for i in range(40)], 8
    )
    assert {r.status for r in replies} == {200}
    tags = [*kept, "again", *(r.tag for r in replies)]
    events = settle_tags(server, tags)
    survivors = [e for e in events if e["pid"] != victim]
    excs = torn_down_once(survivors, tags)
    assert set(excs.values()) == {None}
    balanced_per_worker(survivors)
    no_leak(events)
    torn = {e.get("tag") for e in events if e["name"] == "teardown_request"}
    assert torn.isdisjoint(lost)  # killed with its worker: never torn down
    assert replacement not in {pid for *_, pid in held}
