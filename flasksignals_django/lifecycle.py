"""The order of one request, teardown included, written once.

Each phase is a generator of :mod:`~flasksignals_django._steps` steps, run by
``run_sync`` under WSGI and ``run_async`` under ASGI, so the order is the same
on every path. See DESIGN's "Order of one request":

- :func:`start_request`: what ``SignalsMiddleware`` does around the chain;
- :func:`run_hooks`: what ``HooksMiddleware`` does around the view;
- :func:`teardown_request`: what the response's closer does after the body;
- :func:`push_app_context` / :func:`pop_app_context`: ``app_context()``.

The ``*_is_quiet`` functions beside them decide when a phase would call
nothing, so the middleware can skip building it (the fast path).
Errors go through :mod:`~flasksignals_django.error_flow`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase
from django.urls import resolve

from . import tap
from ._closing import arrange_teardown
from ._sending import logger
from ._steps import Blocking, Call, Flow, Next, mark_answered, signal_step
from .error_flow import finish_value, handle_exception, wants_early_resolve
from .globals import reset_current, set_current
from .responses import describe
from .signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)

if TYPE_CHECKING:
    from .app import App
    from .ctx import AppContext, RequestContext, _Context

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
            step = signal_step(appcontext_pushed, ctx, {})
            if step is not None:
                # As in Flask, the app context is pushed before the request's.
                token = set_current(ctx.app_only())
                try:
                    yield step
                finally:
                    reset_current(token)
            if not app.got_first_request:
                yield Blocking(
                    app.run_before_first_request,
                    _hook_caller(ctx),
                    thread_sensitive=True,
                )
            step = signal_step(request_started, ctx, {})
            if step is not None:
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


# -- teardown ----------------------------------------------------------------------


def teardown_is_quiet(ctx: RequestContext) -> bool:
    """True when tearing down would call nothing: no teardown function, no receiver."""
    app = ctx.app
    return ctx.timeline is None and not (
        app.teardown_request_funcs
        or app.teardown_appcontext_funcs
        or request_tearing_down.receivers
        or appcontext_tearing_down.receivers
        or appcontext_popped.receivers
    )


def teardown_request(ctx: RequestContext, exc: BaseException | None) -> Flow[None]:
    """teardown_request functions and request_tearing_down see the request; the app
    context's steps see the app context alone, and ``appcontext_popped`` no
    context at all, as in Flask. Every step runs; errors are logged."""
    if teardown_is_quiet(ctx):
        return
    if exc is None:
        exc = ctx.exc
    errors: list[BaseException] = []
    token = set_current(ctx)
    try:
        yield from _call_robustly(
            ctx, "teardown_request", ctx.app.teardown_request_funcs, exc, errors
        )
        step = signal_step(request_tearing_down, ctx, {"exc": exc}, errors)
        if step is not None:
            yield step
        view = ctx.app_only()
        view_token = set_current(view)
        try:
            yield from _teardown_app_context(view, exc, errors)
        finally:
            reset_current(view_token)
    finally:
        reset_current(token)
    yield from _send_popped(ctx, errors, outside=True)
    if ctx.timeline is not None:
        tap.finish(ctx.timeline)


def _call_robustly(
    ctx: _Context,
    hook: str,
    funcs: list[Callable[..., Any]],
    exc: BaseException | None,
    errors: list[BaseException],
) -> Flow[None]:
    for func in reversed(list(funcs)):
        try:
            yield Call(hook, func, exc, timeline=ctx.timeline)
        except BaseException as error:  # a teardown step never stops the others
            logger.error("Teardown function %s raised", describe(func), exc_info=error)
            errors.append(error)


def _teardown_app_context(
    ctx: _Context, exc: BaseException | None, errors: list[BaseException]
) -> Flow[None]:
    yield from _call_robustly(
        ctx, "teardown_appcontext", ctx.app.teardown_appcontext_funcs, exc, errors
    )
    step = signal_step(appcontext_tearing_down, ctx, {"exc": exc}, errors)
    if step is not None:
        yield step


def _send_popped(
    ctx: _Context, errors: list[BaseException], outside: bool
) -> Flow[None]:
    step = signal_step(appcontext_popped, ctx, {}, errors)
    if step is not None:
        if outside:  # a request's app context: nothing is current any more
            token = set_current(None)
            try:
                yield step
            finally:
                reset_current(token)
        else:
            yield step


# -- app_context() -----------------------------------------------------------------


def push_app_context(ctx: AppContext) -> Flow[None]:
    """Make ``ctx`` current and send ``appcontext_pushed``."""
    if not ctx.pushed and ctx.timeline is None:
        ctx.timeline = tap.new_timeline()
    ctx.activate()
    step = signal_step(appcontext_pushed, ctx, {})
    if step is not None:
        try:
            yield step
        except BaseException:
            ctx.deactivate()
            raise


def pop_app_context(ctx: AppContext, exc: BaseException | None) -> Flow[None]:
    """Tear down on the last pop, restore the previous context, send ``appcontext_popped``.

    Every step runs; then the first error is raised.
    """
    if not ctx.pushed:
        raise RuntimeError(f"{ctx!r} was popped more often than it was pushed.")
    errors: list[BaseException] = []
    last = ctx.pushed == 1
    try:
        if last:
            yield from _teardown_app_context(ctx, exc, errors)
    finally:
        ctx.deactivate()
    yield from _send_popped(ctx, errors, outside=False)
    if last and ctx.timeline is not None:
        tap.finish(ctx.timeline)
        ctx.timeline = None
    if errors:
        raise errors[0]
