"""The request phases: what SignalsMiddleware and HooksMiddleware do, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase
from django.urls import resolve

from flasksignals_django._closing import arrange_teardown
from flasksignals_django._drivers import flow
from flasksignals_django._send_steps import signal_step, together
from flasksignals_django._steps import (
    Blocking,
    Call,
    Flow,
    Next,
    mark_answered,
)
from flasksignals_django.responses import describe
from flasksignals_django.signals import (
    appcontext_pushed,
    request_finished,
    request_started,
)

from .errors import finish_value, handle_exception, wants_early_resolve
from .teardown import teardown_is_quiet

if TYPE_CHECKING:
    from flasksignals_django.app import App
    from flasksignals_django.ctx import RequestContext, _Context

MISSING_HOOKS_MIDDLEWARE = (
    "before_request, after_request or error handler functions are registered, but "
    "flasksignals_django.middleware.HooksMiddleware is not in MIDDLEWARE, so they "
    "would be skipped. Add it after SessionMiddleware, AuthenticationMiddleware and "
    "MessageMiddleware (check flasksignals_django.E002)."
)


# -- SignalsMiddleware -------------------------------------------------------------


def needs_hooks_middleware(app: App) -> bool:
    return bool(
        app.before_request_funcs or app.after_request_funcs or app.error_handlers
    )


def start_is_quiet(ctx: RequestContext) -> bool:
    """True when :func:`start_request` would only call the next layer."""
    app = ctx.app
    return (
        app.got_first_request
        and ctx.timeline is None
        and not (
            appcontext_pushed.receivers
            or request_started.receivers
            or request_finished.receivers
        )
        and (ctx.hooks_installed or not needs_hooks_middleware(app))
    )


@flow
def start_request(
    ctx: RequestContext, get_response: Callable[[Any], Any]
) -> Flow[HttpResponseBase]:
    """From ``appcontext_pushed`` to ``request_finished``; teardown is left to the closer."""
    app = ctx.app
    response: HttpResponseBase | None = None
    try:
        if not ctx.hooks_installed and needs_hooks_middleware(app):
            raise ImproperlyConfigured(MISSING_HOOKS_MIDDLEWARE)  # fail closed
        try:
            pushed = signal_step(appcontext_pushed, ctx, {})
            if pushed is not None:
                # As in Flask, the app context is pushed before the request's.
                pushed.current = ctx.app_only()
            if not app.got_first_request:
                if pushed is not None:
                    yield pushed
                    pushed = None
                yield Blocking(
                    app.run_before_first_request,
                    _hook_caller(ctx),
                    thread_sensitive=True,
                )
            step = together(pushed, signal_step(request_started, ctx, {}))
            if step is not None:  # one thread hop under ASGI when all are sync
                yield step
        except Exception as exc:
            if ctx.hooks_installed:
                # HooksMiddleware raises it where the view would run, so that
                # error handlers and after_request apply as for a view's error.
                ctx.pending_exc = exc
            else:
                response = yield from handle_exception(ctx, exc)
        if response is None:
            response = yield Next(get_response, ctx.request)
            if ctx.pending_exc is not None:
                # A middleware above HooksMiddleware answered before the hooks ran.
                pending, ctx.pending_exc = ctx.pending_exc, None
                response = yield from handle_exception(ctx, pending)
        step = signal_step(request_finished, ctx, {"response": response})
        if step is not None:
            try:
                yield step
            except Exception as exc:
                response = yield from handle_exception(ctx, exc)
    except BaseException as exc:
        # Django turns every Exception into a response, so this is
        # DEBUG_PROPAGATE_EXCEPTIONS, a cancelled task or KeyboardInterrupt:
        # no response will ever be closed, so tear down now.
        if ctx.exc is None:
            ctx.exc = exc
        yield Blocking(ctx.teardown, exc, thread_sensitive=True)
        raise
    if ctx.timeline is not None:
        ctx.timeline.status_code = response.status_code
    return hand_over(ctx, response)


def hand_over(ctx: RequestContext, response: HttpResponseBase) -> HttpResponseBase:
    """Leave teardown to Django's close of ``response``.

    With nothing to tear down and no streamed body to produce in the request's
    context, nothing needs arranging: no closer is added.
    """
    if not response.streaming and teardown_is_quiet(ctx):
        return response
    return arrange_teardown(ctx, response)


def _hook_caller(ctx: _Context) -> Callable[[str, Callable[..., Any]], Any]:
    """Calls one hook function from sync code, recorded on the context's timeline."""

    def call(hook: str, fn: Callable[..., Any], *args: Any) -> Any:
        return Call(hook, fn, *args, timeline=ctx.timeline).run()

    return call


# -- HooksMiddleware ---------------------------------------------------------------


def hooks_are_quiet(ctx: RequestContext) -> bool:
    """True when :func:`run_hooks` would call the next layer first thing."""
    app = ctx.app
    return (
        ctx.pending_exc is None
        and ctx.timeline is None
        and not app.before_request_funcs
        and not app.error_handlers
    )


def after_view_is_quiet(ctx: RequestContext) -> bool:
    """True when no after_this_request or after_request function waits."""
    return ctx.after_this_request_funcs is None and not ctx.app.after_request_funcs


@flow
def run_hooks(
    ctx: RequestContext, get_response: Callable[[Any], Any]
) -> Flow[HttpResponseBase]:
    """before_request, the view, error handlers, after_this_request and after_request."""
    app = ctx.app
    request = ctx.request
    response: HttpResponseBase | None = None
    try:
        if ctx.pending_exc is not None:
            pending, ctx.pending_exc = ctx.pending_exc, None
            raise pending
        for func in list(app.before_request_funcs):
            rv = yield Call("before_request", func, timeline=ctx.timeline)
            if rv is not None:
                mark_answered(ctx.timeline)
                response = yield from finish_value(rv, func)
                break
        if response is None and wants_early_resolve(app):
            # Flask raises routing errors after before_request; resolving here
            # lets errorhandler(404) see unknown URLs too.
            resolve(request.path_info, getattr(request, "urlconf", None))
    except Exception as exc:
        response = yield from handle_exception(ctx, exc)
    if response is None:
        response = yield Next(get_response, request, ctx.timeline)
    return (yield from after_view(ctx, response))


@flow
def after_view(
    ctx: RequestContext, response: HttpResponseBase
) -> Flow[HttpResponseBase]:
    """after_this_request functions in order, then after_request functions reversed.

    An error they raise is handled like a view's, and the remaining ones are skipped.
    """
    try:
        once = ctx.after_this_request_funcs
        if once:
            ctx.after_this_request_funcs = None
            for func in once:
                response = _checked(
                    (
                        yield Call(
                            "after_this_request", func, response, timeline=ctx.timeline
                        )
                    ),
                    func,
                )
        for func in reversed(list(ctx.app.after_request_funcs)):
            response = _checked(
                (yield Call("after_request", func, response, timeline=ctx.timeline)),
                func,
            )
    except Exception as exc:
        response = yield from handle_exception(ctx, exc)
    return response


def _checked(rv: Any, func: object) -> HttpResponseBase:
    if not isinstance(rv, HttpResponseBase):
        raise TypeError(
            f"{describe(func)} must return the response to use, but it returned {type(rv).__name__}."
        )
    return rv
