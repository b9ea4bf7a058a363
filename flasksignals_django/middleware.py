"""``SignalsMiddleware`` and ``HooksMiddleware``: Flask's request lifecycle on Django.

Both work in sync and async mode, chosen once by Django from the layer below;
in async mode they run on the event loop with no thread hop of their own. What
they do is written once in :mod:`~flasksignals_django.lifecycle`; when a phase
would call nothing, they call the next layer directly (the fast path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import got_request_exception as django_got_request_exception
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from . import tap
from ._drivers import run_async
from ._steps import Blocking
from .app import current_app
from .ctx import RequestContext
from .globals import (
    current_context,
    current_request_context,
    reset_current,
    set_current,
)
from .lifecycle import request as phases
from .lifecycle.errors import on_django_exception, view_exception_response

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

    def _context(self, request: HttpRequest) -> RequestContext:
        # With no tap attached new_timeline is a C call returning None.
        timeline = tap.new_timeline(request)
        ctx = RequestContext(request, current_app, self.hooks_installed, timeline)
        ctx.outer = current_context()
        return ctx

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        ctx = self._context(request)
        token = set_current(ctx)
        try:
            if not phases.start_is_quiet(ctx):
                return phases.start_request.sync(ctx, self.get_response)
            try:
                response = self.get_response(request)
            except BaseException as exc:
                _abort(ctx, exc)
                raise
            return phases.hand_over(ctx, response)
        finally:
            reset_current(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = self._context(request)
        token = set_current(ctx)
        try:
            if not phases.start_is_quiet(ctx):
                return await run_async(phases.start_request(ctx, self.get_response))
            try:
                response = await self.get_response(request)
            except BaseException as exc:
                await Blocking(_abort, ctx, exc, thread_sensitive=True).run_async()
                raise
            return phases.hand_over(ctx, response)
        finally:
            reset_current(token)


def _abort(ctx: RequestContext, exc: BaseException) -> None:
    """The fast path's version of ``start_request``'s ``except BaseException``."""
    if ctx.exc is None:
        ctx.exc = exc
    ctx.teardown(exc)


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
        if not phases.hooks_are_quiet(ctx):
            return phases.run_hooks.sync(ctx, self.get_response)
        response = self.get_response(request)
        if phases.after_view_is_quiet(ctx):
            return response
        return phases.after_view.sync(ctx, response)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        ctx = current_request_context()
        if ctx is None:
            response: HttpResponseBase = await self.get_response(request)
            return response
        if not phases.hooks_are_quiet(ctx):
            return await run_async(phases.run_hooks(ctx, self.get_response))
        response = await self.get_response(request)
        if phases.after_view_is_quiet(ctx):
            return response
        return await run_async(phases.after_view(ctx, response))

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
