"""``SignalsMiddleware`` and ``HooksMiddleware``: Flask's request lifecycle on Django.

Both work in sync and async mode, chosen once by Django from the layer below;
in async mode they run on the event loop with no thread hop of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import got_request_exception as django_got_request_exception
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from .app import current_app
from .ctx import RequestContext, _cv_request
from .flow import run_async, run_sync
from .lifecycle import (
    hooks_flow,
    on_django_exception,
    request_flow,
    view_exception_response,
)

GetResponse = Callable[[HttpRequest], Any]

django_got_request_exception.connect(
    on_django_exception, dispatch_uid="flasksignals_django.relay_exception"
)


class _HybridMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # Django checks the instance to pick the mode of the layer above.
            markcoroutinefunction(self)  # type: ignore[type-var]


class SignalsMiddleware(_HybridMiddleware):
    """Pushes the app context, sends request_started and request_finished, arranges teardown.

    Put it first in ``MIDDLEWARE``.
    """

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self.hooks_installed = _installed(HooksMiddleware)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        ctx = RequestContext(request, current_app, self.hooks_installed)
        tokens = ctx.activate()
        try:
            return run_sync(request_flow(ctx, self.get_response))
        finally:
            ctx.deactivate(tokens)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = RequestContext(request, current_app, self.hooks_installed)
        tokens = ctx.activate()
        try:
            return await run_async(request_flow(ctx, self.get_response))
        finally:
            ctx.deactivate(tokens)


class HooksMiddleware(_HybridMiddleware):
    """Runs before_request, error handlers, after_this_request and after_request functions.

    Put it after SessionMiddleware, AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        if not _installed(SignalsMiddleware):
            raise ImproperlyConfigured(
                "flasksignals_django.middleware.HooksMiddleware needs "
                "flasksignals_django.middleware.SignalsMiddleware, first in MIDDLEWARE."
            )

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        ctx = _cv_request.get()
        if ctx is None:
            return self.get_response(request)
        return run_sync(hooks_flow(ctx, self.get_response))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = _cv_request.get()
        if ctx is None:
            response: Awaitable[HttpResponseBase] = self.get_response(request)
            return await response
        return await run_async(hooks_flow(ctx, self.get_response))

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        return view_exception_response(exception)


def _installed(cls: type) -> bool:
    for path in settings.MIDDLEWARE:
        try:
            candidate = import_string(path)
        except ImportError:
            continue
        if isinstance(candidate, type) and issubclass(candidate, cls):
            return True
    return False
