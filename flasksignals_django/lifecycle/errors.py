"""What happens to an exception during a request: Flask's error handlers, then Django's.

Only an exception that no handler matched is unhandled. It is reported once,
whichever path answers: Flask's ``got_request_exception``, then Django's own
``got_request_exception`` (where Sentry and other error reporters listen) and
the ``django.request`` log, as Django would. Then ``errorhandler(500)`` gets
an ``InternalServerError`` wrapping it, unless exceptions propagate
(``FLASKSIGNALS_PROPAGATE_EXCEPTIONS``, by default ``DEBUG``).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from django.core.signals import got_request_exception as django_got_request_exception
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404

from flasksignals_django._django import (
    error_response,
    mark_logged,
    uncaught_error_response,
)
from flasksignals_django._drivers import flow
from flasksignals_django._send_steps import signal_step
from flasksignals_django._sending import logger
from flasksignals_django._steps import Blocking, Call, Flow, mark_answered
from flasksignals_django.conf import conf
from flasksignals_django.errors import InternalServerError, RequestError, error_code
from flasksignals_django.globals import current_request_context
from flasksignals_django.responses import describe, make_response, needs_render
from flasksignals_django.signals import got_request_exception

if TYPE_CHECKING:
    from flasksignals_django.app import App
    from flasksignals_django.ctx import RequestContext

django_request_logger = logging.getLogger("django.request")


@flow
def finish_value(rv: Any, source: object) -> Flow[HttpResponseBase]:
    """``make_response(rv)``, rendering a ``TemplateResponse`` as Django would."""
    response = make_response(rv, source)
    if needs_render(response):
        yield Blocking(response.render, thread_sensitive=True)  # type: ignore[attr-defined]
    return response


def wants_early_resolve(app: App) -> bool:
    """True when a handler would answer an unknown URL (``errorhandler(404)``)."""
    handlers = app.error_handlers
    if not handlers:
        return False
    return 404 in handlers or any(
        isinstance(key, type) and issubclass(Resolver404, key) for key in handlers
    )


@flow
def handle_exception(ctx: RequestContext, exc: Exception) -> Flow[HttpResponseBase]:
    """The response for ``exc``: an error handler's, else Django's own error response."""
    try:
        response = yield from error_handler_response(ctx, exc)
    except Exception as error:  # the handler's own error is now the unhandled one
        exc, response = error, None
    if response is None:
        if error_code(type(exc)) is None:
            yield from report(ctx, exc)
        response = yield Blocking(django_response, ctx, exc)
    return response


@flow
def error_handler_response(
    ctx: RequestContext, exc: Exception
) -> Flow[HttpResponseBase | None]:
    """Flask's lookup: a matching handler, else (for an unhandled error) errorhandler(500).

    ``None`` means no handler took it and Django's own error response applies.
    A handler that raises makes its error the unhandled one.
    """
    app = ctx.app
    handler = app.find_error_handler(exc)
    handler_error: Exception | None = None
    if handler is not None:
        try:
            rv = yield Call("errorhandler", handler, exc, timeline=ctx.timeline)
        except Exception as error:
            exc = handler_error = error
        else:
            if rv is not None:
                mark_answered(ctx.timeline)
                return (yield from finish_value(rv, handler))
    fallback = app.error_handlers.get(500)
    if (
        error_code(type(exc)) is not None
        or fallback is None
        or conf.PROPAGATE_EXCEPTIONS
    ):
        if handler_error is not None:
            raise handler_error
        return None
    yield from report(ctx, exc, with_django=True)
    try:
        rv = yield Call(
            "errorhandler", fallback, InternalServerError(exc), timeline=ctx.timeline
        )
    except Exception:
        logger.exception("errorhandler(500) %s raised", describe(fallback))
        rv = None
    if rv is None:  # treated as unhandled: Django's 500, reported already
        response: HttpResponseBase = yield Blocking(
            _reraise_into, uncaught_error_response, ctx.request, exc
        )
    else:
        mark_answered(ctx.timeline)
        response = yield from finish_value(rv, fallback)
    mark_logged(response)
    return response


@flow
def report(
    ctx: RequestContext, exc: BaseException, with_django: bool = False
) -> Flow[None]:
    """Report ``exc`` as unhandled, once: Flask's signal, then (if asked) Django's and the log.

    Without ``with_django``, Django's own error response will do its part.
    """
    if not ctx.note_unhandled(exc):
        return
    step = signal_step(got_request_exception, ctx, {"exception": exc}, [])
    if step is not None:
        yield step
    if with_django:
        yield Blocking(_reraise_into, _tell_django, ctx.request, exc)


def _tell_django(request: HttpRequest, exc: BaseException) -> None:
    django_got_request_exception.send(sender=None, request=request)
    django_request_logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )


def _reraise_into(fn: Any, request: HttpRequest, exc: BaseException) -> Any:
    """Call ``fn(request, exc)`` while ``exc`` is being handled: Django reads ``sys.exc_info()``."""
    try:
        raise exc
    except BaseException:
        return fn(request, exc)


def django_response(ctx: RequestContext, exc: Exception) -> HttpResponseBase:
    """Django's response for ``exc``; an ``InternalServerError`` (``abort(500)``) is not
    reported, and a Werkzeug-style error (``get_json()``'s 415) keeps its own status."""
    if error_code(type(exc)) == 500:
        return _reraise_into(uncaught_error_response, ctx.request, exc)  # type: ignore[no-any-return]
    response: HttpResponseBase = _reraise_into(error_response, ctx.request, exc)
    if isinstance(exc, RequestError):
        response.status_code = exc.code
    return response


def on_django_exception(
    sender: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Receiver of Django's got_request_exception: report errors Django met first to Flask's signal."""
    ctx = current_request_context()
    exc = sys.exc_info()[1]
    if (
        ctx is None
        or exc is None
        or (request is not None and request is not ctx.request)
    ):
        return
    report.sync(ctx, exc)


def view_exception_response(exc: Exception) -> HttpResponseBase | None:
    """``process_exception``: an error handler's response for a view's error, or ``None``.

    With ``None`` Django answers, so an unhandled error is reported to Flask's
    signal first; Django then sends its own.
    """
    ctx = current_request_context()
    # Django calls it inside every middleware's __call__, so inside SignalsMiddleware's.
    assert ctx is not None
    response = error_handler_response.sync(ctx, exc)
    if response is None:
        if error_code(type(exc)) == 500 or isinstance(exc, RequestError):
            # abort(500) with no handler: answered, not reported; a 415 keeps its status.
            return django_response(ctx, exc)
        if error_code(type(exc)) is None:
            report.sync(ctx, exc)
    return response
