"""Teardown, after the body was sent, and ``app_context()`` push and pop, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flasksignals_django import tap
from flasksignals_django._drivers import flow
from flasksignals_django._send_steps import signal_step, together
from flasksignals_django._sending import logger
from flasksignals_django._steps import Call, Flow
from flasksignals_django.globals import reset_current, set_current
from flasksignals_django.responses import describe
from flasksignals_django.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_tearing_down,
)

if TYPE_CHECKING:
    from flasksignals_django.ctx import AppContext, RequestContext, _Context

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


@flow
def teardown_request(ctx: RequestContext, exc: BaseException | None) -> Flow[None]:
    """teardown_request functions and request_tearing_down see the request; the app
    context's steps see the app context alone, and ``appcontext_popped`` what was
    current before the request (usually nothing), as in Flask. Every step runs;
    errors are logged. The sends that end it share one step (one thread hop)."""
    if teardown_is_quiet(ctx):
        return
    if exc is None:
        exc = ctx.exc
    app = ctx.app
    errors: list[BaseException] = []
    token = set_current(ctx)
    try:
        if app.teardown_request_funcs:
            yield from _call_robustly(
                ctx, "teardown_request", app.teardown_request_funcs, exc, errors
            )
        ending = signal_step(request_tearing_down, ctx, {"exc": exc}, errors)
        if app.teardown_appcontext_funcs:
            if ending is not None:
                yield ending
                ending = None
            view = ctx.app_only()
            view_token = set_current(view)
            try:
                yield from _call_robustly(
                    view,
                    "teardown_appcontext",
                    app.teardown_appcontext_funcs,
                    exc,
                    errors,
                )
            finally:
                reset_current(view_token)
        tearing = signal_step(appcontext_tearing_down, ctx, {"exc": exc}, errors)
        if tearing is not None:
            tearing.current = ctx.app_only()
        step = together(
            ending, tearing, signal_step(appcontext_popped, ctx, {}, errors, ctx.outer)
        )
        if step is not None:
            yield step
    finally:
        reset_current(token)
    if ctx.timeline is not None:
        tap.finish(ctx.timeline)


@flow
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


# -- app_context() -----------------------------------------------------------------


@flow
def push_app_context(ctx: AppContext) -> Flow[None]:
    """Make ``ctx`` current and send ``appcontext_pushed``."""
    if not ctx.pushed and ctx.timeline is None:
        ctx.timeline = tap.new_timeline(None)
    ctx.activate()
    step = signal_step(appcontext_pushed, ctx, {})
    if step is not None:
        try:
            yield step
        except BaseException:
            ctx.deactivate()
            raise


@flow
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
            yield from _call_robustly(
                ctx,
                "teardown_appcontext",
                ctx.app.teardown_appcontext_funcs,
                exc,
                errors,
            )
            step = signal_step(appcontext_tearing_down, ctx, {"exc": exc}, errors)
            if step is not None:
                yield step
    finally:
        ctx.deactivate()
    step = signal_step(appcontext_popped, ctx, {}, errors)
    if step is not None:
        yield step
    if last and ctx.timeline is not None:
        tap.finish(ctx.timeline)
        ctx.timeline = None
    if errors:
        raise errors[0]
