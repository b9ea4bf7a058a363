"""The demo project, driven in-process with Django's test client."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from demo_project import settings as demo_settings
from demo_project.showcase import events as demo_events
from demo_project.showcase import wiring
from demo_project.showcase.models import RequestLog
from demo_project.views import HOOK_NAMES, SIGNAL_NAMES
from flasksignals_django import current_app, tap

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
TEMPLATE = ["before_render_template", "template_rendered"]


@pytest.fixture
def client():
    """Shows the demo's error pages: the client would re-raise the view's error."""
    return Client(raise_request_exception=False)


@pytest.fixture
def demo():
    """The demo's URLs, templates and middleware, its receivers, hooks and tap."""
    with override_settings(
        ROOT_URLCONF="demo_project.urls",
        TEMPLATES=demo_settings.TEMPLATES,
        MIDDLEWARE=[
            m for m in demo_settings.MIDDLEWARE if m != demo_settings.TOOLBAR_MIDDLEWARE
        ],
        MESSAGE_STORAGE=demo_settings.MESSAGE_STORAGE,
        STATIC_URL=demo_settings.STATIC_URL,
    ):
        try:
            # As in AppConfig.ready(): before the process's first request.
            current_app.reset_first_request(False)
            wiring.install()
            current_app.reset_first_request(True)
            yield
        finally:
            wiring.uninstall()


def row_of(path: str) -> RequestLog:
    return RequestLog.objects.get(path=path)


def names(row: RequestLog) -> list[str]:
    return [event["name"] for event in row.events]


def answered(row: RequestLog) -> list[tuple[str, list[str]]]:
    return [(e["name"], e["functions"]) for e in row.events if e["answered"]]


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
        ("/blocked/", 403, "A before_request function answered"),
        ("/no-such-page/", 404, "Nothing at /no-such-page/."),
        ("/events/", 200, "Seen in the log"),
    ],
)
def test_demo_page_answers_in_the_frame_with_its_own_timeline(
    demo, client, path, status, text
):
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == status
    assert text in page
    assert '<header class="site">' in page  # the same frame on every page
    row = row_of(path)
    assert response["X-Demo-Request-Id"] == str(row.rid)
    assert f'data-timeline-src="/timeline/{row.rid}/"' in page
    assert (row.method, row.status, row.complete) == ("GET", status, True)


@pytest.mark.django_db
def test_demo_template_page_timeline_in_flask_order(demo, client):
    response = client.get("/template/")
    assert response["X-After-This-Request"] == "django-template page"
    row = row_of("/template/")
    assert names(row) == [
        *REQUEST_START,
        "view",
        *TEMPLATE,
        "after_this_request",
        *REQUEST_END,
    ]
    assert answered(row) == [("view", ["demo_project.views.django_template"])]
    assert row.answered_by == "view demo_project.views.django_template"
    started = next(e for e in row.events if e["name"] == "request_started")
    assert started["functions"] == ["demo_project.showcase.wiring.on_request_started"]
    offsets = [event["offset_ms"] for event in row.events]
    assert offsets == sorted(offsets)
    end = max(e["offset_ms"] + e["duration_ms"] for e in row.events)
    assert row.duration_ms == pytest.approx(end, abs=0.002)  # rounded to µs


@pytest.mark.django_db
def test_demo_first_request_runs_before_first_request(demo, client):
    current_app.reset_first_request(False)
    client.get("/")
    client.get("/template/")
    assert "before_first_request" in names(row_of("/"))
    assert "before_first_request" not in names(row_of("/template/"))


@pytest.mark.django_db
def test_demo_flash_page_flashes_then_redirects(demo, client):
    response = client.get("/flash/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert "Flashed with flasksignals_django.flash()" in page
    assert "Added with django.contrib.messages.info()" in page
    flashed = [e for e in row_of("/flash/").events if e["name"] == "message_flashed"]
    assert len(flashed) == 2
    assert row_of("/flash/").status == 302


@pytest.mark.django_db
def test_demo_raising_view_is_answered_by_errorhandler_500(demo, client):
    client.get("/error/")
    row = row_of("/error/")
    assert names(row)[:4] == [*REQUEST_START, "view"]
    assert "got_request_exception" in names(row)
    view = next(e for e in row.events if e["name"] == "view")
    assert view["functions"] == ["demo_project.views.raises"]
    assert not view["answered"]
    assert answered(row) == [
        ("errorhandler", ["demo_project.showcase.wiring.server_error"])
    ]
    assert row.exc == "RuntimeError: this view raised on purpose"
    assert names(row)[-len(REQUEST_END) :] == REQUEST_END


@pytest.mark.django_db
def test_demo_blocked_is_answered_by_before_request(demo, client):
    response = client.get("/blocked/")
    assert response.status_code == 403
    row = row_of("/blocked/")
    assert "view" not in names(row)
    assert answered(row) == [
        ("before_request", ["demo_project.showcase.wiring.block_some_paths"])
    ]
    assert row.answered_by.startswith("before_request ")


@pytest.mark.django_db
def test_demo_stream_has_a_row_per_chunk_and_tears_down_after_the_last(demo, client):
    response = client.get("/stream/")
    assert not RequestLog.objects.exists()  # teardown waits for the body
    body = b"".join(response.streaming_content).decode()
    response.close()
    assert "chunk 5 of /stream/, g.chunks=5" in body
    assert '<header class="site">' in body
    row = row_of("/stream/")
    kinds = [event["kind"] for event in row.events]
    assert kinds.count("chunk") == 8
    last_chunk = len(kinds) - kinds[::-1].index("chunk") - 1
    assert names(row)[last_chunk + 1 :] == REQUEST_END[2:]


@pytest.mark.django_db(transaction=True)
async def test_demo_async_view_logs_its_row_under_asgi(demo, async_client, caplog):
    caplog.set_level("INFO", logger="demo")
    response = await async_client.get("/async/")
    assert response.status_code == 200
    row = await RequestLog.objects.aget(path="/async/")
    assert row.complete
    assert names(row) == [*REQUEST_START, "view", *TEMPLATE, *REQUEST_END]
    # Teardown and on_finish ran in sync code, off the event loop's thread.
    assert "GET /async/ -> 200" in caplog.text
    assert "event loop" not in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_demo_orm_writes_leave_the_event_loop_thread(caplog):
    caplog.set_level("INFO", logger="demo")

    def write():
        RequestLog.objects.create(
            rid="00000000-0000-0000-0000-000000000001",
            method="GET",
            path="/from-a-loop/",
            started_at="2026-01-01T00:00:00Z",
        )

    demo_events.run_orm(write)  # on the loop: the ORM would refuse here
    demo_events._loop_writer.submit(lambda: None).result(timeout=30)
    assert await RequestLog.objects.filter(path="/from-a-loop/").aexists()
    assert "went to a helper thread" in caplog.text


@pytest.mark.django_db
def test_demo_timeline_json_of_a_request(demo, client):
    rid = client.get("/blocked/")["X-Demo-Request-Id"]
    data = client.get(f"/timeline/{rid}/").json()
    assert data["rid"] == rid
    assert (data["path"], data["status"], data["complete"]) == ("/blocked/", 403, True)
    assert {"kind", "name", "offset_ms", "duration_ms", "answered"} <= set(
        data["events"][0]
    )
    missing = client.get("/timeline/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert missing.json()["complete"] is False
    # The pages' polling is not logged.
    assert list(RequestLog.objects.values_list("path", flat=True)) == ["/blocked/"]


@pytest.mark.django_db
def test_demo_request_log_filters_by_path_and_status(demo, client):
    for path in ["/", "/error/", "/error/custom/", "/blocked/"]:
        client.get(path)
    page = client.get("/events/?path=error&status=5xx").content.decode()
    assert "GET /error/<" in page
    assert "GET /error/custom/<" not in page
    assert "GET /blocked/<" not in page
    page = client.get("/events/?status=403").content.decode()
    assert "GET /blocked/<" in page
    assert "GET /error/<" not in page
    assert "1 of 1 request matching" in page


@pytest.mark.django_db
def test_demo_request_log_shows_every_signal_and_hook(demo, client):
    current_app.reset_first_request(False)
    for path in ["/template/", "/jinja/", "/flash/", "/error/", "/blocked/", "/x/"]:
        client.get(path)
    page = client.get("/events/").content.decode()
    for name in SIGNAL_NAMES + HOOK_NAMES:
        assert f"✓ {name}<" in page, name
    assert "✗" not in page
    assert page.count('<details class="req"') == 6  # its own row comes at teardown
    assert 'data-timeline-json="tl-' in page


@pytest.mark.django_db
def test_demo_log_keeps_the_newest_rows(demo, client, monkeypatch):
    monkeypatch.setattr(demo_events, "KEEP", 2)
    for path in ["/", "/template/", "/jinja/"]:
        client.get(path)
    assert list(RequestLog.objects.values_list("path", flat=True)) == [
        "/jinja/",
        "/template/",
    ]


@pytest.mark.django_db
def test_demo_log_is_written_without_the_tap(demo, client):
    tap.detach(demo_events.TAP)
    client.get("/template/")
    row = row_of("/template/")
    assert (row.status, row.complete, row.events) == (200, True, [])


@pytest.mark.django_db
def test_demo_app_context_outside_requests_writes_no_row(demo):
    with current_app.app_context():
        pass
    assert not RequestLog.objects.exists()


def test_demo_install_twice_connects_once(demo):
    wiring.install()
    assert current_app.before_request_funcs.count(wiring.block_some_paths) == 1


def test_demo_settings_put_the_panel_beside_the_toolbar_panels():
    if not demo_settings.TOOLBAR:
        assert importlib.util.find_spec("debug_toolbar") is None
        return
    panel_module = demo_settings.FLASKSIGNALS_PANEL.rpartition(".")[0]
    has_panel = demo_settings._installed(panel_module)
    assert (
        demo_settings.FLASKSIGNALS_PANEL in demo_settings.DEBUG_TOOLBAR_PANELS
    ) == has_panel
    assert (
        "debug_toolbar.panels.templates.TemplatesPanel"
        in demo_settings.DEBUG_TOOLBAR_PANELS
    )
    assert demo_settings.MIDDLEWARE[1] == demo_settings.TOOLBAR_MIDDLEWARE
    assert demo_settings.INTERNAL_IPS == ["127.0.0.1"]


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--fail-level", "WARNING"],
        ["makemigrations", "--check", "--dry-run", "showcase"],
    ],
)
def test_demo_manage_py(tmp_path, command):
    env = {**os.environ, "DEMO_DB_PATH": str(tmp_path / "db.sqlite3")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
