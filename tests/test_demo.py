"""The demo project, driven in-process with Django's test client."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.test import Client, override_settings

from demo_project import settings as demo_settings
from demo_project.showcase import wiring
from demo_project.showcase.events import EventLog, log
from demo_project.views import HOOK_NAMES, SIGNAL_NAMES
from flasksignals_django import current_app

ROOT = Path(__file__).resolve().parent.parent

REQUEST_START = ["appcontext_pushed", "request_started", "before_request"]
REQUEST_END = [
    "after_request",
    "request_finished",
    "teardown_request",
    "request_tearing_down",
    "teardown_appcontext",
    "appcontext_tearing_down",
    "appcontext_popped",
]


@pytest.fixture
def client():
    """Answers with the demo's 500 page: Django's got_request_exception, which
    the demo's errorhandler(500) now lets through, makes the default client re-raise."""
    return Client(raise_request_exception=False)


@pytest.fixture
def demo():
    """The demo's URLs, templates and middleware, with its receivers and hooks installed."""
    log.clear()
    with override_settings(
        ROOT_URLCONF="demo_project.urls",
        TEMPLATES=demo_settings.TEMPLATES,
        MIDDLEWARE=demo_settings.MIDDLEWARE,
        MESSAGE_STORAGE=demo_settings.MESSAGE_STORAGE,
    ):
        try:
            # As in AppConfig.ready(): before the process's first request.
            current_app.reset_first_request(False)
            wiring.install()
            current_app.reset_first_request(True)
            yield log
        finally:
            wiring.uninstall()
            log.clear()


def names_of(path: str) -> list[str]:
    (record,) = [r for r in log.recent() if r.path == path]
    return record.names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/", 200, "Every response carries"),
        ("/template/", 200, "render_note: set by a before_render_template receiver"),
        ("/jinja/", 200, "Jinja2 expression: 6"),
        ("/async/", 200, "Rendered from an async def view"),
        ("/error/", 500, "500: errorhandler(500)"),
        ("/error/custom/", 409, "Handled: a DemoError raised by the view"),
        ("/blocked/", 403, "blocked by before_request"),
        ("/no-such-page/", 404, "Nothing at /no-such-page/."),
        ("/events/", 200, "Seen so far"),
    ],
)
def test_demo_page_answers(demo, client, path, status, text):
    response = client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()
    assert response["X-Demo-Request-Id"] == str(log.recent(1)[0].rid)


@pytest.mark.django_db
def test_demo_template_page_sends_the_signals_in_flask_order(demo, client):
    response = client.get("/template/")
    assert response["X-After-This-Request"] == "django-template page"
    assert names_of("/template/") == [
        *REQUEST_START,
        "before_render_template",
        "template_rendered",
        "after_this_request",
        *REQUEST_END,
    ]


@pytest.mark.django_db
def test_demo_first_request_runs_before_first_request(demo, client):
    current_app.reset_first_request(False)  # isolated_hooks restores it
    client.get("/")
    client.get("/")
    first, second = reversed(log.recent())
    assert first.names[:3] == [
        "appcontext_pushed",
        "before_first_request",
        "request_started",
    ]
    assert "before_first_request" not in second.names


@pytest.mark.django_db
def test_demo_flash_page_flashes_then_redirects(demo, client):
    response = client.get("/flash/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert "Flashed with flasksignals_django.flash()" in page
    assert "Added with django.contrib.messages.info()" in page
    flashed = [e for e in log.recent()[-1].events if e.name == "message_flashed"]
    assert [e.detail for e in flashed] == [
        "[success] Flashed with flasksignals_django.flash()",
        "[info] Added with django.contrib.messages.info()",
    ]


@pytest.mark.django_db
def test_demo_raising_view_reaches_errorhandler_500(demo, client):
    client.get("/error/")
    assert names_of("/error/") == [
        *REQUEST_START,
        "got_request_exception",
        "errorhandler(500)",
        "before_render_template",
        "template_rendered",
        *REQUEST_END,
    ]
    teardown = [e for e in log.recent()[0].events if e.name == "teardown_request"]
    assert teardown[0].detail == "exc=RuntimeError('this view raised on purpose')"


@pytest.mark.django_db
def test_demo_blocked_short_circuits_before_routing(demo, client):
    response = client.get("/blocked/")
    assert response.content == b"blocked by before_request"
    assert names_of("/blocked/") == [*REQUEST_START, *REQUEST_END]


@pytest.mark.django_db
def test_demo_stream_tears_down_after_the_body(demo, client):
    response = client.get("/stream/")
    assert "teardown_request" not in names_of("/stream/")
    body = b"".join(response.streaming_content).decode()
    response.close()
    assert "chunk 5 of /stream/, g.chunks=5" in body
    assert names_of("/stream/")[-5:] == REQUEST_END[-5:]


@pytest.mark.django_db
async def test_demo_async_view_under_asgi(demo, async_client):
    response = await async_client.get("/async/")
    assert response.status_code == 200
    assert names_of("/async/") == [
        *REQUEST_START,
        "before_render_template",
        "template_rendered",
        *REQUEST_END,
    ]


@pytest.mark.django_db
def test_demo_events_page_shows_every_signal_and_hook(demo, client):
    current_app.reset_first_request(False)
    for path in [
        "/template/",
        "/jinja/",
        "/flash/",
        "/error/",
        "/error/custom/",
        "/blocked/",
        "/missing/",
    ]:
        client.get(path)
    page = client.get("/events/").content.decode()
    for name in SIGNAL_NAMES + HOOK_NAMES:
        assert f"✓ {name}<" in page, name
    assert "✗" not in page
    assert "GET /blocked/ → 403" in page


def test_demo_app_context_outside_requests_is_recorded(demo):
    with current_app.app_context():
        pass
    (record,) = log.recent()
    assert record.path == "app_context()"
    assert record.names == [
        "appcontext_pushed",
        "teardown_appcontext",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_demo_install_twice_connects_once(demo):
    wiring.install()
    assert current_app.before_request_funcs.count(wiring.block_some_paths) == 1


def test_event_log_keeps_only_the_newest_requests():
    events = EventLog(keep=3)
    rids = [events.start("GET", f"/{n}/") for n in range(5)]
    events.add(rids[0], "dropped", "hook")
    events.add(rids[4], "kept", "hook")
    assert [r.rid for r in events.recent()] == rids[:1:-1]
    assert events.recent(1)[0].names == ["kept"]


def test_event_log_is_thread_safe():
    events = EventLog(keep=50)
    seen: list[int] = []

    def work():
        for _ in range(200):
            rid = events.start("GET", "/")
            events.add(rid, "x", "hook")
            seen.append(rid)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(seen)) == 800
    assert len(events.recent()) == 50


def test_demo_manage_py_check_passes(tmp_path):
    env = {**os.environ, "DEMO_DB_PATH": str(tmp_path / "db.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
