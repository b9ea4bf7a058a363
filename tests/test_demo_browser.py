"""Click through the running demo in Debian's Chromium, driven by Playwright.

Skipped without /usr/bin/chromium or the playwright package, unless
FLASKSIGNALS_REQUIRE_BROWSER=1 (CI): then it fails instead.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demo_project.views import HOOK_NAMES, SIGNAL_NAMES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = "/tmp/demo.png"
READY_TIMEOUT = 30.0


def _unavailable(reason: str) -> None:
    if os.environ.get("FLASKSIGNALS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FLASKSIGNALS_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    # A TCP connect, not an HTTP request: the browser's first page stays the
    # process's first request (and shows before_first_request).
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runserver exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"runserver did not listen on port {port} in {READY_TIMEOUT}s")


@pytest.fixture
def demo_url(tmp_path):
    """The demo under ``manage.py runserver``, on a fresh SQLite file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_project.settings",
        "DEMO_DB_PATH": str(tmp_path / "demo.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    output = tmp_path / "runserver.log"
    with output.open("wb") as sink:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}", output
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed")
    if importlib.util.find_spec("playwright") is None:
        _unavailable("the playwright package is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            tab.set_default_navigation_timeout(30_000)
            yield tab
        finally:
            browser.close()


def _click(page, name: str, path: str) -> int:
    """Click the link called ``name``; return the status of the response for ``path``."""
    with page.expect_response(lambda r: r.url.endswith(path)) as response:
        page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state()
    return response.value.status


def test_demo_in_chromium(page, demo_url):
    base, server_log = demo_url

    response = page.goto(base + "/")
    assert response is not None
    assert response.status == 200
    assert response.headers["x-demo-request-id"]
    assert page.title() == "flasksignals-django demo"

    assert _click(page, "Django template", "/template/") == 200
    assert "render_note: set by a before_render_template receiver" in page.inner_text(
        "main"
    )

    assert _click(page, "Flash messages", "/flash/") == 302
    assert page.url == base + "/"
    assert "Flashed with flasksignals_django.flash()" in page.inner_text(
        ".message.success"
    )
    assert "Added with django.contrib.messages.info()" in page.inner_text(
        ".message.info"
    )
    recent = page.inner_text("#recent")
    assert "GET /flash/" in recent
    assert "message_flashed" in recent

    assert _click(page, "/blocked/", "/blocked/") == 403
    assert page.inner_text("body").strip() == "blocked by before_request"

    page.go_back()
    assert _click(page, "Jinja2 template", "/jinja/") == 200
    assert "Jinja2 expression: 6" in page.inner_text("body")
    page.go_back()
    assert _click(page, "Async view", "/async/") == 200
    assert _click(page, "View that raises", "/error/") == 500
    # DEBUG propagates exceptions (FLASKSIGNALS_PROPAGATE_EXCEPTIONS follows it):
    # Django's technical 500 page, not errorhandler(500).
    assert "RuntimeError" in page.inner_text("h1")
    page.go_back()
    assert _click(page, "Custom exception", "/error/custom/") == 409
    assert _click(page, "Unknown URL", "/no-such-page/") == 404
    assert "404: errorhandler(404)" in page.inner_text("h1")
    assert _click(page, "Streaming", "/stream/") == 200
    assert "g.chunks=5" in page.inner_text("body")
    page.go_back()

    assert _click(page, "Events", "/events/") == 200
    summary = page.inner_text("#summary")
    log = page.inner_text("#log")
    # Under DEBUG, errorhandler(500) is skipped: the exception propagates.
    answered = [
        name for name in SIGNAL_NAMES + HOOK_NAMES if name != "errorhandler(500)"
    ]
    for name in answered:
        assert f"✓ {name}" in summary, name
        assert name in log, name
    assert summary.count("✗") == 1 and "✗ errorhandler(500)" in summary
    assert "GET /blocked/ → 403" in log
    page.screenshot(path=SCREENSHOT)

    console = server_log.read_text()
    assert "[demo] #1 before_first_request" in console
    assert "appcontext_popped" in console
