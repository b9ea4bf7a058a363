"""Click through the running demo in Debian's Chromium, driven by Playwright.

Each page shows its own request's timeline once its teardown ran; the tests
read those rows, the request log, the debug toolbar's panel and the phone
layout, and keep screenshots in the test's ``tmp_path``.

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demo_project import settings as demo_settings
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
READY_TIMEOUT = 30.0
PHONE = {"width": 390, "height": 844}

START = ["appcontext_pushed", "request_started", "before_request"]
END = [
    "after_request",
    "request_finished",
    "teardown_request",
    "request_tearing_down",
    "teardown_appcontext",
    "appcontext_tearing_down",
    "appcontext_popped",
]
TEMPLATE = ["before_render_template", "template_rendered"]
# nav link, path, status, events in this order (others may come between), what answered
PAGES = [
    ("Django template", "/template/", 200, [*START, "view", *TEMPLATE, "after_this_request", *END], "view"),
    ("Jinja2 template", "/jinja/", 200, [*START, "view", *TEMPLATE, *END], "view"),
    ("Streaming", "/stream/", 200, [*START, "view", *TEMPLATE, "chunk", *END[2:]], "view"),
    ("Async view", "/async/", 200, [*START, "view", *TEMPLATE, *END], "view"),
    ("View that raises", "/error/", 500, [*START, "view", "got_request_exception", "errorhandler", *TEMPLATE, *END], "errorhandler"),
    ("Custom exception", "/error/custom/", 409, [*START, "view", "errorhandler", *TEMPLATE, *END], "errorhandler"),
    ("Blocked", "/blocked/", 403, [*START, *TEMPLATE, *END], "before_request"),
    ("Unknown URL", "/no-such-page/", 404, [*START, "errorhandler", *TEMPLATE, *END], "errorhandler"),
]  # fmt: skip


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


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> Iterator[str]:
    """The demo under ``manage.py runserver``, on a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("demo-server")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_project.settings",
        "DEMO_DB_PATH": str(folder / "demo.sqlite3"),
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
    with (folder / "runserver.log").open("wb") as sink:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed")
    if importlib.util.find_spec("playwright") is None:
        _unavailable("the playwright package is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.set_default_navigation_timeout(30_000)
    return tab


@pytest.fixture
def page(browser):
    tab = _page(browser, viewport={"width": 1280, "height": 900})
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser):
    tab = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield tab
    tab.context.close()


def _click(page, name: str, path: str) -> Any:
    """Click the nav link called ``name``; return the response for ``path``."""
    with page.expect_response(lambda r: r.url.endswith(path)) as response:
        page.locator("header.site nav").get_by_role(
            "link", name=name, exact=True
        ).click()
    page.wait_for_load_state()
    return response.value


def own_timeline(page) -> list[dict[str, Any]]:
    """The rows of the page's own timeline, once the page fetched it complete."""
    page.wait_for_selector("#timeline[data-state=complete]")
    return page.eval_on_selector_all(
        "#timeline li[data-name]",
        """rows => rows.map(row => ({
            name: row.dataset.name, kind: row.dataset.kind,
            answered: row.classList.contains("answered"),
            failed: row.classList.contains("failed")}))""",
    )


def in_order(expected: list[str], names: list[str]) -> bool:
    rest = iter(names)
    return all(name in rest for name in expected)


def test_demo_pages_show_their_own_timeline(page, demo_url, tmp_path):
    response = page.goto(demo_url + "/")
    assert response.status == 200
    assert page.title() == "flasksignals-django demo"
    rows = own_timeline(page)
    src = page.get_attribute("#timeline", "data-timeline-src")
    assert src == f"/timeline/{response.headers['x-demo-request-id']}/"
    assert in_order([*START, "view", *TEMPLATE, *END], [r["name"] for r in rows])
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    for name, path, status, expected, answered in PAGES:
        response = _click(page, name, path)
        assert response.status == status, path
        rows = own_timeline(page)
        names = [row["name"] for row in rows]
        assert in_order(expected, names), (path, names)
        assert [r["name"] for r in rows if r["answered"]] == [answered], path
        assert page.get_attribute("#timeline", "data-timeline-src") == (
            f"/timeline/{response.headers['x-demo-request-id']}/"
        )
        assert page.locator("header.site nav a[aria-current=page]").count() == 1
        if path == "/stream/":
            assert [r["kind"] for r in rows].count("chunk") == 8
            assert "g.chunks=5" in page.inner_text("main")
        # As in Flask: only an error no handler of its class took is "unhandled".
        assert ("got_request_exception" in names) == (path == "/error/")
        page.screenshot(path=tmp_path / f"{path.strip('/') or 'home'}.png".replace("/", "-"), full_page=True)  # fmt: skip

    _click(page, "Flash messages", "/flash/")
    assert page.url == demo_url + "/"
    assert "Flashed with flasksignals_django.flash()" in page.inner_text(
        ".message.success"
    )
    assert "GET / → 200" in page.inner_text("#timeline .tl-summary")


def test_demo_request_log_filters_and_folds_open(page, demo_url, tmp_path):
    for path in ["/", "/error/", "/error/custom/", "/blocked/", "/flash/"]:
        page.goto(demo_url + path)
        own_timeline(page)
    page.goto(demo_url + "/events/")
    summary = page.inner_text("#summary")
    for name in SIGNAL_NAMES + HOOK_NAMES:
        assert f"✓ {name}" in summary, name
    assert "✗" not in summary

    page.fill("input[name=path]", "error")
    page.select_option("select[name=status]", "5xx")
    page.click("form.filters button")
    page.wait_for_load_state()
    lines = page.locator("#log .req-line").all_inner_texts()
    assert lines and set(lines) == {"GET /error/"}
    first = page.locator("#log details.req").first
    first.locator("summary").click()
    rows = first.locator("li[data-name]")
    assert rows.count() > 10
    assert first.locator("li.answered").get_attribute("data-name") == "errorhandler"
    page.screenshot(path=tmp_path / "events-filtered.png", full_page=True)

    page.goto(demo_url + "/events/?status=403")
    assert set(page.locator("#log .req-line").all_inner_texts()) == {"GET /blocked/"}


def test_demo_reads_on_a_phone(phone, demo_url, tmp_path):
    for path in ["/", "/template/", "/stream/", "/error/", "/blocked/", "/events/"]:
        phone.goto(demo_url + path)
        own_timeline(phone)
        if path == "/events/":
            phone.locator("#log details.req summary").first.click()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        name = path.strip("/").replace("/", "-") or "home"
        phone.screenshot(path=tmp_path / f"phone-{name}-top.png")
        phone.screenshot(path=tmp_path / f"phone-{name}.png", full_page=True)
        phone.locator("#timeline").scroll_into_view_if_needed()
        phone.screenshot(path=tmp_path / f"phone-{name}-timeline.png")


def test_demo_toolbar_shows_the_flasksignals_panel(page, demo_url, tmp_path):
    if not demo_settings.TOOLBAR:
        pytest.skip("django-debug-toolbar is not installed")
    from playwright.sync_api import expect

    page.goto(demo_url + "/template/")
    own_timeline(page)
    page.click("#djShowToolBarButton")
    assert page.locator("#djDebugToolbar").is_visible()
    if demo_settings.FLASKSIGNALS_PANEL not in demo_settings.DEBUG_TOOLBAR_PANELS:
        # The panel's module is not there yet: the toolbar's own panels still work.
        page.click("#djdt-TemplatesPanel a")
        expect(page.locator("#TemplatesPanel .djdt-scroll")).to_contain_text(
            "showcase/template.html"
        )
    else:
        page.click("#djdt-FlaskSignalsPanel a")
        panel = page.locator("#FlaskSignalsPanel .djdt-scroll")
        expect(panel).to_contain_text("request_started")
        expect(panel).to_contain_text("before_render_template")
        expect(panel).to_contain_text("teardown_request")
    page.screenshot(path=tmp_path / "toolbar.png")
