"""Werkzeug's read-only request names, computed from a Django ``HttpRequest``.

``flasksignals_django.request`` answers these names where ``HttpRequest`` has
no attribute of that name, so Flask code that reads ``request.args``,
``request.get_json()`` or ``request.url_rule`` runs on Django. One
:class:`WerkzeugRequest` is made per request, on first use, and caches what it
computes; it reads the ``HttpRequest`` and never changes it. The meanings are
Werkzeug 3.1's (``werkzeug.sansio.request`` and ``werkzeug.wrappers.request``);
Werkzeug itself is not imported. The body names live in ``_request_body``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import Resolver404, ResolverMatch, resolve

from ._request_body import RequestBody
from .multidict import FileStorage, MultiDict, UrlRule
from .request_parsing import absolute_iri, parse_cookie, parse_header_list

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "WERKZEUG_NAMES",
    "FileStorage",
    "MultiDict",
    "UrlRule",
    "WerkzeugRequest",
]

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def _wsgi_bytes(value: str) -> bytes:
    """The bytes of a WSGI environ value (latin-1 text by PEP 3333); Django's
    test clients may put other text there, taken as UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()


def _utf8_text(value: str) -> str:
    """A WSGI environ value (latin-1 text) decoded as the UTF-8 it usually
    is, as Werkzeug decodes it; a value that is not UTF-8 stays as it is."""
    try:
        return value.encode("latin-1").decode()
    except UnicodeError:
        return value


WERKZEUG_NAMES = frozenset(
    {
        *("args", "form", "files", "cookies", "values"),
        *("data", "get_data", "json", "get_json", "is_json"),
        *("mimetype", "mimetype_params"),
        *("url", "base_url", "url_root", "host_url", "host", "full_path"),
        *("remote_addr", "access_route", "environ"),
        *("endpoint", "view_args", "url_rule"),
    }
)
"""The names ``flasksignals_django.request`` answers from :class:`WerkzeugRequest`."""


class WerkzeugRequest(RequestBody):
    """Werkzeug's read-only request names for one Django ``HttpRequest``.

    Made on first use of such a name and cached for the request. It reads the
    ``HttpRequest`` (its ``GET``, ``POST``, ``FILES``, ``META``, ``body`` and
    ``resolver_match``) and never assigns to it.
    """

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self._match: ResolverMatch | None = None
        self._resolved = False

    def __repr__(self) -> str:
        return f"<WerkzeugRequest of {self._request!r}>"

    # -- query, values, cookies -------------------------------------------

    @property
    def args(self) -> MultiDict[str]:
        """The query string's parameters (Django's ``GET``), first value first."""
        return self._cached("args", lambda: MultiDict(self._request.GET))

    @property
    def values(self) -> MultiDict[str]:
        """``args`` then ``form``; ``args`` alone for GET (Werkzeug 2.0+)."""

        def compute() -> MultiDict[str]:
            sources = self.args._sources
            if self._request.method != "GET":
                sources += self.form._sources
            return MultiDict(*sources)

        return self._cached("values", compute)

    @property
    def cookies(self) -> MultiDict[str]:
        """The ``Cookie`` header's pairs; a repeated name keeps every value, the first first."""
        return self._cached(
            "cookies", lambda: MultiDict(parse_cookie(self._cookie_header()))
        )

    def _cookie_header(self) -> str:
        # Several Cookie headers are one list joined with ";" (as Werkzeug
        # joins them); Django's ASGI META joins them with "," like other
        # headers, so read them from the scope there.
        scope = self._scope()
        if "headers" in scope:
            cookies = b";".join(
                v for k, v in scope["headers"] if k.lower() == b"cookie"
            )
            return _utf8_text(cookies.decode("latin-1"))
        return _utf8_text(str(self._request.META.get("HTTP_COOKIE", "")))

    def _scope(self) -> dict[str, Any]:
        scope = getattr(self._request, "scope", None)
        return scope if isinstance(scope, dict) else {}

    # -- URL and client -----------------------------------------------------------

    @property
    def host(self) -> str:
        """Django's ``get_host()`` (validated by ``ALLOWED_HOSTS``) without
        the scheme's default port, as Werkzeug gives it."""

        def compute() -> str:
            host = self._request.get_host()
            default_port = _DEFAULT_PORTS.get(self._request.scheme or "")
            return host.removesuffix(f":{default_port}") if default_port else host

        return self._cached("host", compute)

    def _path(self) -> str:
        # Werkzeug's path: path_info with exactly one leading "/".
        return "/" + self._request.path_info.lstrip("/")

    def _root(self) -> str:
        return str(self._request.META.get("SCRIPT_NAME") or "").rstrip("/")

    def _raw_query(self) -> bytes:
        query = self._scope().get("query_string")
        if isinstance(query, bytes):
            return query
        return _wsgi_bytes(str(self._request.META.get("QUERY_STRING", "")))

    def _iri(self, path: str, query: bytes = b"") -> str:
        return absolute_iri(self._request.scheme or "http", self.host, path, query)

    @property
    def url(self) -> str:
        """Scheme, host, root path, path and query string, as an IRI."""
        return self._cached(
            "url", lambda: self._iri(self._root() + self._path(), self._raw_query())
        )

    @property
    def base_url(self) -> str:
        """``url`` without the query string."""
        return self._cached("base_url", lambda: self._iri(self._root() + self._path()))

    @property
    def url_root(self) -> str:
        """Scheme, host and root path (``SCRIPT_NAME``), ending with ``/``."""
        return self._cached("url_root", lambda: self._iri(self._root() + "/"))

    @property
    def host_url(self) -> str:
        """Scheme and host, ending with ``/``."""
        return self._cached("host_url", lambda: self._iri("/"))

    @property
    def full_path(self) -> str:
        """The path (below the root path) and the query string, always with ``?``."""
        return f"{self._path()}?{_utf8_text(self._raw_query().decode('latin-1'))}"

    @property
    def remote_addr(self) -> str | None:
        """``REMOTE_ADDR``: the address of the client (or of the last proxy)."""
        addr = self._request.META.get("REMOTE_ADDR")
        return None if addr is None else str(addr)

    @property
    def access_route(self) -> list[str]:
        """The ``X-Forwarded-For`` addresses, from the client on; else ``[remote_addr]``."""

        def compute() -> list[str]:
            forwarded = self._request.META.get("HTTP_X_FORWARDED_FOR")
            if forwarded is not None:
                return parse_header_list(str(forwarded))
            addr = self.remote_addr
            return [] if addr is None else [addr]

        return list(self._cached("access_route", compute))

    @property
    def environ(self) -> dict[str, Any]:
        """Django's ``META``: the WSGI environ under WSGI, its equivalent under ASGI."""
        return self._request.META

    # -- routing -----------------------------------------------------------------

    def resolver_match(self) -> ResolverMatch | None:
        """Django's ``resolver_match``, or before Django resolved the URL (in
        ``before_request`` functions) the URL resolved now, once; ``None`` for
        an unknown URL."""
        request = self._request
        match = request.resolver_match
        if match is not None:
            return match
        if not self._resolved:
            try:
                self._match = resolve(
                    request.path_info, urlconf=getattr(request, "urlconf", None)
                )
            except Resolver404:
                self._match = None
            self._resolved = True
        return self._match

    @property
    def endpoint(self) -> str | None:
        """The URL's ``view_name`` (``"namespace:name"``, or the view's dotted path)."""
        match = self.resolver_match()
        return None if match is None else match.view_name

    @property
    def view_args(self) -> dict[str, Any] | None:
        """The URL's keyword arguments."""
        match = self.resolver_match()
        return None if match is None else match.kwargs

    @property
    def url_rule(self) -> UrlRule | None:
        """The matched route: ``.rule`` (``"/" + route``; a ``re_path`` route
        is its regex without ``^``) and ``.endpoint``."""
        match = self.resolver_match()
        if match is None:
            return None
        route = (match.route or "").removeprefix("^").lstrip("/")
        return UrlRule("/" + route, match.view_name)
