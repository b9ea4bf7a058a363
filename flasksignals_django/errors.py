"""Exceptions of the Flask API and the mapping of Django's exceptions to HTTP codes."""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError

HANDLED_CODES = frozenset({400, 403, 404, 500})
"""Status codes that ``errorhandler`` accepts."""


class InternalServerError(Exception):
    """Passed to an ``errorhandler(500)`` function for an unhandled exception.

    As in Flask, ``original_exception`` is the exception that no other handler
    matched, and ``code`` is 500.
    """

    code = 500
    description = "The server encountered an internal error."

    def __init__(self, original_exception: BaseException | None = None) -> None:
        super().__init__(self.description)
        self.original_exception = original_exception


def http_code(exc: BaseException) -> int | None:
    """The HTTP status ``exc`` stands for: Django's 4xx exceptions, and ``abort(500)``."""
    if isinstance(exc, InternalServerError):
        return 500
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, BadRequest | SuspiciousOperation | MultiPartParserError):
        return 400
    return None
