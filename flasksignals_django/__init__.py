"""Flask's signals and request hooks for Django."""

from __future__ import annotations

from .app import App, current_app
from .errors import InternalServerError
from .globals import g, has_app_context, has_request_context, request
from .helpers import (
    after_this_request,
    copy_current_request_context,
    stream_with_context,
)
from .messages.api import flash
from .signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    got_request_exception,
    message_flashed,
    namespace,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)

__all__ = [
    "App",
    "InternalServerError",
    "after_this_request",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "got_request_exception",
    "has_app_context",
    "has_request_context",
    "message_flashed",
    "namespace",
    "request",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "stream_with_context",
    "template_rendered",
]
