"""The real django-debug-toolbar: its Templates panel with our backends, and our panel."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("debug_toolbar")

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


@pytest.fixture(autouse=True)
def _toolbar():
    # Settings first: apps are set up (ready() runs) before the other overrides apply.
    with override_settings(**TOOLBAR), override_settings(INSTALLED_APPS=TOOLBAR_APPS):
        # Importable only while debug_toolbar is an installed app.
        from debug_toolbar.store import get_store

        from flasksignals_django.contrib import debug_toolbar as panel_module

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
    text = re.sub(r"0x[0-9a-f]+", "0x?", repr(stats))
    return re.sub(r"[A-Za-z0-9]{64}", "<csrf token>", text)


def templates_panel(client, url, templates, receivers):
    with override_settings(TEMPLATES=templates):
        if receivers:
            with captured_templates() as rendered:
                response = client.get(url)
            assert rendered
        else:
            response = client.get(url)
    assert response.status_code == 200
    return stored_stats("TemplatesPanel")[1]


PAGES = [
    "/t/page/django/",
    "/t/child/django/",
    "/t/response/django/",
    "/t/page/jinja2/",
    "/t/child/jinja2/",
]


@pytest.mark.parametrize("receivers", [False, True])
@pytest.mark.parametrize("url", PAGES)
def test_templates_panel_same_as_with_djangos_backends(client, url, receivers):
    djangos = templates_panel(client, url, DJANGOS, receivers=False)
    ours = templates_panel(client, url, OURS, receivers)
    assert djangos["templates"]
    assert normalized(ours) == normalized(djangos)
    if "django" in url:
        processors = ours["context_processors"]
        assert "tests.views_templates.site_processor" in processors
        assert "Example" in processors["tests.views_templates.site_processor"]


@pytest.mark.parametrize("receivers", [False, True])
@pytest.mark.parametrize("url", ["/t/async-page/django/", "/t/async-response/jinja2/"])
async def test_templates_panel_same_under_asgi(async_client, url, receivers):
    async def panel(templates, with_receivers):
        with override_settings(TEMPLATES=templates):
            if with_receivers:
                with captured_templates() as rendered:
                    response = await async_client.get(url)
                assert rendered
            else:
                response = await async_client.get(url)
        assert response.status_code == 200
        return stored_stats("TemplatesPanel")[1]

    djangos = await panel(DJANGOS, False)
    ours = await panel(OURS, receivers)
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
