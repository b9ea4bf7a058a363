"""The order of one request, written once for both middleware modes.

``request_flow`` is what ``SignalsMiddleware`` does, ``hooks_flow`` what
``HooksMiddleware`` does; see DESIGN's "Order of one request". Both are
generators of :mod:`~flasksignals_django.flow` steps, driven by ``run_sync``
under WSGI and ``run_async`` under ASGI.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

from .app import App
from .ctx import RequestContext, _cv_ctx, current_request_context
from .dispatch import call_sync, logger, receivers
from .errors import InternalServerError, http_code
from .flow import Blocking, Call, Flow, Next, Send, run_sync
from .responses import describe, make_response, needs_render
from .signals import (
    appcontext_pushed,
    got_request_exception,
    request_finished,
    request_started,
)

django_request_logger = logging.getLogger("django.request")


# -- SignalsMiddleware ---------------------------------------------------------------


def request_flow(
    ctx: RequestContext, get_response: Callable[[Any], Any]
) -> Flow[HttpResponseBase]:
    """From ``appcontext_pushed`` to ``request_finished``; teardown is left to the closer."""
    app = ctx.app
    response: HttpResponseBase | None = None
    try:
        try:
            batch = receivers(appcontext_pushed)
            if batch:
                # As in Flask, the app context is pushed before the request's.
                token = _cv_ctx.set(ctx.app_only())
                try:
                    yield Send(batch, {})
                finally:
                    _cv_ctx.reset(token)
            if not app._got_first_request:
                yield Blocking(run_before_first_request, app)
            batch = receivers(request_started)
            if batch:
                yield Send(batch, {})
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
        batch = receivers(request_finished)
        if batch:
            try:
                yield Send(batch, {"response": response})
            except Exception as exc:
                response = yield from handle_exception(ctx, exc)
    except BaseException as exc:
        yield Blocking(abort, ctx, exc, thread_sensitive=True)
        raise
    return arrange_teardown(ctx, response)


def quiet_start(ctx: RequestContext) -> bool:
    """True when ``request_flow`` would only call the next layer: the fast path."""
    return ctx.app._got_first_request and not (
        appcontext_pushed.receivers
        or request_started.receivers
        or request_finished.receivers
    )


def abort(ctx: RequestContext, exc: BaseException) -> None:
    """Tear down at once for an exception that escapes the middleware.

    Django converts every Exception to a response, so this is
    DEBUG_PROPAGATE_EXCEPTIONS, a cancelled task or KeyboardInterrupt: no
    response will ever be closed.
    """
    if ctx.exc is None:
        ctx.exc = exc
    ctx.teardown(exc)


def run_before_first_request(app: App) -> None:
    """Run the before_first_request functions once per process; others wait meanwhile."""
    with app._first_request_lock:
        if app._got_first_request:
            return
        try:
            for func in list(app.before_first_request_funcs):
                call_sync(func)
        finally:
            app._got_first_request = True


def arrange_teardown(
    ctx: RequestContext, response: HttpResponseBase
) -> HttpResponseBase:
    """Tear down when Django closes the response; streams keep their contexts."""
    if response.streaming and not isinstance(response, FileResponse):
        content = response.streaming_content  # type: ignore[attr-defined]
        if response.is_async:  # type: ignore[attr-defined]
            ctx.open_stream = True
            response.streaming_content = _async_stream(ctx, content)  # type: ignore[attr-defined]
        else:
            response.streaming_content = _sync_stream(ctx, content)  # type: ignore[attr-defined]
    response._resource_closers.append(ctx)  # type: ignore[attr-defined]
    return response


def _sync_stream(ctx: RequestContext, iterator: Iterator[Any]) -> Iterator[Any]:
    try:
        while True:
            token = ctx.activate()
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            finally:
                ctx.deactivate(token)
            yield chunk
    except GeneratorExit:
        raise
    except BaseException as exc:
        # Servers do not close a response whose body raised: tear down here.
        ctx.note_unhandled(exc)
        ctx.teardown(exc)
        raise


async def _async_stream(
    ctx: RequestContext, iterator: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    try:
        while True:
            token = ctx.activate()
            try:
                chunk = await iterator.__anext__()
            except StopAsyncIteration:
                ctx.open_stream = False
                return
            finally:
                ctx.deactivate(token)
            yield chunk
    except GeneratorExit:
        raise
    except BaseException as exc:
        ctx.note_unhandled(exc)
        await sync_to_async(ctx.teardown, thread_sensitive=True)(exc)
        raise


# -- HooksMiddleware -----------------------------------------------------------------


def hooks_flow(
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
        if app.before_request_funcs:
            for func in list(app.before_request_funcs):
                rv = yield Call(func)
                if rv is not None:
                    response = yield from finish_value(rv, func)
                    break
        if response is None and wants_early_resolve(app):
            # Flask raises routing errors after before_request; resolving here
            # lets errorhandler(404) see unknown URLs too.
            resolve(request.path_info, getattr(request, "urlconf", None))
    except Exception as exc:
        response = yield from handle_exception(ctx, exc)
    if response is None:
        response = yield Next(get_response, request)
    return (yield from after_view_flow(ctx, response))


def quiet_hooks(ctx: RequestContext) -> bool:
    """True when ``hooks_flow`` would call the next layer first thing: the fast path."""
    app = ctx.app
    return (
        ctx.pending_exc is None
        and not app.before_request_funcs
        and not app.error_handlers
    )


def quiet_after_view(ctx: RequestContext) -> bool:
    """True when no after_this_request or after_request function waits."""
    return ctx.after_this_request_funcs is None and not ctx.app.after_request_funcs


def after_view_flow(
    ctx: RequestContext, response: HttpResponseBase
) -> Flow[HttpResponseBase]:
    """after_this_request and after_request; an error they raise is handled like a view's."""
    try:
        response = yield from process_response(ctx, response)
    except Exception as exc:
        response = yield from handle_exception(ctx, exc)
    return response


def wants_early_resolve(app: App) -> bool:
    handlers = app.error_handlers
    if not handlers:
        return False
    return 404 in handlers or any(
        isinstance(key, type) and issubclass(Resolver404, key) for key in handlers
    )


def process_response(
    ctx: RequestContext, response: HttpResponseBase
) -> Flow[HttpResponseBase]:
    """after_this_request functions in order, then after_request functions reversed."""
    once = ctx.after_this_request_funcs
    if once:
        ctx.after_this_request_funcs = None
        for func in once:
            response = _check_response((yield Call(func, response)), func)
    funcs = ctx.app.after_request_funcs
    if funcs:
        for func in reversed(list(funcs)):
            response = _check_response((yield Call(func, response)), func)
    return response


def _check_response(rv: Any, func: object) -> HttpResponseBase:
    if not isinstance(rv, HttpResponseBase):
        raise TypeError(
            f"{describe(func)} must return the response to use, but it returned {type(rv).__name__}."
        )
    return rv


def finish_value(rv: Any, source: object) -> Flow[HttpResponseBase]:
    """``make_response(rv)``, rendering a ``TemplateResponse`` as Django would."""
    response = make_response(rv, source)
    if needs_render(response):
        yield Blocking(response.render, thread_sensitive=True)  # type: ignore[attr-defined]
    return response


# -- errors ---------------------------------------------------------------------


def handle_exception(ctx: RequestContext, exc: Exception) -> Flow[HttpResponseBase]:
    """The response for ``exc``: an error handler's, else Django's own error response."""
    try:
        response = yield from error_handler_response(ctx, exc)
    except Exception as error:  # the handler's own error is now the unhandled one
        exc, response = error, None
    if response is None:
        response = yield Blocking(django_error_response, ctx.request, exc)
    return response


def error_handler_response(
    ctx: RequestContext, exc: Exception
) -> Flow[HttpResponseBase | None]:
    """Flask's lookup: a matching handler, else (for an unhandled error) errorhandler(500).

    ``None`` means no handler took it and Django's own error response applies.
    A handler that raises makes its error the unhandled one: without an
    errorhandler(500) response, that error is raised.
    """
    app = ctx.app
    handler = app.find_error_handler(exc)
    handler_error: Exception | None = None
    if handler is not None:
        try:
            rv = yield Call(handler, exc)
        except Exception as error:
            exc = handler_error = error
        else:
            if rv is not None:
                return (yield from finish_value(rv, handler))
    handler = app.error_handlers.get(500)
    if handler is None or http_code(exc) is not None:
        if handler_error is not None:
            raise handler_error
        return None
    yield from report_exception(ctx, exc)
    django_request_logger.error(
        "Internal Server Error: %s",
        ctx.request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": ctx.request},
    )
    try:
        rv = yield Call(handler, InternalServerError(exc))
    except Exception:
        logger.exception("errorhandler(500) %s raised", describe(handler))
        rv = None
    if rv is None:
        if handler_error is not None:
            raise handler_error
        return None
    response = yield from finish_value(rv, handler)
    # Logged above: keep Django from logging the 500 response a second time.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def report_exception(ctx: RequestContext, exc: BaseException) -> Flow[None]:
    """Send got_request_exception once per exception; its receivers' errors are logged."""
    if ctx.note_unhandled(exc):
        batch = receivers(got_request_exception)
        if batch:
            yield Send(batch, {"exception": exc}, [])


def django_error_response(request: HttpRequest, exc: Exception) -> HttpResponseBase:
    """Django's response for ``exc`` (404/403/400 pages, or the 500 after its signal)."""
    from django.core.handlers.exception import response_for_exception

    # response_for_exception reads sys.exc_info(), so call it while handling exc.
    try:
        raise exc
    except Exception:
        return response_for_exception(request, exc)


def on_django_exception(
    sender: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Receiver of Django's got_request_exception: relay unhandled errors to Flask's signal."""
    ctx = current_request_context()
    exc = sys.exc_info()[1]
    if (
        ctx is None
        or exc is None
        or (request is not None and request is not ctx.request)
    ):
        return
    run_sync(report_exception(ctx, exc))


def view_exception_response(exc: Exception) -> HttpResponseBase | None:
    """``process_exception``: an error handler's response for a view's error, or None."""
    ctx = current_request_context()
    if ctx is None:
        return None
    return run_sync(error_handler_response(ctx, exc))
