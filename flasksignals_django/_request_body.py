"""The body half of Werkzeug's request names, read from a Django ``HttpRequest``.

:class:`RequestBody` answers ``form``, ``files``, ``data``, ``get_data()``,
``json``, ``get_json()``, ``is_json``, ``mimetype`` and ``mimetype_params``;
``werkzeug_request.WerkzeugRequest`` adds the rest. The body is read as
Werkzeug reads its input stream: once (see :meth:`RequestBody.get_data`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from django.http import QueryDict
from django.http.request import RawPostDataException
from django.utils.datastructures import MultiValueDict

from .errors import BadJSON, UnsupportedMediaType
from .multidict import FileStorage, MultiDict

if TYPE_CHECKING:
    from django.http import HttpRequest

T = TypeVar("T")

FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
"""The bodies Werkzeug parses into ``form`` and ``files`` (for every method)."""


class RequestBody:
    """Werkzeug's body names for one ``HttpRequest``, computed on first use
    and cached; the ``HttpRequest`` is read, never changed."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._cache: dict[str, Any] = {}
        self._cached_data: bytes | None = None
        # After a read that was not cached (parsing a form body,
        # get_data(cache=False)) Werkzeug's stream is empty.
        self._consumed = False
        self._json: dict[bool, Any] = {}  # the cached get_json() per `silent`

    def _cached(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]  # type: ignore[no-any-return]

    # -- form bodies ---------------------------------------------------------------

    def _parse_form(
        self,
    ) -> tuple[MultiValueDict[str, str], MultiValueDict[str, Any]]:
        request = self._request
        if self.mimetype not in FORM_MIMETYPES or (
            self._consumed and self._cached_data is None
        ):
            return QueryDict(), MultiValueDict()
        if request.method == "POST":
            return request.POST, request.FILES
        # Django parses bodies for POST only; Werkzeug for every method.
        body = self.get_data(cache=False)
        if self.mimetype == "application/x-www-form-urlencoded":
            return QueryDict(body, encoding=request.encoding), MultiValueDict()
        from django.conf import settings
        from django.core.files.uploadhandler import load_handler
        from django.http.multipartparser import MultiPartParser

        handlers = [
            load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS
        ]
        post, files = MultiPartParser(
            request.META, BytesIO(body), handlers, request.encoding
        ).parse()
        return post, files

    def _load_form(self) -> None:
        if "form" not in self._cache:
            post, files = self._parse_form()
            if self._cached_data is None and self.mimetype in FORM_MIMETYPES:
                self._consumed = True
            self._cache["form"] = MultiDict(post)
            self._cache["files"] = MultiDict(
                MultiValueDict(
                    {
                        key: [FileStorage(key, f) for f in files.getlist(key)]
                        for key in files
                    }
                )
            )

    @property
    def form(self) -> MultiDict[str]:
        """The form fields of a urlencoded or multipart body, for any method."""
        self._load_form()
        return self._cache["form"]  # type: ignore[no-any-return]

    @property
    def files(self) -> MultiDict[FileStorage]:
        """The uploaded files of a multipart body, as :class:`FileStorage`."""
        self._load_form()
        return self._cache["files"]  # type: ignore[no-any-return]

    # -- raw body ------------------------------------------------------------------

    @overload
    def get_data(self, cache: bool = ..., as_text: Literal[False] = ...) -> bytes: ...
    @overload
    def get_data(self, cache: bool = ..., *, as_text: Literal[True]) -> str: ...
    @overload
    def get_data(self, cache: bool, as_text: Literal[True]) -> str: ...

    def get_data(self, cache: bool = True, as_text: bool = False) -> bytes | str:
        """The raw body (``bytes``, or with ``as_text`` a str decoded as UTF-8
        with replacement), as Werkzeug reads it: once. Empty after a form body
        was parsed (``form``, ``files``, ``values``, ``data``) unless read
        first, and after a read with ``cache=False``; also empty when Django
        already parsed a multipart body from its stream. ``HttpRequest.body``
        is not changed by any of this."""
        data = self._cached_data
        if data is None:
            if self._consumed:
                data = b""
            else:
                try:
                    data = self._request.body
                except RawPostDataException:
                    data = b""
            if cache:
                self._cached_data = data
            else:
                self._consumed = True
        return data.decode(errors="replace") if as_text else data

    @property
    def data(self) -> bytes:
        """The body, empty when it is form data (read :meth:`get_data` first for its bytes)."""

        def compute() -> bytes:
            self._load_form()
            return self.get_data()

        return self._cached("data", compute)

    # -- content type and JSON -------------------------------------------------------

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased (``""`` if none)."""
        return (self._request.content_type or "").lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The content type's parameters, e.g. ``{"charset": "utf-8"}``."""
        return dict(self._request.content_params or {})

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json``."""
        major, _, minor = self.mimetype.partition("/")
        return major == "application" and (minor == "json" or minor.endswith("+json"))

    @property
    def json(self) -> Any:
        """``get_json()``: the parsed body; errors as :meth:`get_json` raises them."""
        return self.get_json()

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> Any:
        """The body parsed as JSON, as Flask's ``Request.get_json``.

        Not a JSON content type, without ``force``: raises
        :class:`~flasksignals_django.errors.UnsupportedMediaType` (415). Body
        that does not parse: raises :class:`~flasksignals_django.errors.BadJSON`
        (400). With ``silent``, both give ``None``. Both errors are Django
        ``BadRequest`` subclasses. With ``cache``, a parsed body is kept for
        later calls, and so is a silent failure for later silent calls.
        """
        if cache and silent in self._json:
            return self._json[silent]
        if not (force or self.is_json):
            if silent:
                return None
            raise UnsupportedMediaType(
                "Did not attempt to load JSON data because the request"
                " Content-Type was not 'application/json'."
            )
        try:
            parsed = json.loads(self.get_data(cache=cache))
        except ValueError as e:
            if not silent:
                raise BadJSON.from_error(e) from e
            if cache:
                self._json[True] = None  # later silent calls answer the same
            return None
        if cache:
            self._json = {False: parsed, True: parsed}
        return parsed
