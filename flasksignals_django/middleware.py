"""``SignalsMiddleware`` and ``HooksMiddleware``: Flask's request lifecycle on Django.

Both work in sync and async mode, chosen once by Django from the layer below;
in async mode they run on the event loop with no thread hop of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import got_request_exception as django_got_request_exception
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from .app import current_app
from .ctx import RequestContext, current_request_context
from .flow import run_async, run_sync
from .lifecycle import (
    abort,
    after_view_flow,
    arrange_teardown,
    hooks_flow,
    on_django_exception,
    quiet_after_view,
    quiet_hooks,
    quiet_start,
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
        token = ctx.activate()
        try:
            if not quiet_start(ctx):
                return run_sync(request_flow(ctx, self.get_response))
            # Nothing listens and nothing runs first: request_flow would only
            # call the next layer, so call it here without the flow machinery.
            try:
                response = self.get_response(request)
            except BaseException as exc:
                abort(ctx, exc)
                raise
            return arrange_teardown(ctx, response)
        finally:
            ctx.deactivate(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = RequestContext(request, current_app, self.hooks_installed)
        token = ctx.activate()
        try:
            if not quiet_start(ctx):
                return await run_async(request_flow(ctx, self.get_response))
            try:
                response = await self.get_response(request)
            except BaseException as exc:
                await sync_to_async(abort, thread_sensitive=True)(ctx, exc)
                raise
            return arrange_teardown(ctx, response)
        finally:
            ctx.deactivate(token)


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
        ctx = current_request_context()
        if ctx is None:
            return self.get_response(request)
        if not quiet_hooks(ctx):
            return run_sync(hooks_flow(ctx, self.get_response))
        # No before_request function and no error handler: straight to the view.
        response = self.get_response(request)
        if quiet_after_view(ctx):
            return response
        return run_sync(after_view_flow(ctx, response))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = current_request_context()
        if ctx is None:
            response: HttpResponseBase = await self.get_response(request)
            return response
        if not quiet_hooks(ctx):
            return await run_async(hooks_flow(ctx, self.get_response))
        response = await self.get_response(request)
        if quiet_after_view(ctx):
            return response
        return await run_async(after_view_flow(ctx, response))

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
