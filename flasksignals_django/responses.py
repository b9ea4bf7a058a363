"""Flask's ``make_response`` rules for values returned by hooks and error handlers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse, HttpResponseBase, JsonResponse


def describe(f: object) -> str:
    """``module.qualname`` of a function, for error messages and listings."""
    module = getattr(f, "__module__", None)
    qualname = getattr(f, "__qualname__", None) or repr(f)
    return f"{module}.{qualname}" if module else str(qualname)


def make_response(rv: Any, source: object) -> HttpResponseBase:
    """Turn ``rv`` into a response as Flask does; ``source`` is named in errors.

    Accepted: a response, ``str``/``bytes`` (200, text/html), ``dict``/``list``
    (JSON), or ``(body, status)``, ``(body, headers)``, ``(body, status,
    headers)``. A ``TemplateResponse`` is returned unrendered: the caller renders it.
    """
    status: Any = None
    headers: Any = None
    if isinstance(rv, tuple):
        if len(rv) == 3:
            rv, status, headers = rv
        elif len(rv) == 2:
            rv, second = rv
            if isinstance(second, Mapping | list | tuple):
                headers = second
            else:
                status = second
        else:
            raise TypeError(
                f"{describe(source)} returned a tuple of {len(rv)} items; a tuple must be "
                "(body, status), (body, headers) or (body, status, headers)."
            )
    response = _body_to_response(rv, source)
    if status is not None:
        if not isinstance(status, int) or isinstance(status, bool):
            raise TypeError(
                f"{describe(source)} returned the status {status!r}; it must be an int."
            )
        response.status_code = status
    if headers is not None:
        _set_headers(response, headers, source)
    return response


def _body_to_response(rv: Any, source: object) -> HttpResponseBase:
    if isinstance(rv, HttpResponseBase):
        return rv
    if isinstance(rv, str | bytes | bytearray):
        return HttpResponse(rv)
    if isinstance(rv, dict | list):
        return JsonResponse(rv, safe=False)
    if rv is None:
        raise TypeError(
            f"{describe(source)} did not return a valid response: it returned None. "
            "Return a response, str, bytes, dict, list or tuple."
        )
    raise TypeError(
        f"{describe(source)} did not return a valid response: it returned "
        f"{type(rv).__name__}. Return a response, str, bytes, dict, list or tuple."
    )


def _set_headers(response: HttpResponseBase, headers: Any, source: object) -> None:
    items = headers.items() if isinstance(headers, Mapping) else headers
    for item in items:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise TypeError(
                f"{describe(source)} returned headers {headers!r}; use a dict or a list of "
                "(name, value) pairs."
            ) from None
        response[name] = value


def needs_render(response: HttpResponseBase) -> bool:
    """True for a ``TemplateResponse`` that was not rendered yet."""
    return callable(getattr(response, "render", None)) and not getattr(
        response, "is_rendered", True
    )
