"""Real servers: gunicorn (gthread) and uvicorn run tests.server_project on 127.0.0.1.

The project records every signal and hook as JSON lines in the file named by
``FLASKSIGNALS_EVENTS_FILE``; the tests talk plain HTTP (``http.client`` and
raw sockets) and check the full event order: a normal request, a streaming
response (teardown after the last chunk), and a client that disconnects
after the first chunk (teardown exactly once, contexts popped).
"""

from __future__ import annotations

import socket
import time

import django
import pytest

from tests import flask_expected
from tests.flask_expected import named_expected
from tests.server_project.events import STARTED, names, teardown_with
from tests.server_project.serve import Server

pytestmark = pytest.mark.server


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
    assert names(events) == named_expected(flask_expected.ERROR)


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
    for name, _ in teardown_with(None):
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
