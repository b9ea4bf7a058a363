"""Flask's make_response rules, for before_request short-circuits and error handlers."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.template.response import TemplateResponse

from flasksignals_django import current_app
from flasksignals_django.responses import describe, make_response, needs_render

from .recorder import Recorder


def source():
    """Named in the errors of make_response."""


def template_response():
    template = engines.all()[0].from_string("tpl {{ value }}")
    return TemplateResponse(None, template, {"value": 7}, status=202)


FORMS = [
    pytest.param(lambda: "text", 200, b"text", {}, id="str"),
    pytest.param(lambda: b"bytes", 200, b"bytes", {}, id="bytes"),
    pytest.param(lambda: {"a": 1}, 200, b'{"a": 1}', {}, id="dict"),
    pytest.param(lambda: [1, 2], 200, b"[1, 2]", {}, id="list"),
    pytest.param(lambda: ("body", 201), 201, b"body", {}, id="body-status"),
    pytest.param(
        lambda: ("body", {"X-A": "1"}),
        200,
        b"body",
        {"X-A": "1"},
        id="body-headers-dict",
    ),
    pytest.param(
        lambda: ("body", [("X-A", "1"), ("X-B", "2")]),
        200,
        b"body",
        {"X-A": "1", "X-B": "2"},
        id="body-headers-pairs",
    ),
    pytest.param(
        lambda: ("body", 202, {"X-A": "1"}),
        202,
        b"body",
        {"X-A": "1"},
        id="body-status-headers",
    ),
    pytest.param(
        lambda: (HttpResponse("resp", status=200), 418),
        418,
        b"resp",
        {},
        id="response-status",
    ),
    pytest.param(
        lambda: HttpResponse("resp", status=203), 203, b"resp", {}, id="response"
    ),
    pytest.param(template_response, 202, b"tpl 7", {}, id="template-response"),
]


@pytest.mark.parametrize(("make", "status", "body", "headers"), FORMS)
def test_before_request_short_circuit_forms(client, make, status, body, headers):
    @current_app.before_request
    def short_circuit():
        return make()

    with Recorder() as rec:
        response = client.get("/core/")
    assert response.status_code == status
    assert response.content == body
    for name, value in headers.items():
        assert response[name] == value
    assert "view:index" not in rec.labels
    assert rec.one("signal:request_finished").args == {"response": status}
    assert rec.one("hook:after_request").args == {"response": status}
    assert rec.one("hook:teardown_request").args == {"exc": None}


@pytest.mark.parametrize(("make", "status", "body", "headers"), FORMS)
def test_errorhandler_return_forms(client, make, status, body, headers):
    @current_app.errorhandler(404)
    def handler(error):
        return make()

    response = client.get("/core/404/")
    assert response.status_code == status
    assert response.content == body


def test_str_and_dict_content_types():
    assert make_response("x", source)["Content-Type"].startswith("text/html")
    response = make_response({"a": [1]}, source)
    assert isinstance(response, JsonResponse)
    assert json.loads(response.content) == {"a": [1]}


@pytest.mark.parametrize(
    ("value", "match"),
    [
        pytest.param(None, "returned None", id="none"),
        pytest.param(42, "returned int", id="int"),
        pytest.param(object(), "returned object", id="object"),
        pytest.param(("a", 200, {}, "extra"), "tuple of 4 items", id="4-tuple"),
        pytest.param(("a",), "tuple of 1 items", id="1-tuple"),
        pytest.param(("a", "200", {}), "status '200'", id="status-str"),
        pytest.param(("a", True), "status True", id="status-bool"),
        pytest.param(("a", 200.0), "status 200.0", id="status-float"),
        pytest.param(("a", [1, 2, 3]), "headers", id="bad-header-pairs"),
        pytest.param((None, 200), "returned None", id="none-body"),
    ],
)
def test_invalid_values_are_type_errors_naming_the_source(value, match):
    with pytest.raises(TypeError, match=match) as info:
        make_response(value, source)
    assert "test_responses.source" in str(info.value)


@pytest.mark.parametrize(
    "value",
    [42, None, ("a", 200, {}, 1), ("a", "200")],
    ids=["int", "none-via-wrapper", "4-tuple", "bad-status"],
)
def test_invalid_short_circuit_value_is_a_500_naming_the_hook(value):
    from django.test import Client

    @current_app.before_request
    def bad_before_request():
        # A before_request that returns None goes on, so wrap None in a tuple.
        return (None, 200) if value is None else value

    with Recorder() as rec:
        response = Client(raise_request_exception=False).get("/core/")
    assert response.status_code == 500
    error = rec.one("signal:got_request_exception").raw["exception"]
    assert isinstance(error, TypeError)
    assert "bad_before_request" in str(error)
    assert "view:index" not in rec.labels


def test_template_response_is_rendered_before_after_request(client):
    @current_app.before_request
    def short_circuit():
        return template_response()

    seen = []

    @current_app.after_request
    def after(response):
        seen.append(response.is_rendered)
        return response

    assert client.get("/core/").content == b"tpl 7"
    assert seen == [True]


def test_needs_render_and_describe():
    assert needs_render(template_response())
    assert not needs_render(HttpResponse("x"))
    assert describe(source) == "tests.test_responses.source"
    assert "42" in describe(42)
