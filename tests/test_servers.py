"""Real servers: gunicorn (gthread) and uvicorn run tests.server_project on 127.0.0.1.

The project records every signal and hook as JSON lines in the file named by
``FLASKSIGNALS_EVENTS_FILE``; the tests talk plain HTTP (``http.client`` and
raw sockets) and check the full event order: a normal request, a streaming
response (teardown after the last chunk), and a client that disconnects
after the first chunk (teardown exactly once, contexts popped).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import django
import pytest

from tests.server_project.events import STARTED, names, teardown_with

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READY_TIMEOUT = 20.0
EVENT_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(
        self, kind: str, tmp_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.kind = kind
        self.env = env or {}
        self.events_file = tmp_path / f"{kind}-events.jsonl"
        self.log_file = tmp_path / f"{kind}.log"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        if self.kind == "gunicorn":
            return [
                str(BIN / "gunicorn"),
                "tests.server_project.wsgi:application",
                "--worker-class", "gthread",
                "--threads", "4",
                "--workers", "1",
                "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "30",
                "--graceful-timeout", "5",
            ]  # fmt: skip
        return [
            str(BIN / "uvicorn"),
            "tests.server_project.asgi:application",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--lifespan", "off",
            "--log-level", "warning",
        ]  # fmt: skip

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.server_project.settings",
            "FLASKSIGNALS_EVENTS_FILE": str(self.events_file),
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        log = self.log_file.open("wb")
        self.proc = subprocess.Popen(
            self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"{self.kind} exited: {self.log_file.read_text()}")
            with contextlib.suppress(OSError):
                status, _ = self.get("/?m=ready")
                if status == 200:
                    self.wait_popped(1)
                    return
            time.sleep(0.1)
        pytest.fail(
            f"{self.kind} did not start in {READY_TIMEOUT} s: {self.log_file.read_text()}"
        )

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def events(self) -> list[dict]:
        if not self.events_file.exists():
            return []
        return [json.loads(line) for line in self.events_file.read_text().splitlines()]

    def wait_popped(self, count: int) -> list[dict]:
        """Wait until ``count`` app contexts were popped; then read the events once more."""
        deadline = time.monotonic() + EVENT_TIMEOUT
        while time.monotonic() < deadline:
            events = self.events()
            if sum(e["name"] == "appcontext_popped" for e in events) >= count:
                time.sleep(0.3)  # anything that would run twice has had time to
                return self.events()
            time.sleep(0.05)
        pytest.fail(
            f"{self.kind}: no teardown within {EVENT_TIMEOUT} s: {self.events()}"
        )

    def fresh(self) -> None:
        self.events_file.write_text("")


@pytest.fixture(params=["gunicorn", "uvicorn"])
def server(request, tmp_path):
    server = Server(request.param, tmp_path)
    try:
        server.start()
        server.fresh()
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("path", ["/", "/async/"])
def test_normal_request(server, path):
    assert server.get(f"{path}?m=n1") == (200, b"ok")
    events = server.wait_popped(1)
    assert names(events) == [*STARTED, *teardown_with(None)]
    assert {e.get("marker") for e in events[2:-1]} == {"n1"}
    assert len({e["pid"] for e in events}) == 1  # one worker process served it all


@pytest.mark.parametrize("path", ["/stream/", "/async/stream/"])
def test_streaming_teardown_after_last_chunk(server, path):
    status, body = server.get(f"{path}?m=s1")
    assert status == 200
    assert body == "".join(f"{path}|s1|{i};" for i in range(3)).encode()
    events = server.wait_popped(1)
    assert names(events) == [
        *STARTED,
        *[("chunk", i) for i in range(3)],
        *teardown_with(None),
    ]
    assert all(
        e["marker"] == "s1" and e["path"] == path
        for e in events
        if e["name"] == "chunk"
    )


def test_error_request(server):
    status, _ = server.get("/boom/?m=e1")
    assert status == 500
    events = server.wait_popped(1)
    assert names(events) == [
        *STARTED[:4],
        ("got_request_exception", "ViewError"),
        ("after_request", 500),
        ("request_finished", 500),
        ("teardown_request", "ViewError"),
        ("request_tearing_down", "ViewError"),
        ("teardown_appcontext", "ViewError"),
        ("appcontext_tearing_down", "ViewError"),
        ("appcontext_popped", None),
    ]


def read_until_first_chunk_then_leave(port: int, path: str) -> bytes:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    received = b""
    try:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        deadline = time.monotonic() + 10
        while b"first;" not in received and time.monotonic() < deadline:
            data = sock.recv(4096)
            if not data:
                break
            received += data
    finally:
        # Reset the connection so the server notices at once.
        sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        sock.close()
    return received


def test_client_disconnects_mid_stream(server):
    if server.kind == "uvicorn" and django.VERSION < (5, 0):
        pytest.skip(
            "Django 4.2's ASGIHandler ignores disconnects: the stream runs to its end"
        )
    path = (
        "/async/slow-stream/?m=d1" if server.kind == "uvicorn" else "/slow-stream/?m=d1"
    )
    received = read_until_first_chunk_then_leave(server.port, path)
    assert b"first;" in received
    events = server.wait_popped(1)
    labels = [e["name"] for e in events]
    assert names(events)[:6] == STARTED
    assert "stream_end" not in labels  # the stream did not run to its end
    for name in (
        "teardown_request",
        "request_tearing_down",
        "teardown_appcontext",
        "appcontext_tearing_down",
        "appcontext_popped",
    ):
        assert labels.count(name) == 1, name
    exc = events[labels.index("teardown_request")]["arg"]
    if server.kind == "uvicorn":
        assert exc == "CancelledError"
        assert names(events)[-5:] == teardown_with("CancelledError")
    else:
        # gunicorn closes the response when a write fails; the body did not
        # raise, so there is no exception: teardown gets None.
        assert exc is None
        assert names(events)[-5:] == teardown_with(None)
    # The server still serves: nothing was left half torn down.
    server.fresh()
    assert server.get("/?m=after") == (200, b"ok")
    assert names(server.wait_popped(1)) == [*STARTED, *teardown_with(None)]
