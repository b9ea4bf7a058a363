"""Flask's recorded scenarios, set up on Django: which run, how, and which do not and why.

``SCENARIOS`` holds the scenarios that run as one request, on every
transport (the WSGI and ASGI test clients, gunicorn and uvicorn), set up by
:class:`tests.parity_tap.ScenarioTap`; ``NOT_RUN`` lists, with the reason, each
scenario that does not run, as ``"<sid>"``, or that does not run on one
transport, as ``"<sid>@<transport>"``. The scenarios without a request (app
contexts outside requests) run in ``tests/test_flask_parity.py``, listed in
``LOCAL``. Expected events come from :func:`tests.flask_expected.expected`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flasksignals_django import (
    got_request_exception,
    request_finished,
    request_started,
)
from flasksignals_django.signals import (
    before_render_template,
    message_flashed,
)

from .parity_setups import (
    HandlerError,
    HookError,
    after,
    handler,
    multi_hooks,
    mutate_context,
    noting,
    quiet_receiver,
    raising,
    s04c,
    s06a_first,
    s06b,
    s06c,
    s08a,
    s08b,
    s12c,
    s13a,
    s13b,
    s14a,
    s16,
)
from .parity_tap import Setup
from .views_core import ViewError

TRANSPORTS = ("wsgi", "asgi", "gunicorn", "uvicorn")


@dataclass(frozen=True)
class Scenario:
    path: str
    method: str = "get"
    hooks: tuple[str, ...] | None = None
    """The recorder's own hooks (``None``: all four, as the probe's ``std_hooks``)."""
    setup: Callable[[Setup], None] | None = None
    """Registers the scenario's hooks and receivers after the recorder's."""
    setup_first: Callable[[Setup], None] | None = None
    """Registers before the recorder (to run after its hooks where they run reversed)."""
    body: bytes | None = None
    x_headers: bool = False
    """Compare the response's ``X-`` headers with Flask's."""
    first_chunk_only: bool = False
    """The client reads the first chunk of the body, then closes the response."""


SCENARIOS: dict[str, Scenario] = {
    "s01_normal_flash_render_template": Scenario("/parity/flash-render/"),
    "s02_before_request_short_circuit": Scenario(
        "/core/",
        setup=lambda s: s.hook(
            "before_request", noting("hook", "before_request_blocker", ("blocked", 403))
        ),
        body=b"blocked",
    ),
    "s03a_view_raises_unhandled_500": Scenario("/core/boom/"),
    "s03b_view_raises_with_500_handler": Scenario(
        "/core/boom/",
        setup=lambda s: s.errorhandler(
            500, handler("errorhandler_500", ("custom 500", 500))
        ),
        body=b"custom 500",
    ),
    "s03c_view_raises_propagate_exceptions": Scenario(
        "/core/boom/",
        setup=lambda s: s.settings(FLASKSIGNALS_PROPAGATE_EXCEPTIONS=True),
    ),
    "s03d_view_raises_baseexception": Scenario("/core/base-boom/"),
    "s03e_view_returns_none": Scenario("/core/none/"),
    "s03f_before_request_raises": Scenario(
        "/core/",
        setup=lambda s: s.hook(
            "before_request", raising("before_request_raiser", HookError("before boom"))
        ),
    ),
    "s03g_errorhandler_raises": Scenario(
        "/core/boom/",
        setup=lambda s: s.errorhandler(
            ViewError, raising("errorhandler_ViewError", HandlerError("handler boom"))
        ),
    ),
    "s04a_abort_404_in_view": Scenario("/core/404/"),
    "s04b_unknown_url": Scenario("/core/does-not-exist/"),
    "s04c_unknown_url_with_404_handler": Scenario(
        "/core/nope/", setup=s04c, body=b"custom 404: set-in-before_request"
    ),
    "s04d_method_not_allowed": Scenario("/parity/get-only/", method="post"),
    "s05a_errorhandler_custom_exception": Scenario(
        "/core/boom/",
        setup=lambda s: s.errorhandler(
            ViewError, handler("errorhandler_ViewError", ("handled", 418))
        ),
    ),
    "s05b_errorhandler_exception_catches_http": Scenario(
        "/core/404/",
        setup=lambda s: s.errorhandler(
            Exception, handler("errorhandler_Exception", ("generic handler", 299))
        ),
    ),
    "s06a_after_request_raises_always": Scenario(
        "/core/after-this-one/", setup_first=s06a_first
    ),
    "s06b_after_request_raises_once": Scenario("/core/", setup_first=s06b),
    "s06c_after_request_returns_none": Scenario("/core/", setup=s06c),
    "s07a_request_started_receiver_raises": Scenario(
        "/core/",
        setup=lambda s: s.connect(
            request_started, raising("", HookError("receiver boom"))
        ),
    ),
    "s07b_request_started_receiver_raises_handled": Scenario(
        "/core/",
        setup=lambda s: (
            s.errorhandler(
                HookError,
                handler("errorhandler_HookError", ("handled receiver error", 200)),
            ),
            s.connect(request_started, raising("", HookError("receiver boom"))),
        ),
    ),
    "s07c_got_request_exception_receiver_raises": Scenario(
        "/core/boom/",
        setup=lambda s: s.connect(
            got_request_exception, raising("", HookError("receiver boom"))
        ),
    ),
    "s07d_request_finished_receiver_raises": Scenario(
        "/core/",
        setup=lambda s: s.connect(
            request_finished, raising("", HookError("receiver boom"))
        ),
    ),
    "s08a_teardown_request_raises": Scenario(
        "/core/",
        hooks=("before_request", "after_request", "teardown_appcontext"),
        setup=s08a,
    ),
    "s08b_teardown_appcontext_raises": Scenario(
        "/core/",
        hooks=("before_request", "after_request", "teardown_request"),
        setup=s08b,
    ),
    "s09a_streaming_plain_generator": Scenario("/parity/stream/", body=b"ab"),
    "s09b_streaming_with_context": Scenario("/parity/stream-with/", body=b"ab"),
    "s09c_streaming_with_context_closed_unread": Scenario(
        "/parity/stream-with/", body=b"a", first_chunk_only=True
    ),
    "s11a_render_template_string_mutating_receiver": Scenario(
        "/parity/render-string/",
        setup=lambda s: s.connect(before_render_template, mutate_context),
        body=b"Hi mutated-by-receiver | added | ",
    ),
    "s11b_render_file_template_mutating_receiver": Scenario(
        "/parity/render-page/",
        hooks=(),
        setup=lambda s: s.connect(before_render_template, mutate_context),
        body=b"<h1>Hello mutated-by-receiver</h1><b>added</b>",
    ),
    "s11d_kwargs_beat_context_processor": Scenario(
        "/parity/render-kwargs/", hooks=(), body=b"from_kwargs"
    ),
    "s12a_multiple_hooks_short_circuit": Scenario(
        "/core/", hooks=(), setup=multi_hooks(True), x_headers=True
    ),
    "s12b_multiple_hooks_no_short_circuit": Scenario(
        "/core/", hooks=(), setup=multi_hooks(False), x_headers=True
    ),
    "s12c_receiver_order_on_one_signal": Scenario(
        "/parity/plain/", hooks=(), setup=s12c
    ),
    "s13a_async_view_hooks_receivers": Scenario(
        "/parity/async/", hooks=(), setup=s13a, body=b"async ok"
    ),
    "s13b_async_view_raises_async_errorhandler": Scenario(
        "/parity/async/boom/", setup=s13b, body=b"async handled"
    ),
    "s13c_async_view_flash_with_async_receiver": Scenario(
        "/parity/async/flash/",
        setup=lambda s: s.connect(message_flashed, quiet_receiver),
    ),
    "s13d_async_view_flash_render_sync_receivers": Scenario(
        "/parity/async/flash-render/",
        hooks=(),
        setup=lambda s: s.hook("after_request", after("after_request")),
        body=b"async-rendered",
    ),
    "s14a_after_this_request_order": Scenario(
        "/core/after-this/", hooks=(), setup=s14a
    ),
    "s14b_after_this_request_then_view_raises": Scenario("/core/after-this-boom/"),
    "s16_blueprint_hook_order": Scenario("/core/", hooks=(), setup=s16),
}
"""The scenarios that run as one request on every transport not excluded in NOT_RUN."""

LOCAL = (
    "s10a_app_context_outside_request",
    "s10b_request_inside_pushed_app_context",
    "s10c_app_context_exception_inside",
    "s10d_nested_distinct_app_contexts",
    "s10e_same_app_context_pushed_twice",
    "s11c_render_outside_request",
    "s14c_after_this_request_outside_request",
)
"""Scenarios driven from the test's own code (contexts outside or around a request)."""

_LEAVES = (
    "a two-chunk body is sent whole before a server could notice the client "
    "leave: test_servers.py disconnects mid-stream from both servers"
)
_NO_SERVER = "the test's own app context cannot reach a server process"

NOT_RUN: dict[str, str] = {
    "s03d_view_raises_baseexception@gunicorn": (
        "a BaseException escapes Django to the server, which ends the worker: "
        "tested in-process only"
    ),
    "s03d_view_raises_baseexception@uvicorn": (
        "a BaseException escapes Django to the server, which ends the worker: "
        "tested in-process only"
    ),
    "s09c_streaming_with_context_closed_unread@asgi": (
        "Django's ASGI handler reads a sync stream whole before sending it: "
        "test_streaming.py closes an unread async stream instead"
    ),
    "s09c_streaming_with_context_closed_unread@gunicorn": _LEAVES,
    "s09c_streaming_with_context_closed_unread@uvicorn": _LEAVES,
    "s09d_stream_template_string": "Django has no streamed template rendering",
    "s10b_request_inside_pushed_app_context@gunicorn": _NO_SERVER,
    "s10b_request_inside_pushed_app_context@uvicorn": _NO_SERVER,
    "s10f_test_request_context_push_pop": (
        "Flask's test_request_context(): the port has no request context without a request"
    ),
    "s10g_client_preserve_context": (
        "Flask's `with client:` keeps the context after the response; Django's "
        "test client has no such mode"
    ),
    "s15a_copy_current_request_context_called_later": (
        "the port's copy_current_request_context re-activates the request's "
        "contexts (DESIGN: 'with the current request's contexts', g included) "
        "without pushing a copy, so it sends no appcontext_pushed or teardown for "
        "the copied call: a deliberate difference, listed in the README"
    ),
    "s15b_copy_current_request_context_called_inside_view": (
        "as s15a: no push or teardown for the copied call (deliberate, README)"
    ),
}
"""What does not run, with the reason: ``"<sid>"`` everywhere, ``"<sid>@<transport>"`` there."""


def runs_on(sid: str, transport: str) -> bool:
    return sid not in NOT_RUN and f"{sid}@{transport}" not in NOT_RUN
