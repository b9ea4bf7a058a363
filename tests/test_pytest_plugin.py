"""The pytest plugin: ``captured_signals`` and ``captured_templates`` fixtures.

The inner runs load the plugin with ``-p``, which also works once the package is
installed with its ``pytest11`` entry point (the entry point has the module's name).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

# The plugin in this process too: its fixtures in this suite, as a user has them.
pytest_plugins = ["pytester", "flasksignals_django.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = """
SECRET_KEY = "inner"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "inner_urls"
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = ["flasksignals_django"]
MIDDLEWARE = ["flasksignals_django.middleware.SignalsMiddleware"]
TEMPLATES = [{
    "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
    "DIRS": ["templates"],
}]
"""

URLS = """
from django.shortcuts import render
from django.urls import path

def home(request):
    return render(request, "home.html", {"who": "world"})

urlpatterns = [path("", home)]
"""

INNER_TESTS = """
from flasksignals_django import request_finished, request_started, template_rendered


def test_captured_templates(client, captured_templates):
    assert client.get("/").content == b"hello world\\n"
    [(template, context)] = captured_templates
    assert template.name == "home.html"
    assert context["who"] == "world"


def test_captured_signals(client, captured_signals):
    client.get("/")
    names = [signal.name for signal, sender, kwargs in captured_signals]
    assert names[:2] == ["appcontext-pushed", "request-started"]
    assert "template-rendered" in names
    finished = [kw for s, _, kw in captured_signals if s is request_finished]
    assert finished[0]["response"].status_code == 200


def test_fixtures_disconnect_after_each_test():
    assert not request_started.receivers
    assert not template_rendered.receivers
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(
        inner_settings=SETTINGS, inner_urls=URLS, test_inner=INNER_TESTS
    )
    (pytester.path / "templates").mkdir()
    (pytester.path / "templates" / "home.html").write_text("hello {{ who }}\n")
    pytester.makeini("[pytest]\ndjango_find_project = false\n")
    return pytester


def run_inner(pytester, *args):
    return pytester.runpytest_subprocess(
        "-p",
        "flasksignals_django.pytest_plugin",
        "--ds=inner_settings",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:asyncio",
        *args,
        timeout=120,
    )


def test_fixtures_work_in_a_pytest_django_project(inner):
    result = run_inner(inner)
    result.assert_outcomes(passed=3)


def test_the_entry_point_names_the_plugin_module():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["pytest11"] == {
        "flasksignals_django.pytest_plugin": "flasksignals_django.pytest_plugin"
    }


def test_captured_templates_fixture_in_this_suite(client, captured_templates, settings):
    from .views_templates import TEMPLATES

    settings.TEMPLATES = TEMPLATES
    assert client.get("/t/page/django/").status_code == 200
    [(template, context)] = captured_templates
    assert template.name == "fsd/page.html"
    assert context["title"] == "Hello"


def test_captured_signals_fixture_in_this_suite(client, captured_signals):
    from flasksignals_django import current_app, request_finished

    client.get("/")
    finished = [
        (s, sender) for s, sender, _ in captured_signals if s is request_finished
    ]
    assert finished == [(request_finished, current_app)]
