"""Exceptions of the Flask API and the mapping of Django's exceptions to HTTP codes."""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError


class InternalServerError(Exception):
    """Flask's ``InternalServerError``: code 500.

    ``errorhandler(500)`` functions get one that wraps an unhandled exception
    (``original_exception``, as in Flask); a view may also raise it itself,
    as Flask's ``abort(500)``, and then ``original_exception`` is ``None``.
    """

    code = 500
    description = "The server encountered an internal error."

    def __init__(self, original_exception: BaseException | None = None) -> None:
        super().__init__(self.description)
        self.original_exception = original_exception


CODE_CLASSES: dict[int, tuple[type[Exception], ...]] = {
    400: (BadRequest, SuspiciousOperation, MultiPartParserError),
    403: (PermissionDenied,),
    404: (Http404,),
    500: (InternalServerError,),
}
"""The exceptions that carry an HTTP code, by code: Django answers each with that status."""

HANDLED_CODES = frozenset(CODE_CLASSES)
"""Status codes that ``errorhandler`` accepts."""


def error_code(cls: type[BaseException]) -> int | None:
    """The HTTP code that exceptions of class ``cls`` carry, if any (500 included)."""
    for code, bases in CODE_CLASSES.items():
        if issubclass(cls, bases):
            return code
    return None


class RequestError(BadRequest):
    """A Werkzeug-style client error: a Django ``BadRequest`` with Werkzeug's
    ``code``, ``name`` and ``description``.

    Code that catches Django's ``BadRequest`` catches it; its own status
    (``code``) is the one Flask answers it with.
    """

    code = 400
    name = "Bad Request"
    description = (
        "The browser (or proxy) sent a request that this server could not understand."
    )

    def __init__(self, description: str | None = None) -> None:
        if description is not None:
            self.description = description
        super().__init__(self.description)

    def __str__(self) -> str:
        return f"{self.code} {self.name}: {self.description}"


class UnsupportedMediaType(RequestError):
    """415: ``request.get_json()`` (or ``request.json``) on a body whose
    content type is not JSON, without ``force``, as Werkzeug raises it."""

    code = 415
    name = "Unsupported Media Type"
    description = (
        "The server does not support the media type transmitted in the request."
    )


class BadJSON(RequestError):
    """400: ``request.get_json()`` on a body that is not valid JSON.

    As in Flask, the description names the parse error only with ``DEBUG``;
    the ``ValueError`` is the exception's ``__cause__``.
    """

    @classmethod
    def from_error(cls, error: ValueError) -> BadJSON:
        from django.conf import settings

        if settings.DEBUG:
            return cls(f"Failed to decode JSON object: {error}")
        return cls()


class BadRequestKeyError(RequestError, KeyError):
    """A key missing from ``request.args``, ``form``, ``files``, ``values`` or
    ``cookies``: a ``KeyError`` that is answered with 400, as Werkzeug's."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.args = (key,)
        self.key = key


def http_code(exc: BaseException) -> int | None:
    """The status code Django answers ``exc`` with, for the exceptions it maps to 4xx."""
    code = error_code(type(exc))
    return None if code == 500 else code
