"""Flask's error-handler keys and lookup (``_find_error_handler``) over Django's exceptions.

A code and its base classes are one key: ``errorhandler(404)`` and
``errorhandler(Http404)`` both file the handler under ``404``, as Flask files
``NotFound`` under 404. A subclass of a coded class (``class Gone(Http404)``)
keeps its own class key, as in Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from .errors import CODE_CLASSES, HANDLED_CODES, error_code

ErrorHandlerKey = int | type[BaseException]
H = TypeVar("H")

_HOW = "Handlers can only be registered for Exception classes or the HTTP codes"


def handler_key(code_or_exception: object) -> ErrorHandlerKey:
    """The key ``errorhandler(code_or_exception)`` files its handler under.

    As Flask's ``_get_exc_class_and_code``: an exception instance is a
    ``TypeError``; a class that is not an ``Exception`` subclass, or a code
    Django does not raise as an exception, is a ``ValueError``.
    """
    if isinstance(code_or_exception, BaseException):
        raise TypeError(
            f"errorhandler({code_or_exception!r}): {code_or_exception!r} is an "
            f"instance, not a class. {_HOW} {sorted(HANDLED_CODES)}."
        )
    if isinstance(code_or_exception, int) and not isinstance(code_or_exception, bool):
        if code_or_exception not in HANDLED_CODES:
            raise ValueError(
                f"errorhandler({code_or_exception}): {code_or_exception} is not an "
                f"error code Django raises as an exception. {_HOW} "
                f"{sorted(HANDLED_CODES)}."
            )
        return code_or_exception
    if isinstance(code_or_exception, type):
        if not issubclass(code_or_exception, Exception):
            raise ValueError(
                f"errorhandler({code_or_exception.__qualname__}): "
                f"'{code_or_exception.__qualname__}' is not a subclass of "
                f"Exception. {_HOW} {sorted(HANDLED_CODES)}."
            )
        code = error_code(code_or_exception)
        if code is not None and code_or_exception in CODE_CLASSES[code]:
            return code
        return code_or_exception
    raise ValueError(
        f"errorhandler({code_or_exception!r}): expected an HTTP code or an "
        f"exception class. {_HOW} {sorted(HANDLED_CODES)}."
    )


def find_handler(handlers: Mapping[ErrorHandlerKey, H], exc: BaseException) -> H | None:
    """The handler for ``exc`` as Flask's ``_find_error_handler`` picks it.

    First among the handlers of the exception's own code, the nearest class in
    its MRO (a code's base classes answer to the code key); then among the
    handlers of classes that carry no code, the nearest class in its MRO.
    """
    if not handlers:
        return None
    mro = type(exc).__mro__
    code = error_code(type(exc))
    if code is not None:
        bases = CODE_CLASSES[code]
        for cls in mro:
            if cls in bases:
                key: ErrorHandlerKey = code
            elif error_code(cls) == code:
                key = cls
            else:
                continue
            if key in handlers:
                return handlers[key]
    for cls in mro:
        if cls in handlers and error_code(cls) is None:
            return handlers[cls]
    return None
