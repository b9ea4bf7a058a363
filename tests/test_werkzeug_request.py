"""Werkzeug's request names on ``flasksignals_django.request``, checked against Werkzeug.

Each request is sent twice: through a small Flask 3.1 app (``app.test_client()``,
base URL ``http://testserver`` so that both see the same host) and through
Django's test ``Client`` (or ``AsyncClient``); a view on each side reads the
same names in the same order with ``tests.views_werkzeug.snapshot`` and the
values must be equal.
"""

from __future__ import annotations

import gc
import json

import pytest
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from flasksignals_django import current_app, request
from flasksignals_django.errors import (
    BadJSON,
    BadRequestKeyError,
    UnsupportedMediaType,
    http_code,
)
from flasksignals_django.globals import current_request_context
from flasksignals_django.werkzeug_request import WERKZEUG_NAMES, WerkzeugRequest
from tests.views_werkzeug import READERS, STATE, snapshot

ALL = [
    "mimetype",
    "mimetype_params",
    "is_json",
    "args",
    "cookies",
    "url",
    "base_url",
    "url_root",
    "host_url",
    "host",
    "full_path",
    "remote_addr",
    "access_route",
    "environ",
    "endpoint",
    "view_args",
    "url_rule",
    "form",
    "files",
    "values",
    "data",
    "get_data",
    "get_data_text",
    "json",
    "get_json_silent",
    "get_json_force_silent",
]
"""Every name, the body last: Werkzeug's ``data`` after ``form`` is empty for forms."""

BODY_FIRST = [
    "get_data",
    "data",
    "form",
    "files",
    "values",
    "get_json_force_silent",
    "get_json",
]
"""The body read first: Werkzeug then keeps it, and ``data`` gives it even for forms."""

QUERY = "/wz/capture/?a=1&a=2&b=&n=5&n=x&n=7&q=%C3%A9&sp=a+b&amp=%26&sl=%2F"

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _flask_app():
    import flask

    app = flask.Flask("werkzeug_parity")

    def capture(**kwargs):
        STATE["captured"] = snapshot(flask.request, STATE["reads"])
        return "ok"

    for rule, endpoint in [
        ("/wz/capture/", "wz-capture"),
        ("/wz/async/", "wz-async"),
        ("/wz/item/<int:pk>/<path:rest>", "wz-item"),
        ("/wz/ünï/<path:rest>", "wz-unicode"),
    ]:
        app.add_url_rule(rule, endpoint, capture, methods=METHODS)

    @app.route("/wz/json/", endpoint="wz-json", methods=METHODS)
    def get_json():
        return {"json": flask.request.get_json()}

    @app.route("/wz/missing/", endpoint="wz-missing")
    def missing_arg():
        return flask.request.args["missing"]

    return app


@pytest.fixture
def flask_app():
    # Flask is a dev dependency (the `test` extra, used by the nox matrix, lacks
    # it): without it the comparisons skip and the Django-only tests still run.
    pytest.importorskip("flask")
    return _flask_app()


def _via_flask(
    app, method, path, reads, body, content_type, headers, secure, script_name
):
    STATE["reads"], STATE["captured"] = reads, None
    scheme = "https" if secure else "http"
    response = app.test_client(use_cookies=False).open(
        path,
        method=method,
        data=body,
        content_type=content_type,
        headers=headers or {},
        base_url=f"{scheme}://testserver{script_name}",
    )
    return response.status_code, STATE["captured"]


def _django_kwargs(method, path, body, content_type, headers, secure, script_name):
    kwargs = {
        "data": body or b"",
        "secure": secure,
        "headers": headers or {},
    }
    if content_type is not None:
        kwargs["content_type"] = content_type
        if not body:  # Django's clients send a content type with a body only
            kwargs["CONTENT_TYPE"] = content_type
    else:
        kwargs["content_type"] = ""
    if script_name:
        kwargs["SCRIPT_NAME"] = script_name
    return kwargs


def _via_django(method, path, reads, body, content_type, headers, secure, script_name):
    STATE["reads"], STATE["captured"] = reads, None
    kwargs = _django_kwargs(
        method, path, body, content_type, headers, secure, script_name
    )
    response = Client().generic(method, path, **kwargs)
    return response.status_code, STATE["captured"]


async def _via_django_async(
    method, path, reads, body, content_type, headers, secure, script_name
):
    STATE["reads"], STATE["captured"] = reads, None
    kwargs = _django_kwargs(
        method, path, body, content_type, headers, secure, script_name
    )
    response = await AsyncClient().generic(method, path, **kwargs)
    return response.status_code, STATE["captured"]


def _assert_same(django_side, flask_side):
    d_status, d_values = django_side
    f_status, f_values = flask_side
    assert (d_status, f_status) == (200, 200)
    assert d_values is not None and f_values is not None
    differ = {}
    for name in f_values:
        d, f = d_values[name], f_values[name]
        if d != f:
            if isinstance(d, dict) and isinstance(f, dict):
                d, f = (
                    {k: v for k, v in d.items() if f.get(k, ...) != v},
                    {k: v for k, v in f.items() if d.get(k, ...) != v},
                )
            differ[name] = {"django": d, "werkzeug": f}
    assert not differ, differ
    return d_values


def compare(
    app,
    method="GET",
    path=QUERY,
    reads=ALL,
    body=None,
    content_type=None,
    headers=None,
    secure=False,
    script_name="",
):
    args = (method, path, reads, body, content_type, headers, secure, script_name)
    return _assert_same(_via_django(*args), _via_flask(app, *args))


async def compare_async(
    app,
    method="GET",
    path=QUERY,
    reads=ALL,
    body=None,
    content_type=None,
    headers=None,
    secure=False,
    script_name="",
):
    args = (method, path, reads, body, content_type, headers, secure, script_name)
    django_side = await _via_django_async(*args)
    flask_side = _via_flask(app, *args)
    for _, values in (django_side, flask_side):
        if values and "environ" in values:
            # AsyncClient's scope names the server 127.0.0.1, its Host header testserver.
            values["environ"].pop("SERVER_NAME")
    return _assert_same(django_side, flask_side)


DESIGN_NAMES = {
    "args",
    "form",
    "files",
    "cookies",
    "values",
    "data",
    "get_data",
    "json",
    "get_json",
    "is_json",
    "mimetype",
    "mimetype_params",
    "url",
    "base_url",
    "url_root",
    "host_url",
    "host",
    "full_path",
    "remote_addr",
    "access_route",
    "environ",
    "endpoint",
    "view_args",
    "url_rule",
}
"""The names DESIGN.md ("Flask code on Django") lists."""


def test_every_design_name_is_answered_and_compared():
    assert DESIGN_NAMES == WERKZEUG_NAMES
    compared = {
        name
        for name in WERKZEUG_NAMES
        if any(r == name or r.startswith(f"{name}_") for r in READERS)
    }
    assert compared == WERKZEUG_NAMES


# -- query string, URL, host, client ----------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_query_url_and_client_names_per_method(flask_app, method):
    values = compare(flask_app, method)
    args = values["args"]
    assert args["first"]["a"] == "1"  # the first value, not Django's last
    assert args["getlist"]["a"] == ["1", "2"]
    assert args["int"] == 5 and args["getlist_int"] == [5, 7]
    assert values["url"] == (
        "http://testserver/wz/capture/?a=1&a=2&b=&n=5&n=x&n=7&q=é&sp=a+b&amp=%26&sl=/"
    )
    assert values["full_path"].startswith("/wz/capture/?a=1")
    assert values["url_root"] == values["host_url"] == "http://testserver/"
    assert values["endpoint"] == "wz-capture"


def test_values_without_form_on_get_and_with_it_otherwise(flask_app):
    form = "a=3&f=4"
    ct = "application/x-www-form-urlencoded"
    on_get = compare(flask_app, "GET", "/wz/capture/?a=1", body=form, content_type=ct)
    assert on_get["values"]["getlist"] == {"a": ["1"]}
    assert on_get["form"]["getlist"] == {"a": ["3"], "f": ["4"]}
    on_post = compare(flask_app, "POST", "/wz/capture/?a=1", body=form, content_type=ct)
    assert on_post["values"]["getlist"] == {"a": ["1", "3"], "f": ["4"]}
    assert on_post["values"]["first"] == {"a": "1", "f": "4"}


def test_no_query_string_full_path_still_has_the_question_mark(flask_app):
    values = compare(flask_app, "GET", "/wz/capture/")
    assert values["full_path"] == "/wz/capture/?"
    assert values["url"] == values["base_url"] == "http://testserver/wz/capture/"


def test_non_ascii_path_and_route_arguments(flask_app):
    # environ is Django's META, whose PATH_INFO Django decodes (WSGI's is latin-1 text).
    path = "/wz/ünï/é x/%C3%A7?q=%E2%9C%93&r=%C3%A7"
    STATE["reads"] = ["environ"]
    Client().get(path)
    assert STATE["captured"]["environ"]["PATH_INFO"] == "/wz/ünï/é x/ç"
    values = compare(
        flask_app, "GET", path, [name for name in ALL if name != "environ"]
    )
    assert values["url"] == "http://testserver/wz/ünï/é%20x/ç?q=✓&r=ç"
    assert values["view_args"] == {"rest": "é x/ç"}
    assert values["url_rule"] == (
        "/wz/ünï/<path:rest>",
        "wz-unicode",
        "/wz/ünï/<path:rest>",
    )


def test_invalid_utf8_in_the_query_is_djangos_replacement_character(flask_app):
    # The one documented difference: args are Django's QueryDict, which
    # decodes with replacement (and keeps Django's limits); Werkzeug keeps
    # the invalid escape as it came.
    reads = ["args", "url", "full_path"]
    STATE["reads"] = reads
    Client().get("/wz/capture/?r=%FF&q=%E2%9C%93")
    django = STATE["captured"]
    _, werkzeug = _via_flask(
        flask_app,
        "GET",
        "/wz/capture/?r=%FF&q=%E2%9C%93",
        reads,
        None,
        None,
        None,
        False,
        "",
    )
    assert (
        django["url"] == werkzeug["url"]
        and django["full_path"] == werkzeug["full_path"]
    )
    assert django["args"]["first"] == {"r": "\ufffd", "q": "✓"}
    assert werkzeug["args"]["first"] == {"r": "%FF", "q": "✓"}


def test_route_with_converters(flask_app):
    values = compare(flask_app, "GET", "/wz/item/42/a/b.txt")
    assert values["endpoint"] == "wz-item"
    assert values["view_args"] == {"pk": 42, "rest": "a/b.txt"}
    assert values["url_rule"][0] == "/wz/item/<int:pk>/<path:rest>"


@pytest.mark.parametrize(
    ("secure", "host", "expected"),
    [
        (False, None, "testserver"),
        (False, "example.com:80", "example.com"),
        (False, "example.com:8080", "example.com:8080"),
        (True, None, "testserver"),
        (True, "Example.COM:443", "Example.COM"),
        (True, "example.com:8443", "example.com:8443"),
    ],
)
def test_host_and_urls_drop_the_default_port(flask_app, secure, host, expected):
    headers = {"Host": host} if host else {}
    values = compare(
        flask_app, "GET", "/wz/capture/?x=1", headers=headers, secure=secure
    )
    scheme = "https" if secure else "http"
    assert values["host"] == expected
    assert values["host_url"] == f"{scheme}://{expected.lower()}/"


@pytest.mark.parametrize(
    ("host", "url_root"),
    [
        ("xn--n3h.net", "http://☃.net/"),
        ("[::1]:8000", "http://[::1]:8000/"),
        ("127.0.0.1:80", "http://127.0.0.1/"),
        ("UPPER.example", "http://upper.example/"),
    ],
)
def test_urls_are_iris_with_werkzeugs_host(flask_app, host, url_root):
    values = compare(
        flask_app, "GET", "/wz/capture/?q=%E2%9C%93", headers={"Host": host}
    )
    assert values["url_root"] == url_root


def test_percent_in_the_path_shows_as_25(flask_app):
    # Documented difference (README): a "%" of the decoded path is data, so
    # url and base_url escape it as "%25" (Django's escape_uri_path);
    # Werkzeug leaves it bare. Every other name agrees.
    path = "/wz/ünï/100%25?q=1"
    reads = ["url", "base_url", "full_path", "view_args", "url_rule"]
    STATE["reads"] = reads
    Client().get(path)
    django = STATE["captured"]
    _, werkzeug = _via_flask(flask_app, "GET", path, reads, None, None, None, False, "")
    assert django["url"] == "http://testserver/wz/ünï/100%25?q=1"
    assert werkzeug["url"] == "http://testserver/wz/ünï/100%?q=1"
    assert django["base_url"] == werkzeug["base_url"].replace("100%", "100%25")
    assert {k: django[k] for k in reads[2:]} == {k: werkzeug[k] for k in reads[2:]}


def test_raw_non_ascii_query_string(flask_app):
    values = compare(flask_app, "GET", "/wz/capture/?q=é&r=a b")
    assert values["args"]["first"]["q"] == "é"


def test_script_name_is_the_url_root(flask_app):
    values = compare(flask_app, "GET", "/wz/capture/?x=1", script_name="/app")
    assert values["url_root"] == "http://testserver/app/"
    assert values["url"] == "http://testserver/app/wz/capture/?x=1"
    assert values["full_path"] == "/wz/capture/?x=1"  # below the root path


@pytest.mark.parametrize(
    "forwarded",
    [
        "203.0.113.1",
        '203.0.113.1, "198.51.100.2" ,, 10.0.0.1',
        "",
        '"a\\"b, c", 10.0.0.1',
        '"unclosed, 10.0.0.1',
    ],
)
def test_access_route_from_x_forwarded_for(flask_app, forwarded):
    values = compare(
        flask_app, "GET", "/wz/capture/", headers={"X-Forwarded-For": forwarded}
    )
    assert values["remote_addr"] == "127.0.0.1"
    if forwarded == "203.0.113.1":
        assert values["access_route"] == ["203.0.113.1"]


def test_access_route_without_x_forwarded_for_is_the_remote_addr(flask_app):
    assert compare(flask_app)["access_route"] == ["127.0.0.1"]


@pytest.mark.parametrize(
    "cookie",
    [
        'a=1; a=2; b="x\\"y\\054z"; c; d = 4 ;bad"=5; e=é',
        "",
        "k=v",
        "x y=1; z=2",
        "a=1; b c",
    ],
)
def test_cookies_keep_every_value_first_first(flask_app, cookie):
    values = compare(flask_app, "GET", "/wz/capture/", headers={"Cookie": cookie})
    if cookie.startswith("a=1; a=2"):
        assert values["cookies"]["first"]["a"] == "1"
        assert values["cookies"]["getlist"]["a"] == ["1", "2"]


def test_utf8_cookies_from_a_wsgi_server(flask_app):
    # A WSGI server gives header values as latin-1 text (PEP 3333), as
    # Werkzeug's test client does; Django's test client puts the str as it is.
    header = "e=é; f=✓; g=plain"
    STATE["reads"] = ["cookies"]
    Client().get("/wz/capture/", HTTP_COOKIE=header.encode().decode("latin-1"))
    django = STATE["captured"]
    _, werkzeug = _via_flask(
        flask_app,
        "GET",
        "/wz/capture/",
        ["cookies"],
        None,
        None,
        {"Cookie": header},
        False,
        "",
    )
    assert django == werkzeug
    assert django["cookies"]["first"] == {"e": "é", "f": "✓", "g": "plain"}


def test_semicolon_inside_a_quoted_cookie_ends_the_pair(flask_app):
    # Documented difference (README): the pair a="x;y" is skipped (Django's
    # parse_cookie and RFC 6265 split at every ";"); Werkzeug reads a quoted
    # value on to its closing quote.
    header = 'a="x;y"; b=2'
    STATE["reads"] = ["cookies"]
    Client().get("/wz/capture/", headers={"Cookie": header})
    django = STATE["captured"]["cookies"]
    _, werkzeug = _via_flask(
        flask_app,
        "GET",
        "/wz/capture/",
        ["cookies"],
        None,
        None,
        {"Cookie": header},
        False,
        "",
    )
    assert django["first"] == {"b": "2"}
    assert werkzeug["cookies"]["first"] == {"a": "x;y", "b": "2"}


def test_missing_key_is_a_key_error_answered_with_400(flask_app):
    values = compare(flask_app, reads=["args", "form", "cookies", "values"])
    assert values["args"]["missing_item"][:3] == ("error", "KeyError", 400)
    assert Client().get("/wz/missing/").status_code == 400
    assert flask_app.test_client().get("/wz/missing/").status_code == 400


# -- bodies -----------------------------------------------------------------------

FORM = "a=1&a=2&t=%C3%A9&empty=&n=3"
FORM_CT = "application/x-www-form-urlencoded"


def _multipart() -> bytes:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return encode_multipart(
        BOUNDARY,
        {
            "a": ["1", "2"],
            "t": "é",
            "n": "3",
            "f": [
                SimpleUploadedFile("one.txt", b"first file", "text/plain"),
                SimpleUploadedFile("two.bin", b"\x00\x01", "application/octet-stream"),
            ],
            "g": SimpleUploadedFile("naïve.csv", b"x,y\n", "text/csv"),
        },
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("reads", [ALL, BODY_FIRST], ids=["body-last", "body-first"])
def test_urlencoded_form(flask_app, method, reads):
    values = compare(flask_app, method, "/wz/capture/?a=0", reads, FORM, FORM_CT)
    assert values["form"]["getlist"]["a"] == ["1", "2"]
    assert values["form"]["first"]["t"] == "é"
    assert values["data"] == (FORM.encode() if reads is BODY_FIRST else b"")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize("reads", [ALL, BODY_FIRST], ids=["body-last", "body-first"])
def test_multipart_form_and_files(flask_app, method, reads):
    values = compare(
        flask_app, method, "/wz/capture/", reads, _multipart(), MULTIPART_CONTENT
    )
    assert values["form"]["getlist"] == {"a": ["1", "2"], "t": ["é"], "n": ["3"]}
    files = values["files"]
    assert [(f[0], f[2], f[5]) for f in files] == [
        ("f", "one.txt", b"first file"),
        ("f", "two.bin", b"\x00\x01"),
        ("g", "naïve.csv", b"x,y\n"),
    ]
    if reads is ALL:
        assert values["mimetype"] == "multipart/form-data"
        assert values["mimetype_params"] == {"boundary": BOUNDARY}


def test_get_data_without_cache_reads_the_body_once(flask_app):
    reads = ["get_data_nocache", "get_data", "data", "get_json_force_silent"]
    values = compare(
        flask_app, "POST", "/wz/capture/", reads, b'{"a": 1}', "text/plain"
    )
    assert values["get_data_nocache"] == b'{"a": 1}'
    assert values["get_data"] == b""


def test_form_parsed_first_empties_the_body_as_in_werkzeug(flask_app):
    reads = ["form", "get_data", "data"]
    values = compare(flask_app, "PUT", "/wz/capture/", reads, FORM, FORM_CT)
    assert values["get_data"] == b""


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"a": [1, 2], "s": "\xc3\xa9"}', "application/json"),
        (b'{"a": 1}', "application/json; charset=UTF-8"),
        (b'{"a": 1}', "Application/JSON"),
        (b'{"data": {"id": "1"}}', "application/vnd.api+json"),
        (b"[1, 2]", "application/problem+json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b'{"a": 1}', "text/plain; charset=utf-8"),
        (b'{"a": 1}', None),
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe{", "application/json"),
        (b"a=1", FORM_CT),
        (b'{"a": 1}', "application/jsonx"),
        (b'{"a": 1}', "text/json"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_json_bodies(flask_app, method, body, content_type):
    reads = [
        "is_json",
        "mimetype",
        "mimetype_params",
        "get_json_silent",
        "get_json",
        "json",
        "get_json_force_silent",
        "get_json_force",
        "get_json_nocache",
        "data",
        "get_data_text",
    ]
    compare(flask_app, method, "/wz/capture/", reads, body, content_type)


@pytest.mark.parametrize(
    "reads",
    [
        ["get_json_silent", "get_json", "get_json_silent"],
        ["get_json", "get_json_silent", "get_json_nocache"],
        ["get_json_force", "get_json", "get_json_silent"],
        ["get_json_nocache", "get_json_nocache", "get_json"],
    ],
)
@pytest.mark.parametrize("body", [b'{"a": 1}', b"{bad"])
def test_json_caching_order(flask_app, reads, body):
    compare(flask_app, "POST", "/wz/capture/", reads, body, "application/json")


def test_json_errors_are_badrequests_with_flasks_codes_and_descriptions(flask_app):
    reads = ["get_json", "get_json_silent"]
    text = compare(flask_app, "POST", "/wz/capture/", reads, b"{}", "text/plain")
    assert text["get_json"][:3] == ("error", "other", 415)
    assert text["get_json_silent"] is None
    bad = compare(flask_app, "POST", "/wz/capture/", reads, b"{", "application/json")
    assert bad["get_json"][:3] == ("error", "other", 400)
    assert issubclass(UnsupportedMediaType, BadRequest)
    assert issubclass(BadJSON, BadRequest)
    assert issubclass(BadRequestKeyError, BadRequest)
    assert issubclass(BadRequestKeyError, KeyError)
    assert str(UnsupportedMediaType()) == (
        "415 Unsupported Media Type: The server does not support the media type"
        " transmitted in the request."
    )


def test_bad_json_description_names_the_error_with_debug(flask_app, settings):
    settings.DEBUG = True
    flask_app.debug = True
    reads = ["get_json"]
    values = compare(flask_app, "POST", "/wz/capture/", reads, b"{", "application/json")
    assert values["get_json"][3].startswith("Failed to decode JSON object: ")


def test_json_view_bad_json_is_answered_400(flask_app):
    body = b"{not json"
    django = Client().post("/wz/json/", body, content_type="application/json")
    flask_response = flask_app.test_client().post(
        "/wz/json/", data=body, content_type="application/json"
    )
    assert django.status_code == flask_response.status_code == 400
    ok = Client().post("/wz/json/", b'{"a": 1}', content_type="application/json")
    assert ok.status_code == 200 and json.loads(ok.content) == {"json": {"a": 1}}


def test_json_view_text_body_is_answered_415(flask_app):
    body = b'{"a": 1}'
    flask_response = flask_app.test_client().post(
        "/wz/json/", data=body, content_type="text/plain"
    )
    assert flask_response.status_code == 415
    django = Client().post("/wz/json/", body, content_type="text/plain")
    assert django.status_code == 415


def test_http_code_still_maps_the_errors_to_4xx():
    assert http_code(BadJSON()) == 400
    assert http_code(BadRequestKeyError("x")) == 400
    assert http_code(UnsupportedMediaType()) in (400, 415)


# -- ASGI ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/wz/async/?a=1&a=2", "/wz/capture/?a=1&a=2"])
async def test_names_under_asgi(flask_app, path):
    values = await compare_async(flask_app, "GET", path, headers={"Cookie": "a=1; a=2"})
    assert values["environ"]["REQUEST_METHOD"] == "GET"
    assert values["environ"]["PATH_INFO"] == path.split("?")[0]
    assert values["environ"]["QUERY_STRING"] == "a=1&a=2"
    assert values["environ"]["REMOTE_ADDR"] == "127.0.0.1"


async def test_non_ascii_query_under_asgi(flask_app):
    # Under ASGI the raw query string comes from the scope, not META's text.
    # (Escaped, as browsers send it: AsyncClient encodes raw non-ASCII text in
    # the path and query as latin-1, where a server passes the UTF-8 bytes.)
    path = "/wz/async/?q=%E2%9C%93&r=%C3%A9&s=%2F&t=%26"
    reads = [name for name in ALL if name != "environ"]
    values = await compare_async(flask_app, "GET", path, reads)
    assert values["url"] == "http://testserver/wz/async/?q=✓&r=é&s=/&t=%26"


async def test_bodies_under_asgi(flask_app):
    await compare_async(
        flask_app, "PUT", "/wz/async/", ALL, _multipart(), MULTIPART_CONTENT
    )
    await compare_async(
        flask_app, "POST", "/wz/async/?x=1", ALL, b'{"a": [1]}', "application/json"
    )


async def test_environ_under_asgi_is_djangos_meta():
    seen = {}

    @current_app.before_request
    def look():
        seen["environ"] = request.environ
        seen["meta"] = request.META

    response = await AsyncClient().get("/wz/plain/")
    assert response.status_code == 200
    assert seen["environ"] is seen["meta"]
    assert "wsgi.input" not in seen["environ"]


def test_environ_under_wsgi_is_the_wsgi_environ():
    seen = {}

    @current_app.before_request
    def look():
        seen["environ"] = request.environ
        seen["meta"] = request.META

    Client().get("/wz/plain/")
    assert seen["environ"] is seen["meta"]
    assert "wsgi.input" in seen["environ"]


# -- routing inside before_request ---------------------------------------------------


def _flask_before(app, seen):
    import flask

    @app.before_request
    def look():
        seen.append(snapshot(flask.request, ["endpoint", "view_args", "url_rule"]))


@pytest.mark.parametrize(
    "path", ["/wz/capture/?a=1", "/wz/item/7/x/y", "/wz/ünï/é", "/wz/nowhere/", "/nope"]
)
def test_routing_names_inside_before_request(flask_app, path):
    django_seen, flask_seen = [], []
    _flask_before(flask_app, flask_seen)

    @current_app.before_request
    def look():
        django_seen.append(snapshot(request, ["endpoint", "view_args", "url_rule"]))
        django_seen.append(request.resolver_match)  # Django has not resolved yet

    STATE["reads"] = ["endpoint"]
    django_status = Client().get(path).status_code
    flask_status = flask_app.test_client().get(path).status_code
    assert django_status == flask_status
    assert django_seen[0] == flask_seen[0]
    assert django_seen[1] is None
    if django_status == 404:
        assert flask_seen[0] == {"endpoint": None, "view_args": None, "url_rule": None}


def test_routing_before_request_and_in_the_view_agree():
    seen = []

    @current_app.before_request
    def look():
        seen.append((request.endpoint, request.view_args, request.url_rule))

    STATE["reads"] = ["endpoint", "view_args", "url_rule"]
    Client().get("/wz/item/3/z")
    assert seen[0][:2] == ("wz-item", {"pk": 3, "rest": "z"})
    assert STATE["captured"]["url_rule"] == (
        seen[0][2].rule,
        seen[0][2].endpoint,
        str(seen[0][2]),
    )


def test_routing_uses_the_requests_urlconf():
    seen = []

    @current_app.before_request
    def pick_urlconf():
        request.urlconf = "tests.urls_core"  # as a middleware routing by host would
        seen.append(request.endpoint)

    Client().get("/wz/capture/")
    assert seen == [None]


PUBLIC = {"wz-capture", "wz-unicode"}


@pytest.mark.parametrize(
    ("path", "status"),
    [("/wz/capture/", 200), ("/wz/ünï/x", 200), ("/wz/item/1/x", 403), ("/nope/", 403)],
)
def test_endpoint_gate_in_before_request(flask_app, path, status):
    import flask

    @flask_app.before_request
    def flask_gate():
        if flask.request.endpoint not in PUBLIC:
            return "denied", 403
        return None

    @current_app.before_request
    def gate():
        if request.endpoint not in PUBLIC:
            return HttpResponse("denied", status=403)
        return None

    STATE["reads"] = ["endpoint"]
    assert flask_app.test_client().get(path).status_code == status
    assert Client().get(path).status_code == status


# -- Django's names win; nothing paid, nothing changed ----------------------------------


def test_djangos_names_stay_djangos():
    response = Client().get(
        "/wz/plain/?a=1&a=2", headers={"Cookie": "c=1; c=2", "Host": "example.com:80"}
    )
    assert response.status_code == 200
    method, last_a, cookies, path, host = STATE["captured"]
    assert (method, last_a, cookies, path, host) == (
        "GET",
        "2",  # QueryDict's last value
        {"c": "2"},  # Django's COOKIES dict
        "/wz/plain/",
        "example.com:80",
    )


def test_a_request_that_reads_no_werkzeug_name_makes_no_werkzeug_request():
    def made(ctx: object) -> bool:
        return any(isinstance(o, WerkzeugRequest) for o in gc.get_referents(ctx))

    Client().get("/wz/plain/?a=1")
    assert not made(STATE["ctx"])
    seen = {}

    @current_app.before_request
    def look():
        seen["args"] = request.args.get("a")

    Client().get("/wz/plain/?a=1")
    assert seen == {"args": "1"}
    assert made(STATE["ctx"])


def test_reading_the_names_does_not_change_the_httprequest():
    seen = {}

    @current_app.before_request
    def look():
        req = request._get_current_object()
        before = dict(vars(req))
        snapshot(
            request,
            [
                n
                for n in ALL
                if n
                not in (
                    "form",
                    "files",
                    "values",
                    "data",
                    "get_data",
                    "get_data_text",
                    "json",
                    "get_json_silent",
                    "get_json_force_silent",
                )
            ],
        )
        seen["changed"] = {
            k
            for k in set(vars(req)) | set(before)
            if vars(req).get(k, None) is not before.get(k)
        }
        seen["werkzeug"] = current_request_context().werkzeug

    STATE["reads"] = ["endpoint"]
    Client().get(QUERY, headers={"Cookie": "a=1", "X-Forwarded-For": "1.2.3.4"})
    # Only Django's own lazy attribute, made by reading request.GET.
    assert seen["changed"] <= {"GET"}
    assert seen["werkzeug"] is not None


def test_unknown_attribute_still_raises_attribute_error():
    seen = {}

    @current_app.before_request
    def look():
        try:
            request.no_such_name  # noqa: B018
        except AttributeError as e:
            seen["error"] = e

    Client().get("/wz/plain/")
    assert "no_such_name" in str(seen["error"])


def test_names_outside_a_request_raise_runtime_error():
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.args  # noqa: B018


def test_body_already_parsed_by_django_reads_as_empty():
    from django.core.files.uploadedfile import SimpleUploadedFile

    seen = {}

    @current_app.before_request
    def look():
        seen["django_post"] = request.POST.getlist("a")  # Django reads the stream
        seen["get_data"] = request.get_data()
        seen["form"] = request.form.getlist("a")
        seen["files"] = [f.filename for f in request.files.getlist("f")]
        return HttpResponse("done")

    body = {"a": ["1", "2"], "f": SimpleUploadedFile("x.txt", b"xx", "text/plain")}
    assert Client().post("/wz/plain/", body).status_code == 200
    assert seen == {
        "django_post": ["1", "2"],
        "get_data": b"",
        "form": ["1", "2"],
        "files": ["x.txt"],
    }


def test_wsgi_query_string_that_is_not_utf8_stays_as_django_gives_it():
    from django.test import RequestFactory

    from flasksignals_django.werkzeug_request import WerkzeugRequest

    wz = WerkzeugRequest(RequestFactory().get("/wz/capture/", QUERY_STRING="q=\xff"))
    assert wz.full_path == "/wz/capture/?q=\xff"
    assert repr(wz).startswith("<WerkzeugRequest of <WSGIRequest")
    assert wz.url_rule is not None and repr(wz.url_rule) == (
        "<UrlRule '/wz/capture/' -> wz-capture>"
    )


def test_wsgi_query_string_that_is_not_latin1_is_taken_as_utf8():
    from django.test import RequestFactory

    from flasksignals_django.werkzeug_request import WerkzeugRequest

    wz = WerkzeugRequest(RequestFactory().get("/wz/capture/", QUERY_STRING="q=\u20ac"))
    assert wz.full_path == "/wz/capture/?q=\u20ac"


def test_asgi_query_string_comes_from_the_scope_as_bytes():
    from io import BytesIO

    from django.core.handlers.asgi import ASGIRequest

    from flasksignals_django.werkzeug_request import WerkzeugRequest

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/wz/capture/",
        "query_string": b"q=%E2%82%AC&r=1",
        "headers": [(b"host", b"testserver")],
    }
    wz = WerkzeugRequest(ASGIRequest(scope, BytesIO()))
    assert wz.full_path == "/wz/capture/?q=%E2%82%AC&r=1"
    assert wz.url == "http://testserver/wz/capture/?q=\u20ac&r=1"  # an IRI, as Werkzeug


def test_json_silent_without_cache_caches_nothing():
    from django.test import RequestFactory

    from flasksignals_django.werkzeug_request import WerkzeugRequest

    wz = WerkzeugRequest(
        RequestFactory().post("/wz/capture/", b"{", content_type="application/json")
    )
    assert wz.get_json(silent=True, cache=False) is None
    with pytest.raises(BadJSON):
        wz.get_json(cache=False)  # the body was read once: Werkzeug's stream is empty
