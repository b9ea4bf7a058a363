"""Request URLs as IRIs, ``Cookie`` headers and header lists, as Werkzeug shows them.

Written from Werkzeug 3.1's observable behaviour (the tests compare with it);
paths are escaped by Django's ``escape_uri_path``, queries by ``urllib``.
"""

from __future__ import annotations

import re
from contextlib import suppress
from urllib.parse import quote, urlsplit

from django.utils.datastructures import MultiValueDict
from django.utils.encoding import escape_uri_path

# -- URLs --------------------------------------------------------------------------

# Escapes an IRI keeps: of bytes that may not appear raw (controls, space,
# "%", DEL), and of those that would change how the part splits.
_NEVER_RAW = frozenset((*range(0x21), ord("%"), 0x7F))
_PATH_KEEPS = _NEVER_RAW | {ord(c) for c in "/?#"}
_QUERY_KEEPS = _NEVER_RAW | {ord(c) for c in "&=+#"}
# RFC 3986: a query is sub-delims, ":", "@", "/" and "?" besides letters and
# digits; "%" stays too, for the escapes the query already has.
_SUB_DELIMS = "!$&'()*+,;="
_QUERY_SAFE = _SUB_DELIMS + ":@/?%"

_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes smuggled by "surrogateescape"


def _utf8_or_escapes(data: bytes | bytearray) -> str:
    """``data`` decoded as UTF-8, each byte that is not valid UTF-8 as ``%XX``."""
    text = data.decode("utf-8", "surrogateescape")
    return _UNDECODABLE.sub(lambda m: f"%{ord(m[0]) - 0xDC00:02X}", text)


def _unescape(uri_part: str, keeps: frozenset[int]) -> str:
    """Turn the percent-escapes of ``uri_part`` back into text, except the
    escapes of the bytes in ``keeps``."""

    def run_to_text(run: re.Match[str]) -> str:
        escapes = run[0]
        pieces: list[str] = []
        pending = bytearray()
        for start in range(0, len(escapes), 3):
            byte = int(escapes[start + 1 : start + 3], 16)
            if byte in keeps:
                pieces += (_utf8_or_escapes(pending), escapes[start : start + 3])
                pending.clear()
            else:
                pending.append(byte)
        pieces.append(_utf8_or_escapes(pending))
        return "".join(pieces)

    return _ESCAPE_RUN.sub(run_to_text, uri_part)


def _unicode_label(label: str) -> str:
    if label.startswith("xn--"):
        with suppress(UnicodeError):  # not valid Punycode: shown as it came
            return label.encode("ascii").decode("idna")
    return label


def iri_host(host: str) -> str:
    """``host`` (``name[:port]``, ``[v6][:port]``) with the name lower-cased
    and its Punycode (``xn--``) labels decoded."""
    parts = urlsplit(f"//{host}")
    try:
        port = parts.port
    except ValueError:  # a port urllib rejects (Werkzeug fails there)
        return host
    name = ".".join(map(_unicode_label, (parts.hostname or "").split(".")))
    if ":" in name:
        name = f"[{name}]"
    return name if port is None else f"{name}:{port}"


def absolute_iri(scheme: str, host: str, path: str, query: bytes = b"") -> str:
    """``scheme://host/path?query`` as an IRI, the way Werkzeug shows request
    URLs: non-ASCII text and harmless escapes (``%2F`` in the query, say)
    unescaped; spaces, controls, ``%`` and the escapes that would change how
    the path or query splits (``%3F`` in the path, ``%26`` in the query) kept.

    ``path`` is decoded text (Django's ``path_info``), so a ``%`` in it is
    data and shows as ``%25``; ``query`` is the raw query string, bytes that
    need not be valid UTF-8 (those stay ``%XX``).
    """
    iri = f"{scheme}://{iri_host(host)}{_unescape(escape_uri_path(path), _PATH_KEEPS)}"
    if query:
        iri += "?" + _unescape(quote(query, safe=_QUERY_SAFE), _QUERY_KEEPS)
    return iri


# -- header lists ----------------------------------------------------------------

# A "quoted string" (where \ escapes), a run of other characters, a comma,
# or a '"' that opens a string never closed.
_LIST_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^,"]+|[,"]', re.S)
_BACKSLASHED = re.compile(r"\\(.)", re.S)


def parse_header_list(value: str) -> list[str]:
    """The items of a comma-separated header (``X-Forwarded-For``): stripped,
    empty ones dropped, then a fully quoted item unquoted (``""`` stays, as
    an empty string); ``[]`` if a quote is never closed."""
    items = [""]
    for token in _LIST_TOKEN.findall(value):
        if token == ",":
            items.append("")
        elif token == '"':
            return []
        else:
            items[-1] += token
    stripped = [item for item in (item.strip(" \t") for item in items) if item]
    return [
        _BACKSLASHED.sub(r"\1", item[1:-1])
        if len(item) >= 2 and item[0] == item[-1] == '"'
        else item
        for item in stripped
    ]


# -- Cookie header ---------------------------------------------------------------

_NOT_IN_TOKEN = frozenset(' \t"')
_QUOTED_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"')
_VALUE_ESCAPE = re.compile(rb"\\(?:([0-3][0-7]{2})|(.))", re.S)


def _unquote_cookie_value(quoted: str) -> str:
    """A quoted value's text: ``\\ooo`` is the byte of that octal code (as
    Python's ``http.cookies`` writes them), ``\\c`` is ``c``; bytes are UTF-8."""
    raw = _VALUE_ESCAPE.sub(
        lambda m: bytes([int(m[1], 8)]) if m[1] else m[2], quoted[1:-1].encode()
    )
    return raw.decode(errors="replace")


def parse_cookie(header: str) -> MultiValueDict[str, str]:
    """The ``name=value`` pairs of a ``Cookie`` header, in order, a repeated
    name keeping every value; ``name`` alone has the value ``""``.

    A pair whose name or value is malformed (a space inside, a stray ``"``,
    an unterminated quoted value) is skipped; the rest still count. A ``;``
    always ends a pair, also inside a quoted value (Werkzeug reads on to the
    closing quote there).
    """
    cookies: MultiValueDict[str, str] = MultiValueDict()
    for pair in header.split(";"):
        name, _, value = pair.partition("=")
        name, value = name.strip(" \t"), value.strip(" \t")
        if not name or not _NOT_IN_TOKEN.isdisjoint(name):
            continue
        if value.startswith('"'):
            if not _QUOTED_VALUE.fullmatch(value):
                continue
            value = _unquote_cookie_value(value)
        elif not _NOT_IN_TOKEN.isdisjoint(value):
            continue
        cookies.appendlist(name, value)
    return cookies
