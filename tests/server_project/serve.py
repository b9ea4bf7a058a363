"""Run the project under real gunicorn (gthread) or uvicorn on 127.0.0.1 and read its events.

Used by ``tests/test_servers.py`` (one worker) and ``tests/stress/`` (two
workers). Every signal and hook appends a JSON line to ``events_file`` (see
:mod:`tests.server_project.events`); each line carries the worker's ``pid``.
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
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
READY_TIMEOUT = 20.0
EVENT_TIMEOUT = 15.0
SETTLE = 0.3
"""Seconds to wait once a count is reached, so that anything running twice shows."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One gunicorn or uvicorn process tree serving ``tests.server_project``."""

    def __init__(
        self,
        kind: str,
        tmp_path: Path,
        workers: int = 1,
        graceful_timeout: int = 5,
        env: dict[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.workers = workers
        self.graceful_timeout = graceful_timeout
        self.env = env or {}
        self.events_file = tmp_path / f"{kind}-events.jsonl"
        self.gates = tmp_path / f"{kind}-gates"
        """Held views wait until the file their ``?gate=`` names exists here."""
        self.gates.mkdir(exist_ok=True)
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
                "--workers", str(self.workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "30",
                "--keep-alive", "30",
                "--graceful-timeout", str(self.graceful_timeout),
            ]  # fmt: skip
        return [
            str(BIN / "uvicorn"),
            "tests.server_project.asgi:application",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--workers", str(self.workers),
            "--lifespan", "off",
            "--log-level", "info",
            "--no-access-log",
            "--timeout-keep-alive", "30",
            "--timeout-graceful-shutdown", str(self.graceful_timeout),
        ]  # fmt: skip

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.server_project.settings",
            "FLASKSIGNALS_EVENTS_FILE": str(self.events_file),
            "FLASKSIGNALS_GATE_DIR": str(self.gates),
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
                pytest.fail(f"{self.kind} exited: {self.log()}")
            with contextlib.suppress(OSError):
                status, _ = self.get("/?m=ready")
                if status == 200:
                    self.wait_popped(1)
                    return
            time.sleep(0.1)
        pytest.fail(f"{self.kind} did not start in {READY_TIMEOUT} s: {self.log()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=self.graceful_timeout + 10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def events(self) -> list[dict[str, Any]]:
        if not self.events_file.exists():
            return []
        return [json.loads(line) for line in self.events_file.read_text().splitlines()]

    def wait_for(self, name: str, count: int, **match: Any) -> list[dict[str, Any]]:
        """Wait until ``count`` events called ``name`` (matching ``match``) were recorded."""
        deadline = time.monotonic() + EVENT_TIMEOUT
        while time.monotonic() < deadline:
            events = self.events()
            seen = [
                e
                for e in events
                if e["name"] == name and all(e.get(k) == v for k, v in match.items())
            ]
            if len(seen) >= count:
                return events
            time.sleep(0.05)
        pytest.fail(f"{self.kind}: fewer than {count} {name} {match} events in time")

    def wait_popped(self, count: int) -> list[dict[str, Any]]:
        """Wait until ``count`` app contexts were popped; then read the events once more."""
        self.wait_for("appcontext_popped", count)
        time.sleep(SETTLE)
        return self.events()

    def fresh(self) -> None:
        self.events_file.write_text("")
