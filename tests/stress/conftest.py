"""Servers for the stress runs: gunicorn (2 workers x 4 gthread) and uvicorn (2 workers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_project.serve import Server

GRACEFUL_TIMEOUT = 20
"""Seconds; longer than any held request waits (15 s at most), so shutdown lets them finish."""


def start(kind: str, tmp: Path) -> Server:
    server = Server(
        kind,
        tmp,
        workers=2,
        graceful_timeout=GRACEFUL_TIMEOUT,
        env={"FLASKSIGNALS_STRESS": "1"},
    )
    server.start()
    return server


@pytest.fixture(scope="module", params=["gunicorn", "uvicorn"])
def stress_server(request, tmp_path_factory) -> Iterator[Server]:
    """One server with two workers for a whole module (load, faults, bad input, leaks)."""
    server = start(request.param, tmp_path_factory.mktemp(request.param))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["gunicorn", "uvicorn"])
def own_server(request, tmp_path) -> Iterator[Server]:
    """A server for one test alone (the shutdown runs stop or kill it)."""
    server = start(request.param, tmp_path)
    try:
        yield server
    finally:
        server.stop()
