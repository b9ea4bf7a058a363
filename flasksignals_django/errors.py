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


def http_code(exc: BaseException) -> int | None:
    """The status code Django answers ``exc`` with, for the exceptions it maps to 4xx."""
    code = error_code(type(exc))
    return None if code == 500 else code
