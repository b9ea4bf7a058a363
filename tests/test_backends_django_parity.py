"""Django's own template backend tests, run against Django's classes and ours side by side.

Django's test suite is not installed; these follow tests/template_backends/ of
Django (test_dummy's TemplateStringsTests, test_django, test_jinja2), reasoned
from the backend code. Every case runs with and without template receivers.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.template.backends.django import DjangoTemplates as DjangosDjangoTemplates
from django.template.backends.jinja2 import Jinja2 as DjangosJinja2
from django.utils.safestring import mark_safe

from flasksignals_django.backends.django import DjangoTemplates
from flasksignals_django.backends.jinja2 import Jinja2
from flasksignals_django.testing import captured_templates

HERE = Path(__file__).resolve().parent
FAMILIES = {
    "django": (
        DjangoTemplates,
        DjangosDjangoTemplates,
        HERE / "templates",
        "fsd_parity",
    ),
    "jinja2": (Jinja2, DjangosJinja2, HERE / "jinja2", "fsd"),
}
CSRF_VALUE = re.compile(r'value="[^"]+"')


def processors(request):
    return {"processors": "yes"}


def engines(family, **options):
    ours, djangos, directory, _ = FAMILIES[family]
    params = {
        "NAME": family,
        "DIRS": [directory],
        "APP_DIRS": False,
        "OPTIONS": options,
    }
    return ours(dict(params)), djangos(dict(params))


def outcome(call):
    """What a render gave: its output, or the error's class, args and debug data."""
    try:
        return ("ok", CSRF_VALUE.sub('value="?"', call()))
    except (TemplateDoesNotExist, TemplateSyntaxError, TypeError) as exc:
        return (
            "error",
            type(exc),
            exc.args,
            getattr(exc, "template_debug", None),
            [(o.name, o.template_name, why) for o, why in getattr(exc, "tried", [])],
        )


@pytest.fixture(params=[False, True], ids=["no-receivers", "receivers"])
def compare(request):
    """``compare(family, call, **options)``: ``call(engine)`` gives the same with both classes."""

    def run(family, call, **options):
        ours, djangos = engines(family, **options)
        if request.param:
            with captured_templates() as rendered:
                mine = outcome(lambda: call(ours))
        else:
            mine = outcome(lambda: call(ours))
            rendered = None
        theirs = outcome(lambda: call(djangos))
        assert mine == theirs
        return mine, rendered

    return run


def folder(family):
    return FAMILIES[family][3]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_from_string(compare, family):
    result, rendered = compare(family, lambda e: e.from_string("Hello!").render())
    assert result == ("ok", "Hello!")
    if rendered is not None:
        assert len(rendered) == 1


@pytest.mark.parametrize("family", list(FAMILIES))
def test_get_template(compare, family):
    result, _ = compare(
        family,
        lambda e: e.get_template(f"{folder(family)}/hello.html").render(
            {"name": "world"}
        ),
    )
    assert result[1].startswith("Hello world!")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_get_template_nonexistent(compare, family):
    def call(engine):
        try:
            engine.get_template("template_backends/nonexistent.html")
        except TemplateDoesNotExist as exc:
            assert exc.backend is engine
            raise

    result, _ = compare(family, call)
    assert result[1] is TemplateDoesNotExist
    assert result[2] == ("template_backends/nonexistent.html",)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_get_template_syntax_error(compare, family):
    result, _ = compare(
        family, lambda e: e.get_template(f"{folder(family)}/syntax_error.html")
    )
    assert result[1] is TemplateSyntaxError


def test_get_template_syntax_error_debug_info(compare):
    result, _ = compare(
        "django", lambda e: e.get_template("fsd_parity/syntax_error.html"), debug=True
    )
    assert result[3]["line"] == 1


@pytest.mark.parametrize("family", list(FAMILIES))
def test_nested_error_while_rendering(compare, family):
    result, _ = compare(
        family,
        lambda e: e.get_template(f"{folder(family)}/nested_error.html").render({}),
        **({"debug": True} if family == "django" else {}),
    )
    assert result[1] is TemplateSyntaxError
    assert result[3] is not None


@pytest.mark.parametrize("family", list(FAMILIES))
def test_html_escaping(compare, family):
    context = {"media": "<script>", "safe": mark_safe("<b>ok</b>")}
    result, _ = compare(
        family, lambda e: e.from_string("{{ media }}|{{ safe }}").render(context)
    )
    assert result == ("ok", "&lt;script&gt;|<b>ok</b>")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_autoescape_off(compare, family, rf):
    request = rf.get("/")
    result, _ = compare(
        family,
        lambda e: e.from_string("{{ text }}").render({"text": "Hello & <b>"}, request),
        autoescape=False,
    )
    assert result == ("ok", "Hello & <b>")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_csrf_token(compare, family, rf):
    request = rf.get("/")
    code = "{% csrf_token %}" if family == "django" else "{{ csrf_input }}"
    result, _ = compare(family, lambda e: e.from_string(code).render(request=request))
    assert result == (
        "ok",
        '<input type="hidden" name="csrfmiddlewaretoken" value="?">',
    )


@pytest.mark.parametrize("family", list(FAMILIES))
def test_non_ascii_characters(compare, family):
    result, _ = compare(
        family, lambda e: e.from_string("Hello, {{ name }}!").render({"name": "Jérôme"})
    )
    assert result == ("ok", "Hello, Jérôme!")


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_directory_traversal(compare, family):
    result, _ = compare(
        family, lambda e: e.get_template("../forbidden/template_backends/hello.html")
    )
    assert result[1] is TemplateDoesNotExist


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("context", [{}, {"processors": "no"}])
def test_context_processors_and_user_values(compare, family, rf, context):
    request = rf.get("/")
    result, _ = compare(
        family,
        lambda e: e.from_string("{{ processors }}").render(dict(context), request),
        context_processors=["tests.test_backends_django_parity.processors"],
    )
    # DjangoTemplates: the caller wins; Django's Jinja2: the processor wins.
    expected = "no" if context and family == "django" else "yes"
    assert result == ("ok", expected)


def test_django_include_sees_processors_unless_only(compare, rf):
    request = rf.get("/")
    result, _ = compare(
        "django",
        lambda e: e.get_template("fsd_parity/includes.html").render(
            {"name": "N"}, request
        ),
        context_processors=["tests.test_backends_django_parity.processors"],
    )
    assert result == ("ok", "Hello N!\n|Hello !\n|yes\n")


def test_django_render_requires_dict(compare):
    result, _ = compare("django", lambda e: e.from_string("").render(Context()))
    assert result[:3] == (
        "error",
        TypeError,
        ("context must be a dict rather than Context.",),
    )


def test_django_string_if_invalid(compare, rf):
    result, _ = compare(
        "django",
        lambda e: e.from_string("[{{ missing }}]").render({}, rf.get("/")),
        string_if_invalid="INVALID",
    )
    assert result == ("ok", "[INVALID]")


@pytest.mark.skipif(
    django.VERSION < (5, 1), reason="BaseEngine.check() is new in Django 5.1"
)
def test_django_check_is_the_same():
    ours, djangos = engines("django", string_if_invalid=1)
    assert (
        [m.id for m in ours.check()]
        == [m.id for m in djangos.check()]
        == ["templates.E002"]
    )


def test_jinja2_origin():
    ours, djangos = engines("jinja2")
    for engine in (ours, djangos):
        template = engine.get_template("fsd/hello.html")
        assert template.origin.name == str(HERE / "jinja2" / "fsd" / "hello.html")
        assert template.origin.template_name == "fsd/hello.html"
        template = engine.from_string("x")
        assert template.origin.name == "<template>"
        assert template.origin.template_name is None


def test_jinja2_self_context(compare):
    result, _ = compare(
        "jinja2", lambda e: e.from_string("{{ self }}").render({"self": "self"})
    )
    # Django's test (#24538): a ``self`` key must not make the render fail.
    assert result[0] == "ok"


def test_jinja2_debug_undefined(compare, settings):
    settings.DEBUG = True
    result, _ = compare("jinja2", lambda e: e.from_string("[{{ missing }}]").render({}))
    assert result == ("ok", "[{{ missing }}]")


def test_jinja2_request_values(compare, rf):
    request = rf.get("/where/")
    result, _ = compare(
        "jinja2",
        lambda e: e.from_string(
            "{{ request.path }}|{{ csrf_token|length > 0 }}"
        ).render({}, request),
    )
    assert result == ("ok", "/where/|True")


def test_jinja2_differs_on_purpose_caller_dict_is_not_mutated(rf):
    ours, djangos = engines("jinja2")
    request = rf.get("/")
    mine, theirs = {"a": 1}, {"a": 1}
    ours.from_string("").render(mine, request)
    djangos.from_string("").render(theirs, request)
    assert mine == {"a": 1}
    assert set(theirs) == {"a", "request", "csrf_input", "csrf_token"}
