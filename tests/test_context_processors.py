"""current_app.context_processor: merged into every render of both signaling backends."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.shortcuts import render
from django.template import engines, loader
from django.urls import path

from flasksignals_django import current_app, request
from flasksignals_django.testing import captured_templates

from .views_templates import PROCESSOR_CALLS, TEMPLATES, VIEW_CONTEXT

BACKENDS = ["django", "jinja2"]
APP_VALUES = {"title": "app", "site_name": "app", "shared": "app", "brand": "Acme"}
# Django's template backend: engine processors < app's < view's.
# Django's Jinja2 backend puts its engine processors above the view; ours keep that.
EXPECTED = {
    "django": "Hello|app|view|Acme|part=Hello",
    "jinja2": "Hello|Example|processor|Acme|part=Hello",
}
CALLS: list[str] = []


def page(req, using):
    return render(req, "fsd/app_values.html", dict(VIEW_CONTEXT), using=using)


async def async_page(req, using):
    return render(req, "fsd/app_values.html", dict(VIEW_CONTEXT), using=using)


def no_request(req, using):
    html = loader.render_to_string("fsd/app_values.html", {"title": "T"}, using=using)
    return HttpResponse(html)


urlpatterns = [
    path("page/<str:using>/", page),
    path("async-page/<str:using>/", async_page),
    path("no-request/<str:using>/", no_request),
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _templates(settings):
    settings.TEMPLATES = TEMPLATES
    PROCESSOR_CALLS.clear()
    CALLS.clear()


def app_values():
    CALLS.append(request.path)
    return dict(APP_VALUES)


def body(response):
    assert response.status_code == 200
    return response.content.decode().strip()


@pytest.mark.parametrize("using", BACKENDS)
@pytest.mark.parametrize("receivers", [False, True], ids=["fast-path", "receivers"])
def test_app_values_sit_below_the_views(client, using, receivers):
    current_app.context_processor(app_values)
    if receivers:
        with captured_templates() as templates:
            response = client.get(f"/page/{using}/")
        assert len(templates) == 1
        context = templates[0][1]
        assert context["brand"] == "Acme"
        assert context["title"] == "Hello"
    else:
        response = client.get(f"/page/{using}/")
    assert body(response) == EXPECTED[using]
    # Once per top-level render, not again for the include, inside the request.
    assert CALLS[:] == [f"/page/{using}/"]


@pytest.mark.parametrize("using", BACKENDS)
def test_later_processors_win_and_the_view_still_wins(client, using):
    current_app.context_processor(app_values)
    current_app.context_processor(lambda: {"brand": "Later", "title": "later"})
    assert body(client.get(f"/page/{using}/")).split("|")[0::3] == ["Hello", "Later"]


@pytest.mark.parametrize("using", BACKENDS)
def test_renders_without_a_request_get_them_too(client, using):
    current_app.context_processor(lambda: {"brand": "Acme", "title": "app"})
    assert body(client.get(f"/no-request/{using}/")).startswith("T||")
    assert body(client.get(f"/no-request/{using}/")).endswith("|Acme|part=T")


@pytest.mark.parametrize("using", BACKENDS)
async def test_async_processor_in_an_async_view(async_client, using):
    async def brand():
        return {"brand": "Async"}

    current_app.context_processor(brand)
    response = await async_client.get(f"/async-page/{using}/")
    assert body(response).split("|")[3] == "Async"


@pytest.mark.parametrize("using", BACKENDS)
def test_a_processor_that_returns_no_dict_fails_the_render(using):
    current_app.context_processor(lambda: None)
    with pytest.raises(TypeError, match="not a dict"):
        engines[using].from_string("x").render({})


def test_a_context_that_is_not_a_dict_is_still_djangos_type_error():
    current_app.context_processor(app_values)
    with pytest.raises(TypeError, match="context must be a dict"):
        engines["django"].from_string("x").render(["not", "a", "dict"])


@pytest.mark.parametrize("using", BACKENDS)
def test_without_processors_the_context_is_passed_untouched(using):
    context = {"title": "t"}
    assert engines[using].from_string("{{ title }}").render(context) == "t"
    assert context == {"title": "t"}


@pytest.mark.parametrize("using", BACKENDS)
def test_a_render_without_a_context_gets_the_app_values(using):
    current_app.context_processor(lambda: {"brand": "Acme"})
    assert engines[using].from_string("{{ brand }}").render() == "Acme"
