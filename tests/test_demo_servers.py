"""The demo's request log under gunicorn and uvicorn with two workers each.

Every worker writes its requests' rows to the one SQLite file, and each row
gets its complete timeline (the tap's ``on_finish`` after the last teardown
step), under WSGI and under ASGI.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TIMEOUT = 30.0
REQUESTS = [
    ("/", 200),
    ("/template/", 200),
    ("/stream/", 200),
    ("/async/", 200),
    ("/error/", 500),
    ("/blocked/", 403),
    ("/no-such-page/", 404),
    ("/jinja/", 200),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(kind: str, port: int) -> list[str]:
    if kind == "gunicorn":
        return [
            str(BIN / "gunicorn"), "demo_project.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--timeout", "30", "--graceful-timeout", "5",
        ]  # fmt: skip
    return [
        str(BIN / "uvicorn"), "demo_project.asgi:application",
        "--workers", "2", "--host", "127.0.0.1", "--port", str(port),
        "--lifespan", "off", "--log-level", "warning",
    ]  # fmt: skip


def _get(port: int, path: str) -> tuple[int, str]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("X-Demo-Request-Id", "")
        except (ConnectionRefusedError, ConnectionResetError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # the workers are still starting
        finally:
            connection.close()


@pytest.fixture(params=["gunicorn", "uvicorn"])
def demo_server(request, tmp_path) -> Iterator[tuple[int, Path, Path]]:
    database = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_project.settings",
        "DEMO_DB_PATH": str(database),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            _command(request.param, port),
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield port, database, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _complete_rows(database: Path, count: int) -> list[tuple[str, ...]]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        with sqlite3.connect(database, timeout=20) as db:
            rows = db.execute(
                "SELECT rid, path, status, worker, events FROM showcase_requestlog"
                " WHERE complete ORDER BY id"
            ).fetchall()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)  # polling the file another process writes


def test_every_workers_requests_reach_the_log(demo_server):
    port, database, log = demo_server
    answers = [(path, *_get(port, path)) for path, _ in REQUESTS]
    assert [(path, status) for path, status, _ in answers] == REQUESTS
    rows = _complete_rows(database, len(REQUESTS))
    by_rid = {row[0].replace("-", ""): row for row in rows}
    for path, status, rid in answers:
        _, logged_path, logged_status, worker, events = by_rid[rid.replace("-", "")]
        assert (logged_path, logged_status) == (path, status)
        names = [event["name"] for event in json.loads(events)]
        assert names[-3:] == [
            "teardown_appcontext",
            "appcontext_tearing_down",
            "appcontext_popped",
        ]
        assert worker.rpartition(":")[2].isdigit()
    assert len(rows) == len(REQUESTS)
    # Teardown ran in sync code: no ORM write needed the event-loop fallback.
    assert "event loop" not in log.read_text()
