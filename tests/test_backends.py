from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import django
import jinja2
import pytest
from django.template import (
    Context,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    engines,
    loader,
)
from django.template.base import Template as DjangoEngineTemplate
from django.test import SimpleTestCase

from flasksignals_django import current_app
from flasksignals_django.backends.django import DjangoTemplates
from flasksignals_django.backends.django import Template as DjangoWrapper
from flasksignals_django.backends.jinja2 import Jinja2
from flasksignals_django.backends.jinja2 import Template as JinjaWrapper
from flasksignals_django.signals import before_render_template, template_rendered
from flasksignals_django.testing import captured_signals, captured_templates

from .views_templates import PROCESSOR_CALLS, TEMPLATES, VIEW_CONTEXT

BACKENDS = ["django", "jinja2"]
ENGINE_TEMPLATE = {"django": DjangoEngineTemplate, "jinja2": jinja2.Template}


class ReceiverError(Exception):
    pass


@pytest.fixture(autouse=True)
def _templates(settings):
    settings.TEMPLATES = TEMPLATES
    PROCESSOR_CALLS.clear()


def template_signals():
    return captured_signals(before_render_template, template_rendered)


def assert_one_render(records, using, name):
    assert [(signal, sender) for signal, sender, _ in records] == [
        (before_render_template, current_app),
        (template_rendered, current_app),
    ]
    before, after = records[0][2], records[1][2]
    assert before["template"] is after["template"]
    assert before["context"] is after["context"]
    assert type(before["template"]) is ENGINE_TEMPLATE[using]
    assert before["template"].name == name
    assert type(before["context"]) is dict
    return before["context"]


RENDER_PATHS = {
    "render_to_string": lambda using, ctx: loader.render_to_string(
        "fsd/page.html", ctx, using=using
    ),
    "loader.get_template": lambda using, ctx: loader.get_template(
        "fsd/page.html", using=using
    ).render(ctx),
    "select_template": lambda using, ctx: loader.select_template(
        ["fsd/nope.html", "fsd/page.html"], using=using
    ).render(ctx),
    "engine.get_template": lambda using, ctx: (
        engines[using].get_template("fsd/page.html").render(ctx)
    ),
}


@pytest.mark.parametrize("using", BACKENDS)
@pytest.mark.parametrize("how", list(RENDER_PATHS))
def test_render_paths_send_before_then_after_once(using, how):
    with template_signals() as records:
        out = RENDER_PATHS[how](using, {"title": "T"})
    context = assert_one_render(records, using, "fsd/page.html")
    assert context["title"] == "T"
    assert "<h1>T</h1>" in out


@pytest.mark.parametrize("using", BACKENDS)
def test_from_string_sends_with_name_none(using):
    template = engines[using].from_string("<h1>{{ title }}</h1>")
    assert template.name is None
    with template_signals() as records:
        assert template.render({"title": "S"}) == "<h1>S</h1>"
    assert assert_one_render(records, using, None) == {"title": "S"}


@pytest.mark.parametrize("using", BACKENDS)
def test_wrapper_keeps_template_origin_and_name(using):
    template = engines[using].get_template("fsd/page.html")
    assert isinstance(template, DjangoWrapper if using == "django" else JinjaWrapper)
    assert type(template.template) is ENGINE_TEMPLATE[using]
    assert template.name == "fsd/page.html"
    assert template.origin.template_name == "fsd/page.html"
    assert template.origin.name.endswith("fsd/page.html")
    assert template.backend is engines[using]


@pytest.mark.parametrize("url", ["page", "response"])
@pytest.mark.parametrize("using", BACKENDS)
def test_view_render_context_holds_view_and_processor_values(client, url, using):
    with template_signals() as records:
        response = client.get(f"/t/{url}/{using}/")
    assert response.status_code == 200
    context = assert_one_render(records, using, "fsd/page.html")
    assert context["title"] == "Hello"
    assert context["site_name"] == "Example"
    assert context["request"].path == f"/t/{url}/{using}/"
    assert str(context["csrf_token"])
    body = response.content.decode()
    assert f"path=/t/{url}/{using}/" in body
    assert "csrfmiddlewaretoken" in body
    # DjangoTemplates: the view's values beat processors; Jinja2: the reverse, as in Django.
    expected = "view" if using == "django" else "processor"
    assert context["shared"] == expected
    assert f"shared={expected}" in body


@pytest.mark.parametrize("using", BACKENDS)
def test_include_extends_import_send_nothing_extra(client, using):
    with template_signals() as records:
        response = client.get(f"/t/child/{using}/")
    assert_one_render(records, using, "fsd/child.html")
    body = response.content.decode()
    assert "[base Hello]child:part=Hello" in body
    if using == "jinja2":
        assert "!Hello!" in body


def test_include_of_a_backend_template_unwraps_it():
    part = engines["django"].get_template("fsd/part.html")
    outer = engines["django"].from_string("<{% include t %}>")
    with template_signals() as records:
        out = outer.render({"t": part, "title": "X"})
    assert out == "<part=X\n>"
    assert_one_render(records, "django", None)


@pytest.mark.parametrize("with_request", [False, True])
@pytest.mark.parametrize("using", BACKENDS)
def test_receiver_changes_to_context_show_in_output(rf, using, with_request):
    def edit(sender, template, context, **extra):
        context["title"] = "Changed"
        context["extra"] = "Added"
        del context["shared"]
        if with_request:
            del context["site_name"]

    caller = {"title": "Original", "shared": "Shared"}
    template = engines[using].from_string(
        "{{ title }}|{{ extra }}|{{ shared }}|{{ site_name }}"
    )
    request = rf.get("/") if with_request else None
    before_render_template.connect(edit)
    try:
        with captured_templates() as rendered:
            out = template.render(caller, request)
    finally:
        before_render_template.disconnect(edit)
    assert out == "Changed|Added||"
    assert caller == {"title": "Original", "shared": "Shared"}
    assert rendered[0][1]["extra"] == "Added"


def test_template_assignments_do_not_leak_into_the_signalled_context(rf):
    template = engines["django"].from_string('{% firstof "v" as x %}{{ x }}')
    for request in (None, rf.get("/")):
        with captured_templates() as rendered:
            assert template.render({}, request) == "v"
        assert "x" not in rendered[0][1]


@pytest.mark.parametrize("in_app_context", [False, True])
@pytest.mark.parametrize("using", BACKENDS)
def test_render_outside_a_request_sends(using, in_app_context):
    with template_signals() as records:
        if in_app_context:
            with current_app.app_context():
                out = loader.render_to_string(
                    "fsd/part.html", {"title": "A"}, using=using
                )
        else:
            out = loader.render_to_string("fsd/part.html", {"title": "A"}, using=using)
    assert out.strip() == "part=A"
    assert assert_one_render(records, using, "fsd/part.html") == {"title": "A"}


@pytest.mark.parametrize("signal", [before_render_template, template_rendered])
@pytest.mark.parametrize("using", BACKENDS)
def test_receiver_that_raises_fails_the_render(using, signal):
    def fail(sender, **extra):
        raise ReceiverError("receiver failed")

    signal.connect(fail)
    try:
        with (
            captured_signals(before_render_template, template_rendered) as records,
            pytest.raises(ReceiverError, match="receiver failed"),
        ):
            engines[using].get_template("fsd/part.html").render({"title": "A"})
    finally:
        signal.disconnect(fail)
    # A failing before_render_template stops the render: nothing renders, nothing after.
    if signal is before_render_template:
        assert [s for s, _, _ in records] == []
    else:
        assert [s for s, _, _ in records] == [before_render_template]


@pytest.mark.parametrize("using", BACKENDS)
def test_receivers_for_another_sender_are_not_called(using):
    calls = []

    def receiver(sender, **extra):
        calls.append(sender)

    other = object()
    before_render_template.connect(receiver, sender=other)
    template_rendered.connect(receiver, sender=other)
    try:
        out = engines[using].from_string("{{ a }}").render({"a": 1})
    finally:
        before_render_template.disconnect(receiver)
        template_rendered.disconnect(receiver)
    assert out == "1"
    assert calls == []


@pytest.mark.parametrize("using", BACKENDS)
def test_output_same_with_and_without_receivers(rf, using):
    request = rf.get("/x/")
    template = engines[using].from_string(
        "{{ title }}|{{ shared }}|{{ site_name }}|{{ request.path }}"
    )
    plain = template.render(dict(VIEW_CONTEXT), request)
    with captured_templates() as rendered:
        signalled = template.render(dict(VIEW_CONTEXT), request)
    assert plain == signalled
    assert plain.startswith("Hello|")
    assert len(rendered) == 1


@pytest.mark.parametrize("using", BACKENDS)
def test_template_does_not_exist_keeps_tried_and_backend(using):
    with captured_templates() as rendered, pytest.raises(TemplateDoesNotExist) as info:
        engines[using].get_template("fsd/nope.html")
    assert info.value.backend is engines[using]
    assert info.value.args == ("fsd/nope.html",)
    if using == "django":
        assert [origin.template_name for origin, _ in info.value.tried] == [
            "fsd/nope.html"
        ] * len(info.value.tried)
        assert info.value.tried[0][1] == "Source does not exist"
    assert rendered == []


def test_loader_get_template_chains_both_backends():
    with pytest.raises(TemplateDoesNotExist) as info:
        loader.get_template("fsd/nope.html")
    assert [exc.backend for exc in info.value.chain] == [
        engines["django"],
        engines["jinja2"],
    ]


def test_missing_include_at_render_time_raises_with_our_backend():
    template = engines["django"].get_template("fsd/missing_include.html")
    with (
        captured_signals(before_render_template, template_rendered) as records,
        pytest.raises(TemplateDoesNotExist) as info,
    ):
        template.render({})
    assert info.value.backend is engines["django"]
    assert info.value.args == ("fsd/nope.html",)
    assert [s for s, _, _ in records] == [before_render_template]


@pytest.mark.parametrize("using", BACKENDS)
def test_syntax_error_is_djangos_template_syntax_error(using):
    with pytest.raises(TemplateSyntaxError):
        engines[using].get_template("fsd/bad_syntax.html")


def test_jinja2_syntax_error_while_rendering_keeps_debug_info():
    template = engines["jinja2"].get_template("fsd/bad_include.html")
    with captured_templates(), pytest.raises(TemplateSyntaxError) as info:
        template.render({})
    assert isinstance(info.value.__cause__, jinja2.TemplateSyntaxError)
    assert info.value.template_debug["name"].endswith("fsd/bad_syntax.html")
    assert info.value.template_debug["line"] == 1


@pytest.mark.parametrize("with_request", [False, True])
@pytest.mark.parametrize("using", BACKENDS)
def test_autoescape_default_and_off(settings, rf, using, with_request):
    settings.TEMPLATES = [
        *TEMPLATES,
        {
            **TEMPLATES[BACKENDS.index(using)],
            "NAME": "raw",
            "OPTIONS": {"autoescape": False},
        },
    ]
    request = rf.get("/") if with_request else None
    with captured_templates() as rendered:
        escaped = engines[using].from_string("{{ v }}").render({"v": "<b>"}, request)
        raw = engines["raw"].from_string("{{ v }}").render({"v": "<b>"}, request)
    assert escaped == "&lt;b&gt;"
    assert raw == "<b>"
    assert len(rendered) == 2


def test_django_processors_run_once_and_lose_to_view_values(rf):
    request = rf.get("/")
    with captured_templates() as rendered:
        out = (
            engines["django"]
            .from_string("{{ shared }}|{{ site_name }}")
            .render({"shared": "view"}, request)
        )
    assert out == "view|Example"
    assert len(PROCESSOR_CALLS) == 1
    assert PROCESSOR_CALLS[0] is request
    context = rendered[0][1]
    assert context["request"] is request
    assert "csrf_token" in context
    assert "user" in context
    assert "messages" in context


@pytest.mark.parametrize("with_receivers", [False, True])
def test_jinja2_processors_win_and_caller_dict_is_not_mutated(rf, with_receivers):
    request = rf.get("/")
    caller = {"shared": "view", "request": "mine"}
    template = engines["jinja2"].from_string(
        "{{ shared }}|{{ site_name }}|{{ request.path }}"
    )
    if with_receivers:
        with captured_templates() as rendered:
            out = template.render(caller, request)
        assert rendered[0][1]["csrf_input"]
        assert set(rendered[0][1]) == {
            "shared",
            "request",
            "csrf_input",
            "csrf_token",
            "site_name",
        }
    else:
        out = template.render(caller, request)
    assert out == "processor|Example|/"
    assert caller == {"shared": "view", "request": "mine"}
    assert len(PROCESSOR_CALLS) == 1
    assert PROCESSOR_CALLS[0] is request


@pytest.mark.parametrize("using", BACKENDS)
def test_render_with_no_context(rf, using):
    template = engines[using].from_string("[{{ site_name }}]")
    with captured_templates() as rendered:
        assert template.render() == "[]"
        assert template.render(None, rf.get("/")) == "[Example]"
    assert rendered[0][1] == {}
    # Without receivers, too.
    assert template.render(None, rf.get("/")) == "[Example]"


def test_django_rejects_a_non_dict_context():
    template = engines["django"].from_string("x")
    for wanted in (False, True):
        with pytest.raises(
            TypeError, match=r"^context must be a dict rather than Context\.$"
        ):
            if wanted:
                with captured_templates():
                    template.render(Context({}))
            else:
                template.render(Context({}))


def test_django_processor_that_returns_no_dict(settings, rf):
    settings.TEMPLATES = [
        {
            **TEMPLATES[0],
            "OPTIONS": {
                "context_processors": ["tests.views_templates.not_a_dict_processor"]
            },
        }
    ]
    template = engines["django"].from_string("x")
    message = (
        r"^Context processor not_a_dict_processor didn't return a dictionary\.$"
        if django.VERSION >= (5, 0)
        else "object is not iterable"
    )
    with pytest.raises(TypeError, match=message):
        template.render({}, rf.get("/"))
    with captured_templates(), pytest.raises(TypeError, match=message):
        template.render({}, rf.get("/"))


@pytest.mark.parametrize("receivers", [False, True])
def test_django_test_instrumentation_still_works(client, receivers):
    if receivers:
        with captured_templates() as rendered:
            response = client.get("/t/child/django/")
        assert len(rendered) == 1
    else:
        response = client.get("/t/child/django/")
    case = SimpleTestCase()
    case.assertTemplateUsed(response, "fsd/child.html")
    case.assertTemplateUsed(response, "fsd/base.html")
    case.assertTemplateUsed(response, "fsd/part.html")
    assert [t.name for t in response.templates] == [
        "fsd/child.html",
        "fsd/base.html",
        "fsd/part.html",
    ]
    assert response.context["title"] == "Hello"
    assert response.context["site_name"] == "Example"
    assert response.context["shared"] == "view"


def test_template_response_context_data_untouched_by_receivers(client):
    def edit(sender, context, **extra):
        context["title"] = "Edited"

    before_render_template.connect(edit)
    try:
        response = client.get("/t/response/django/")
    finally:
        before_render_template.disconnect(edit)
    assert "<h1>Edited</h1>" in response.content.decode()
    assert response.context_data["title"] == "Hello"


@pytest.mark.parametrize("url", ["async-page", "async-response"])
@pytest.mark.parametrize("using", BACKENDS)
async def test_coroutine_receivers_in_async_views(async_client, url, using):
    seen = []

    async def before(sender, template, context, **extra):
        seen.append(("before", sender, template.name))
        context["title"] = "From a coroutine"

    async def after(sender, template, context, **extra):
        seen.append(("after", sender, context["title"]))

    before_render_template.connect(before)
    template_rendered.connect(after)
    try:
        response = await async_client.get(f"/t/{url}/{using}/")
    finally:
        before_render_template.disconnect(before)
        template_rendered.disconnect(after)
    assert response.status_code == 200
    assert "<h1>From a coroutine</h1>" in response.content.decode()
    assert seen == [
        ("before", current_app, "fsd/page.html"),
        ("after", current_app, "From a coroutine"),
    ]


@pytest.mark.skipif(
    django.VERSION < (5, 1), reason="BaseEngine.check() is new in Django 5.1"
)
def test_backend_checks_still_run():
    assert engines["django"].check() == []
    assert engines["jinja2"].check() == []
    assert isinstance(engines["django"], DjangoTemplates)
    assert isinstance(engines["jinja2"], Jinja2)


SCRIPT = """
import sys
sys.modules["jinja2"] = None
import django
from django.conf import settings
settings.configure(TEMPLATES=[{"BACKEND": BACKEND, "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}])
django.setup()
import flasksignals_django, flasksignals_django.backends, flasksignals_django.backends.django
from django.template import engines
from django.core.exceptions import ImproperlyConfigured
try:
    engines["jinja2"]
except BaseException as exc:
    print(
        isinstance(exc, ModuleNotFoundError),
        isinstance(exc, ImproperlyConfigured),
        getattr(exc, "name", None),
        exc,
    )
"""


def test_jinja2_backend_without_jinja2_fails_as_djangos_does():
    """Django's backend raises ModuleNotFoundError; ours raises one that is also
    ImproperlyConfigured and says what to install."""
    outputs = []
    for backend in (
        "django.template.backends.jinja2.Jinja2",
        "flasksignals_django.backends.jinja2.Jinja2",
    ):
        result = subprocess.run(
            [sys.executable, "-c", f"BACKEND = {backend!r}\n" + SCRIPT],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0].startswith("True False jinja2 ")
    assert outputs[1].startswith("True True jinja2 ")
    assert "pip install 'flasksignals-django[jinja2]'" in outputs[1]
