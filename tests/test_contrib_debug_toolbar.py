"""The real django-debug-toolbar: its Templates panel with our backends, and our panel."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

pytest.importorskip("debug_toolbar")

from django.template.backends.jinja2 import Template as DjangoJinjaTemplate  # noqa: E402
from django.template.context import RequestContext  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

from flasksignals_django import request_started, tap  # noqa: E402
from flasksignals_django.testing import captured_templates  # noqa: E402

from .settings import INSTALLED_APPS, MIDDLEWARE  # noqa: E402
from .views_templates import TEMPLATES  # noqa: E402

OURS = TEMPLATES
DJANGOS = [
    {**TEMPLATES[0], "BACKEND": "django.template.backends.django.DjangoTemplates"},
    {**TEMPLATES[1], "BACKEND": "django.template.backends.jinja2.Jinja2"},
]
PANEL = "flasksignals_django.contrib.debug_toolbar.FlaskSignalsPanel"


def show_toolbar(request):
    return True


TOOLBAR_APPS = [*INSTALLED_APPS, "django.contrib.staticfiles", "debug_toolbar"]
TOOLBAR = {
    "STATIC_URL": "/static/",
    "MIDDLEWARE": [
        MIDDLEWARE[0],
        "debug_toolbar.middleware.DebugToolbarMiddleware",
        *MIDDLEWARE[1:],
    ],
    "ROOT_URLCONF": "tests.urls_toolbar",
    "DEBUG_TOOLBAR_PANELS": [
        "debug_toolbar.panels.history.HistoryPanel",
        "debug_toolbar.panels.templates.TemplatesPanel",
        "debug_toolbar.panels.signals.SignalsPanel",
        PANEL,
    ],
    "DEBUG_TOOLBAR_CONFIG": {
        "SHOW_TOOLBAR_CALLBACK": "tests.test_contrib_debug_toolbar.show_toolbar",
        "IS_RUNNING_TESTS": False,
    },
}


@pytest.fixture(autouse=True, scope="module")
def _unpatch_after_module():
    """Undo the patches the toolbar's Templates panel applies for good when imported."""
    bind_template = RequestContext.__dict__["bind_template"]
    render = DjangoJinjaTemplate.__dict__["render"]
    yield
    RequestContext.bind_template = bind_template
    DjangoJinjaTemplate.render = render


# The toolbar's setting_changed receiver (connected once any earlier module imported
# debug_toolbar.settings) imports its models when its own settings change: those
# come after its app is installed.
AFTER_APPS = ("DEBUG_TOOLBAR_CONFIG", "DEBUG_TOOLBAR_PANELS")
BEFORE_APPS = {k: v for k, v in TOOLBAR.items() if k not in AFTER_APPS}


@pytest.fixture(autouse=True)
def _toolbar():
    # Settings first: apps are set up (ready() runs) before the other overrides apply.
    with (
        override_settings(**BEFORE_APPS),
        override_settings(INSTALLED_APPS=TOOLBAR_APPS),
        override_settings(**{name: TOOLBAR[name] for name in AFTER_APPS}),
    ):
        # Importable only while debug_toolbar is an installed app.
        from debug_toolbar.store import get_store

        from flasksignals_django.contrib import debug_toolbar as panel_module

        panel_module.FlaskSignalsPanel.ready()  # the panels were set after the apps
        get_store().clear()
        try:
            yield
        finally:
            tap.detach(panel_module._TAP)
            get_store().clear()


def stored_stats(panel_id):
    """The panel's stats as the toolbar stored them for the last request (what History shows)."""
    from debug_toolbar.store import get_store
    from debug_toolbar.toolbar import DebugToolbar

    request_id = list(get_store().request_ids())[-1]
    toolbar = DebugToolbar.fetch(request_id, panel_id)
    assert toolbar is not None
    return request_id, toolbar.get_panel_by_id(panel_id).get_stats()


def normalized(stats):
    """Templates panel stats without memory addresses, CSRF tokens and signed times."""
    for template in stats["templates"]:
        template["template"].pop("origin_hash")  # signed with a timestamp
    # Tokens first: a random token may hold "0x" and a hex digit, which the
    # address pattern would otherwise cut out of it, leaving it unrecognised.
    text = re.sub(r"[A-Za-z0-9]{64}", "<csrf token>", repr(stats))
    return re.sub(r"\b0x[0-9a-f]+\b", "0x?", text)


def test_normalized_hides_a_token_that_holds_0x():
    """The flaky case: a CSRF token with "0x" and a hex digit in it (about 1 token in 250)."""
    token = "15xFBsllGa1bXThw838qdaWNfT9vqY9YEo3BhPYltW0xa3XBLIimqMsH6vH3KdtO"
    stats = {"templates": [], "csrf": token, "fn": "<function f at 0x7f12ab>"}
    assert normalized(stats) == repr(
        {"templates": [], "csrf": "<csrf token>", "fn": "<function f at 0x?>"}
    )


MODES = ["no receivers", "receivers", "our panel"]
"""Ours renders as Django does with nobody listening, and through the signals
with receivers or with FlaskSignalsPanel's tap attached."""


@contextmanager
def mode_on(mode):
    from flasksignals_django.contrib import debug_toolbar as panel_module

    if mode == "our panel":
        yield
        return
    without_ours = [p for p in TOOLBAR["DEBUG_TOOLBAR_PANELS"] if p != PANEL]
    with override_settings(DEBUG_TOOLBAR_PANELS=without_ours):
        tap.detach(panel_module._TAP)
        if mode == "receivers":
            with captured_templates() as rendered:
                yield
            assert rendered
        else:
            yield
            assert not tap.is_attached()


PAGES = [
    "/t/page/django/",
    "/t/child/django/",
    "/t/response/django/",
    "/t/page/jinja2/",
    "/t/child/jinja2/",
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("url", PAGES)
def test_templates_panel_same_as_with_djangos_backends(client, url, mode):
    with override_settings(TEMPLATES=DJANGOS):
        assert client.get(url).status_code == 200
    djangos = stored_stats("TemplatesPanel")[1]
    with override_settings(TEMPLATES=OURS), mode_on(mode):
        assert client.get(url).status_code == 200
    ours = stored_stats("TemplatesPanel")[1]
    assert djangos["templates"]
    assert normalized(ours) == normalized(djangos)
    if "django" in url:
        processors = ours["context_processors"]
        assert "tests.views_templates.site_processor" in processors
        assert "Example" in processors["tests.views_templates.site_processor"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("url", ["/t/async-page/django/", "/t/async-response/jinja2/"])
async def test_templates_panel_same_under_asgi(async_client, url, mode):
    with override_settings(TEMPLATES=DJANGOS):
        assert (await async_client.get(url)).status_code == 200
    djangos = stored_stats("TemplatesPanel")[1]
    with override_settings(TEMPLATES=OURS), mode_on(mode):
        assert (await async_client.get(url)).status_code == 200
    ours = stored_stats("TemplatesPanel")[1]
    assert djangos["templates"]
    assert normalized(ours) == normalized(djangos)


def test_extra_signals_with_our_signals_breaks_the_signals_panel():
    """Why check W006 exists: the toolbar's Signals panel expects Django's receiver lists."""
    with override_settings(
        DEBUG_TOOLBAR_CONFIG={
            **TOOLBAR["DEBUG_TOOLBAR_CONFIG"],
            "EXTRA_SIGNALS": ["flasksignals_django.signals.request_started"],
        }
    ):
        from debug_toolbar.panels.signals import SignalsPanel
        from debug_toolbar.toolbar import DebugToolbar

        request = RequestFactory().get("/")
        signals_panel = SignalsPanel(DebugToolbar(request, lambda r: None), None)
        request_started.connect(on_started)
        try:
            with pytest.raises(TypeError, match="not subscriptable"):
                signals_panel.generate_stats(request, None)
        finally:
            request_started.disconnect(on_started)


def on_started(sender, **extra):
    pass


# -- FlaskSignalsPanel ------------------------------------------------------


def names(stats):
    return [event["name"] for event in stats["events"]]


def check_page_timeline(stats):
    assert stats["recorded"] is True
    assert stats["method"] == "GET"
    assert stats["path"] in {"/tb/page/", "/tb/async/"}
    assert stats["status_code"] == 200
    assert stats["finished"] is True
    assert names(stats) == [
        "appcontext_pushed",
        "request_started",
        "before_request",
        "view",
        "before_render_template",
        "template_rendered",
        "after_request",
        "request_finished",
        "teardown_request",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    offsets = [event["offset_ms"] for event in stats["events"]]
    assert offsets == sorted(offsets)
    assert stats["count"] == len(stats["events"])
    end = max(e["offset_ms"] + e["duration_ms"] for e in stats["events"])
    assert stats["duration_ms"] == pytest.approx(end)
    hook = stats["events"][2]
    assert hook["functions"] == ["tests.test_contrib_debug_toolbar.before"]
    assert hook["answered"] is False
    # The toolbar's own renders are not part of the request's story.
    assert not any(
        e["args"].get("template", "").startswith("debug_toolbar/")
        for e in stats["events"]
    )


def before():
    return None


def after(response):
    return response


def teardown(exc):
    pass


def short_circuit():
    return "<html><body>stopped</body></html>"


def handle_500(error):
    return "<html><body>handled</body></html>", 500


@pytest.fixture
def hooks():
    from flasksignals_django import current_app

    current_app.before_request(before)
    current_app.after_request(after)
    current_app.teardown_request(teardown)
    return current_app


def test_panel_shows_the_request_timeline_under_wsgi(client, hooks):
    response = client.get("/tb/page/")
    html = response.content.decode()
    # Drawn before teardown: the subtitle counts what ran until then.
    drawn = re.search(
        r"Flask signals\s*<br><small>(\d+) events in [\d.]+ ms</small>", html
    )
    assert drawn is not None
    assert int(drawn.group(1)) == 7  # up to after_request: SignalsMiddleware is outside
    request_id, stats = stored_stats("FlaskSignalsPanel")
    check_page_timeline(stats)  # teardown included, once it ran


async def test_panel_shows_the_request_timeline_under_asgi(async_client, hooks):
    response = await async_client.get("/tb/async/")
    assert "djDebug" in response.content.decode()
    request_id, stats = stored_stats("FlaskSignalsPanel")
    check_page_timeline(stats)


def test_panel_lists_receivers_and_hook_registries(client, hooks):
    request_started.connect(on_started)
    try:
        client.get("/tb/page/")
    finally:
        request_started.disconnect(on_started)
    stats = stored_stats("FlaskSignalsPanel")[1]
    signals, hooks = stats["listings"]
    started = next(s for s in signals["rows"] if s["label"] == "request_started")
    assert started["items"] == [
        {
            "name": "tests.test_contrib_debug_toolbar.on_started",
            "note": "sender=ANY, weak",
        }
    ]
    event = next(e for e in stats["events"] if e["name"] == "request_started")
    assert event["functions"] == ["tests.test_contrib_debug_toolbar.on_started"]
    hooks_by_title = {
        h["label"]: [i["name"] for i in h["items"]] for h in hooks["rows"]
    }
    assert hooks_by_title["before_request"] == [
        "tests.test_contrib_debug_toolbar.before"
    ]
    assert hooks_by_title["teardown_request (last registered first)"] == [
        "tests.test_contrib_debug_toolbar.teardown"
    ]


def test_panel_marks_a_short_circuiting_before_request(client):
    from flasksignals_django import current_app

    current_app.before_request(short_circuit)
    response = client.get("/tb/page/")
    assert b"stopped" in response.content
    stats = stored_stats("FlaskSignalsPanel")[1]
    (event,) = [e for e in stats["events"] if e["name"] == "before_request"]
    assert event["answered"] is True
    assert "view" not in names(stats)


def test_panel_shows_an_error_answered_by_errorhandler():
    from django.test import Client

    from flasksignals_django import current_app

    current_app.errorhandler(500)(handle_500)
    # Django's got_request_exception hears of it too, which the test Client re-raises.
    response = Client(raise_request_exception=False).get("/tb/boom/")
    assert response.status_code == 500
    stats = stored_stats("FlaskSignalsPanel")[1]
    reported = next(e for e in stats["events"] if e["name"] == "got_request_exception")
    assert reported["args"] == {"exception": "PageError: boom"}
    handler = next(e for e in stats["events"] if e["name"] == "errorhandler")
    assert handler["answered"] is True
    assert handler["functions"] == ["tests.test_contrib_debug_toolbar.handle_500"]
    assert stats["status_code"] == 500


def test_panel_shows_streamed_chunks(client):
    response = client.get("/tb/stream/")
    # The test Client closes the response (teardown) once its body was read.
    assert b"".join(response.streaming_content) == b"<html><body>one</body></html>"
    stats = stored_stats("FlaskSignalsPanel")[1]
    assert names(stats).count("chunk") == 3
    assert stats["finished"] is True


def test_render_panel_and_history_show_the_whole_timeline(client, hooks):
    client.get("/tb/page/")
    request_id, _ = stored_stats("FlaskSignalsPanel")
    response = client.get(
        "/__debug__/render_panel/",
        {"request_id": request_id, "panel_id": "FlaskSignalsPanel"},
    )
    assert response.status_code == 200
    content = response.json()["content"]
    for name in (
        "request_started",
        "before_request",
        "teardown_request",
        "appcontext_popped",
    ):
        assert f"<strong>{name}</strong>" in content
    assert "tests.test_contrib_debug_toolbar.before" in content
    assert "Connected receivers" in content
    assert "not shown yet" not in content
    history = client.get("/__debug__/history_sidebar/", {"request_id": request_id})
    assert history.status_code == 200
    button = history.json()["FlaskSignalsPanel"]["button"]
    assert re.search(r"<small>12 events in [\d.]+ ms</small>", button)


def test_panel_says_when_nothing_was_recorded(client):
    from flasksignals_django.contrib import debug_toolbar as panel_module

    tap.detach(panel_module._TAP)  # as if the panel were configured after startup
    client.get("/tb/page/")
    stats = stored_stats("FlaskSignalsPanel")[1]
    assert stats["recorded"] is False
    # enable_instrumentation attached it again: the next request records.
    client.get("/tb/page/")
    assert stored_stats("FlaskSignalsPanel")[1]["recorded"] is True


def failing_hook():
    raise LookupError("no such thing")


def handle_lookup(error):
    return "<html><body>looked up</body></html>", 404


def test_panel_shows_a_hook_that_raised_and_the_handler_that_answered(client):
    from flasksignals_django import current_app

    current_app.before_request(failing_hook)
    current_app.errorhandler(LookupError)(handle_lookup)
    assert client.get("/tb/page/").status_code == 404
    request_id, stats = stored_stats("FlaskSignalsPanel")
    failed = next(e for e in stats["events"] if e["name"] == "before_request")
    assert failed["error"] == "LookupError: no such thing"
    handler = next(e for e in stats["events"] if e["name"] == "errorhandler")
    assert handler["answered"] is True
    current_app.before_request_funcs.remove(failing_hook)  # it would answer this too
    content = client.get(
        "/__debug__/render_panel/",
        {"request_id": request_id, "panel_id": "FlaskSignalsPanel"},
    ).json()["content"]
    assert "raised LookupError: no such thing" in content
    assert "answered" in content


async def test_teardown_on_the_event_loop_saves_a_database_store_from_a_worker(
    async_client,
):
    """The ORM refuses to run on the loop's thread: the teardown update goes to a worker."""
    import asyncio

    config = {
        **TOOLBAR["DEBUG_TOOLBAR_CONFIG"],
        "TOOLBAR_STORE_CLASS": "tests.toolbar_store.InMemoryDatabaseStore",
    }
    with override_settings(DEBUG_TOOLBAR_CONFIG=config):
        from .toolbar_store import InMemoryDatabaseStore as store

        store.reset()
        response = await async_client.get("/tb/broken-stream/")
        with pytest.raises(Exception, match="mid-stream"):
            async for _ in response.streaming_content:
                pass
        # Teardown ran on the loop (the stream failed there); wait for the worker.
        assert await asyncio.to_thread(store.teardown_saved.wait, 10)
        (request_id,) = store.request_ids()
        stats = store.panel(request_id, "FlaskSignalsPanel")
        assert stats["finished"] is True
        assert "request_tearing_down" in names(stats)
        assert store.saved_on_loop[-1] is False
        store.reset()


def test_panels_waiting_for_teardown_are_bounded():
    """Responses that are never closed must not keep panels alive forever."""
    from flasksignals_django.contrib import debug_toolbar as panel_module

    waiting = panel_module._TeardownTap()
    timelines = [tap.Timeline("GET", "/") for _ in range(panel_module.WAITING_MAX + 5)]
    for timeline in timelines:
        waiting.wait(timeline, None)
    assert len(waiting._waiting) == panel_module.WAITING_MAX
    assert timelines[0].id not in waiting._waiting
    assert timelines[-1].id in waiting._waiting
