"""Drive a stress server: many tagged requests, raw sockets, held requests, and the checks.

Every request carries ``?m=<tag>``. Each recorded event carries it three
ways: ``tag`` (read by the project's outermost middleware, so also on the steps
that see no request), ``m`` (what ``request`` says) and ``marker`` (what ``g``
says, copied from the request by a before_request function); a request that saw
another one's ``g`` or ``request`` shows up as an event where they differ.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.server_project.serve import EVENT_TIMEOUT, SETTLE, Server

TIMEOUT = 20.0
TEARDOWN = (
    "teardown_request",
    "request_tearing_down",
    "teardown_appcontext",
    "appcontext_tearing_down",
    "appcontext_popped",
)


@dataclass
class Reply:
    path: str
    tag: str
    status: int
    body: bytes


def get(port: int, path: str, tag: str) -> Reply:
    sep = "&" if "?" in path else "?"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", f"{path}{sep}m={tag}")
        response = conn.getresponse()
        return Reply(path, tag, response.status, response.read())
    finally:
        conn.close()


def fire(port: int, jobs: Iterable[tuple[str, str]], concurrency: int) -> list[Reply]:
    """GET each ``(path, tag)`` with ``concurrency`` clients at once, a connection each."""
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda job: get(port, *job), jobs))


def settle(server: Server, popped: int) -> list[dict[str, Any]]:
    """The events once ``popped`` app contexts were popped in all (and nothing more runs)."""
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        text = server.events_file.read_text() if server.events_file.exists() else ""
        if text.count('"name": "appcontext_popped"') >= popped:
            time.sleep(SETTLE)
            return server.events()
        time.sleep(0.05)
    raise AssertionError(f"{server.kind}: fewer than {popped} teardowns in time")


def balanced_per_worker(events: list[dict[str, Any]]) -> Counter[int]:
    """Assert that each worker popped every app context it pushed; count them per pid."""
    pushed = Counter(e["pid"] for e in events if e["name"] == "appcontext_pushed")
    for name in TEARDOWN:
        assert Counter(e["pid"] for e in events if e["name"] == name) == pushed, name
    return pushed


def no_leak(events: list[dict[str, Any]]) -> None:
    """No event saw another request's ``request`` or ``g``."""
    mixed = [
        e
        for e in events
        if e.get("tag")
        and (
            e.get("m", e["tag"]) != e["tag"] or e.get("marker") not in (None, e["tag"])
        )
    ]
    assert mixed == [], mixed[:5]


def torn_down_once(
    events: list[dict[str, Any]], tags: Iterable[str], pushed: bool = True
) -> dict[str, Any]:
    """Assert each tag's request was pushed (if ``pushed``) and torn down exactly once.

    Return each tag's ``exc`` as teardown_request saw it.
    """
    steps = (("appcontext_pushed",) if pushed else ()) + TEARDOWN
    per_step = {
        name: Counter(e.get("tag") for e in events if e["name"] == name)
        for name in steps
    }
    for tag in tags:
        for name, counts in per_step.items():
            assert counts[tag] == 1, (tag, name, counts[tag])
    return {e["tag"]: e["arg"] for e in events if e["name"] == "teardown_request"}


def unpopped(events: list[dict[str, Any]]) -> set[str | None]:
    """The tags of requests that left an event but no ``appcontext_popped`` yet."""
    popped = Counter(e.get("tag") for e in events if e["name"] == "appcontext_popped")
    pushed = Counter(e.get("tag") for e in events if e["name"] == "appcontext_pushed")
    seen = {e.get("tag") for e in events if e["name"] != "sigterm"}
    return {
        tag
        for tag in seen
        if popped[tag] < max(pushed[tag], 1 if tag is not None else 0)
    }


def pids(events: list[dict[str, Any]]) -> set[int]:
    return {e["pid"] for e in events}


def worker_connections(
    port: int, per_worker: int, workers: int = 2
) -> dict[int, list[http.client.HTTPConnection]]:
    """Keep-alive connections, ``per_worker`` to each worker (a connection stays with one)."""
    found: dict[int, list[http.client.HTTPConnection]] = {}
    spare: list[http.client.HTTPConnection] = []
    for _ in range(60):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/pid/")
        pid = int(conn.getresponse().read())
        conns = found.setdefault(pid, [])
        (conns if len(conns) < per_worker else spare).append(conn)
        if len(found) == workers and all(len(c) == per_worker for c in found.values()):
            break
    for conn in spare:
        conn.close()
    assert len(found) == workers and all(
        len(c) == per_worker for c in found.values()
    ), {pid: len(c) for pid, c in found.items()}
    return found


def exchange(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes] | str:
    """One request on a kept-alive connection; the error's class name if it broke."""
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        conn.close()


def open_gate(gate_dir: Path, name: str) -> None:
    (gate_dir / name).write_text("open")


def raw(port: int, payload: bytes, half_close: bool = True) -> bytes:
    """Send ``payload`` as is over a socket and read what comes back, bounded in time."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(payload)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
            received = b""
            while len(received) < 1 << 20:
                data = sock.recv(65536)
                if not data:
                    break
                received += data
        except OSError:  # reset or timed out: the server gave up on it
            return received if "received" in locals() else b""
    return received


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid``, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def wait_balanced(server: Server) -> list[dict[str, Any]]:
    """The events once every request that left an event was popped."""
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        if not unpopped(server.events()):
            time.sleep(SETTLE)
            return server.events()
        time.sleep(0.05)
    raise AssertionError(
        f"{server.kind}: contexts left pushed: {sorted(map(str, unpopped(server.events())))}"
    )


def fresh(server: Server) -> None:
    """Empty the events file once the requests before have been torn down."""
    wait_balanced(server)
    server.fresh()


def settle_tags(server: Server, tags: Iterable[str]) -> list[dict[str, Any]]:
    """The events once the request of every tag in ``tags`` was popped."""
    wanted = set(tags)
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        events = server.events()
        popped = {e.get("tag") for e in events if e["name"] == "appcontext_popped"}
        if wanted <= popped:
            time.sleep(SETTLE)
            return server.events()
        time.sleep(0.05)
    raise AssertionError(f"{server.kind}: not torn down in time: {wanted - popped}")


def wait_for_new_worker(server: Server, known: set[int]) -> int:
    """Ask ``/pid/`` on fresh connections until a worker not in ``known`` answers."""
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        status, body = server.get("/pid/")
        if status == 200 and int(body) not in known:
            return int(body)
        time.sleep(0.05)
    raise AssertionError(f"{server.kind}: no new worker answered")
