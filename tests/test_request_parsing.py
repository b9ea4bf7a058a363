"""``request_parsing`` checked input by input against Werkzeug 3.1's own functions.

The request-level comparisons are in ``test_werkzeug_request``; here the
corner cases are many and cheap. Each documented difference has its own test.
"""

from __future__ import annotations

import pytest

from flasksignals_django.request_parsing import (
    absolute_iri,
    iri_host,
    parse_cookie,
    parse_header_list,
)

werkzeug_http = pytest.importorskip("werkzeug.http")
werkzeug_utils = pytest.importorskip("werkzeug.sansio.utils")


def _werkzeug_cookies(header: str) -> dict[str, list[str]]:
    # Werkzeug reads a str header as WSGI's latin-1 text.
    return werkzeug_http.parse_cookie(header.encode().decode("latin-1")).to_dict(
        flat=False
    )


COOKIES = [
    "",
    "k=v",
    "a=1; a=2; a=3",
    "a=1;b=2;",
    " a = 1 ; b\t=\t2 ",
    "c; d=; =e; f",
    'q="quoted value"; e="\\"in\\" \\\\ out"',
    'oct="\\054\\073\\303\\251\\400\\7"',
    "tok=a=b==; u=é; v=✓",
    "x y=1; z=2",
    "a=1; b c",
    'bad"=5; s="unterminated; t=1',
    'p="x"y; r=x"y; w=" ; ok=1',
    "a=1;;;b=2; ; ",
]


@pytest.mark.parametrize("header", COOKIES)
def test_cookie_pairs_as_werkzeug(header):
    assert dict(parse_cookie(header).lists()) == _werkzeug_cookies(header)


def test_cookie_pairs_keep_their_order_and_every_value():
    assert list(parse_cookie("b=1; a=2; b=3").lists()) == [
        ("b", ["1", "3"]),
        ("a", ["2"]),
    ]


def test_semicolon_inside_a_quoted_cookie_value_ends_the_pair():
    # Documented difference: Werkzeug reads a quoted value on to its closing
    # quote, across ";". We split pairs at every ";", as Django's parse_cookie
    # and RFC 6265 (no ";" in a cookie value, quoted or not) do; the broken
    # pair is skipped, the others count.
    header = 'a="x;y"; b=2'
    assert _werkzeug_cookies(header) == {"a": ["x;y"], "b": ["2"]}
    assert dict(parse_cookie(header).lists()) == {"b": ["2"]}
    # Python's http.cookies writes that ";" as \073, which both read.
    escaped = 'a="x\\073y"; b=2'
    assert dict(parse_cookie(escaped).lists()) == _werkzeug_cookies(escaped)


LISTS = [
    "",
    "203.0.113.1",
    "203.0.113.1, 198.51.100.2",
    '203.0.113.1, "198.51.100.2" ,, 10.0.0.1,',
    " \t, ,\t",
    '"a\\"b, c", 10.0.0.1',
    '"unclosed, 10.0.0.1',
    '"ends in a backslash\\',
    '"", x',
    'a"b,c"d, e',
    "\\, \\\\x",
]


@pytest.mark.parametrize("value", LISTS)
def test_header_list_as_werkzeug(value):
    assert parse_header_list(value) == werkzeug_http.parse_list_header(value)


HOSTS = [
    "testserver",
    "Example.COM",
    "xn--n3h.net",
    "XN--N3H.net:81",
    "a.xn--n3h.b.",
    "[::1]",
    "[::1]:8000",
    "[2001:DB8::1]:443",
    "127.0.0.1:8080",
    "example.com:080",
]


@pytest.mark.parametrize("host", HOSTS)
def test_host_as_werkzeug(host):
    assert f"http://{iri_host(host)}/" == werkzeug_utils.get_current_url("http", host)


PATHS = [
    ("", "/"),
    ("", "/wz/capture/"),
    ("/app", "/x/"),
    ("/app/", "//x"),
    ("/ünï", "/é x/ç/✓"),
    ("", "/a?b#c;d=e/[f]@g:h+i&j,k'l*m(n)!~"),
    ("", "/ctl\x01\x7f/tab\t"),
]
QUERIES = [
    b"",
    b"a=1&a=2&b=&n=5",
    b"q=%C3%A9&sp=a+b&amp=%26&sl=%2F&eq=%3D&plus=%2B&hash=%23&pct=%25",
    b"q=%e2%9c%93&lower=%c3%a9&upper=%41%3f",
    b"raw=\xc3\xa9 x&bad=\xff&esc=%FF&half=%C3&surrogate=%ED%A0%80",
    b"ctl=%00%1F%20%7F&sym=!$'()*,;:@/?[]~",
    b"odd=%&odd2=%4&odd3=%G1&hash=#",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(("root", "path"), PATHS)
def test_urls_as_werkzeug(root, path, query):
    ours = root.rstrip("/") + "/" + path.lstrip("/")
    get_current_url = werkzeug_utils.get_current_url
    assert absolute_iri("https", "xn--n3h.net", ours, query) == get_current_url(
        "https", "xn--n3h.net", root, path, query
    )
    assert absolute_iri("https", "h", ours) == get_current_url("https", "h", root, path)
    assert absolute_iri("https", "h", root.rstrip("/") + "/") == get_current_url(
        "https", "h", root
    )


def test_percent_in_the_path_is_data():
    # Documented difference: a "%" in the decoded path shows as "%25"
    # (Django's escape_uri_path). Werkzeug leaves it bare, so the text "%41"
    # in a path reads back as "A" there.
    get_current_url = werkzeug_utils.get_current_url
    assert absolute_iri("http", "h", "/100%/%41") == "http://h/100%25/%2541"
    assert get_current_url("http", "h", "", "/100%/%41") == "http://h/100%/A"


def test_invalid_punycode_label_stays_as_it_came():
    # Werkzeug 3.1 raises UnicodeError here on Python 3.11; the label is kept.
    assert iri_host("xn--zz.xn--n3h.net") == "xn--zz.☃.net"
    with pytest.raises(UnicodeError):
        werkzeug_utils.get_current_url("http", "xn--zz.xn--n3h.net")


def test_port_that_urllib_rejects_stays_as_it_came():
    assert iri_host("example.com:99999") == "example.com:99999"
