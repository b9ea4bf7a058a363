"""The expected event order of each scenario: Flask 3.1's trace, as the port differs.

One source for every test that compares the port with Flask (WSGI, ASGI, real
servers, streaming): :func:`expected` takes a scenario's recorded Flask trace
(:mod:`tests.flask_traces`) and applies, here and only here,

- ``DIFFERENCES``: DESIGN.md's "Where this port differs from Flask 3.1 on
  purpose" (and its "Precise rules" where they state a difference), each
  written out with the rule it follows;
- ``ADAPTATIONS``: what the Django side of a scenario cannot do the way
  Flask's probe did (Django has no blueprints, names its own exceptions).
"""

from __future__ import annotations

from collections.abc import Callable

from .flask_traces import (
    TRACES,
    Item,
    drop,
    flask_items,
    hook,
    index_of,
    is_teardown,
    log,
    rename,
    sig,
    teardown,
    user,
)

# -- DESIGN's differences -----------------------------------------------------------------

Transform = Callable[[list[Item]], list[Item]]


def _propagate_answers_as_django(items: list[Item]) -> list[Item]:
    # Propagation (Precise rules): got_request_exception is sent, then Django
    # answers as it always does (logged, a 500 response that after_request and
    # request_finished see), where Flask re-raises to the server.
    gre = index_of(items, "signal", "got_request_exception")
    return [
        *items[: gre + 1],
        log("ViewError"),
        hook("after_request", response=500),
        sig("request_finished", response=500),
        *items[gre + 1 :],
    ]


def _after_request_error_once(items: list[Item]) -> list[Item]:
    # "On the error path, after_request functions and request_finished run
    # once": no second pass (and no "Request finalizing failed" log);
    # request_finished is sent once, with the 500 response.
    first_log = index_of(items, "log", "ERROR")
    first_teardown = index_of(items, "hook", "teardown_request")
    return [
        *items[: first_log + 1],
        sig("request_finished", response=500),
        *items[first_teardown:],
    ]


def _after_request_retry_skipped(items: list[Item]) -> list[Item]:
    # As above: the after_request functions do not run a second time on the 500.
    first_log = index_of(items, "log", "ERROR")
    finished = index_of(items, "signal", "request_finished")
    return [*items[: first_log + 1], *items[finished:]]


def _after_request_none_is_an_error(items: list[Item]) -> list[Item]:
    # Precise rules: an after_request function that returns None is a
    # TypeError that names it, handled like a view's error: the remaining
    # after_request functions are skipped, got_request_exception, Django's 500,
    # request_finished once, teardown with the error. Flask passes None on.
    failed = index_of(items, "hook", "after_request_returns_none")
    return [
        *items[: failed + 1],
        sig("got_request_exception", exception="TypeError"),
        log("TypeError"),
        sig("request_finished", response=500),
        *teardown("TypeError"),
    ]


def _failing_gre_receiver_is_logged(items: list[Item]) -> list[Item]:
    # "A failing got_request_exception receiver is logged; in Flask it escapes
    # to the server": Django's 500 stands, logged, after_request and
    # request_finished run on it, then teardown (same exc).
    gre = index_of(items, "signal", "got_request_exception")
    return [
        *items[: gre + 1],
        log("HookError"),
        log("ViewError"),
        hook("after_request", response=500),
        sig("request_finished", response=500),
        *items[gre + 1 :],
    ]


def _request_finished_error_once(items: list[Item]) -> list[Item]:
    # After_request and request_finished are not run again on the 500 (and so
    # there is no "Request finalizing failed" log).
    first_log = index_of(items, "log", "ERROR")
    first_teardown = index_of(items, "hook", "teardown_request")
    return [*items[: first_log + 1], *items[first_teardown:]]


def _teardown_request_all_steps_run(items: list[Item]) -> list[Item]:
    # "Every teardown step runs even when one raises" (Flask 3.2): t1 and
    # request_tearing_down still run; the error is logged.
    t2 = index_of(items, "hook", "teardown_request_t2")
    return [
        *items[: t2 + 1],
        log("HookError"),
        hook("teardown_request_t1", exc=None),
        sig("request_tearing_down", exc=None),
        *items[t2 + 1 :],
    ]


def _teardown_appcontext_all_steps_run(items: list[Item]) -> list[Item]:
    # As above for teardown_appcontext (logged without the request context,
    # as the step that raised ran without it).
    return [
        *items,
        log("HookError", "A-"),
        hook("teardown_appcontext_a1", "A-", exc=None),
        sig("appcontext_tearing_down", "A-", exc=None),
        sig("appcontext_popped", "--"),
    ]


def _body_then_teardown(items: list[Item]) -> list[Item]:
    # "Teardown runs once, when Django closes the response, after the whole
    # body is sent: streaming views keep their context and g without
    # stream_with_context" (Flask 3.1 tears down before the body, and again
    # after it with stream_with_context, pushing the app context a second time).
    first = index_of(items, "hook", "teardown_request")
    head = items[:first]
    rest = items[first:]
    body = [("body", n, a, "AR") for k, n, a, _ in rest if k == "body"]
    second_push = [i for i in rest if i[:2] == ("signal", "appcontext_pushed")]
    teardowns = [i for i in rest if is_teardown(i)]
    once = teardowns[: len(teardowns) // (2 if second_push else 1)]
    return [*head, *body, *once]


def _request_pushes_own_app_context(items: list[Item]) -> list[Item]:
    # "A request always pushes its own app context (Flask 3.2 behaviour)": its
    # own pushed/popped pair and teardown at its end; the outer context is
    # torn down when the with block ends.
    outer = index_of(items, "user", "outer_app_context_pushed")
    back = index_of(items, "user", "back_in_outer_app_context")
    request_part = items[outer + 1 : back]
    outer_teardown = [i for i in items[back + 1 :] if i[0] != "user"]
    return [
        sig("appcontext_pushed", "A-"),
        user("outer_app_context_pushed", "A-"),
        sig("appcontext_pushed", "A-"),
        *request_part,
        hook("teardown_appcontext", "A-", exc=None),
        sig("appcontext_tearing_down", "A-", exc=None),
        sig("appcontext_popped", "A-"),
        user("back_in_outer_app_context", "A-"),
        *outer_teardown,
        user("after_with", "--"),
    ]


def _receivers_in_connection_order(items: list[Item]) -> list[Item]:
    # "Receivers run in connection order; blinker leaves it undefined": the
    # recorder (connected first), then r1, r2, r3. Flask recorded only which ran.
    started = index_of(items, "signal", "request_started")
    extra = [user(f"r{i}") for i in (1, 2, 3)]
    return [*items[: started + 1], *extra, *items[started + 1 :]]


def _coroutine_receiver_in_async_view(items: list[Item]) -> list[Item]:
    # "Coroutine receivers work for signals sent inside async views; in Flask
    # 3.1 they fail there with a RuntimeError": flash() sends message_flashed
    # and the view goes on to a 200.
    view = index_of(items, "view", "async_index")
    return [
        *items[: view + 1],
        sig("message_flashed", category="info", message="async flash"),
        ("view", "after_flash", {}, "AR"),
        hook("after_request", response=200),
        sig("request_finished", response=200),
        *teardown(None),
    ]


DIFFERENCES: dict[str, Transform] = {
    "s03c_view_raises_propagate_exceptions": _propagate_answers_as_django,
    "s06a_after_request_raises_always": _after_request_error_once,
    "s06b_after_request_raises_once": _after_request_retry_skipped,
    "s06c_after_request_returns_none": _after_request_none_is_an_error,
    "s07c_got_request_exception_receiver_raises": _failing_gre_receiver_is_logged,
    "s07d_request_finished_receiver_raises": _request_finished_error_once,
    "s08a_teardown_request_raises": _teardown_request_all_steps_run,
    "s08b_teardown_appcontext_raises": _teardown_appcontext_all_steps_run,
    "s09a_streaming_plain_generator": _body_then_teardown,
    "s09b_streaming_with_context": _body_then_teardown,
    "s09c_streaming_with_context_closed_unread": _body_then_teardown,
    "s10b_request_inside_pushed_app_context": _request_pushes_own_app_context,
    "s12c_receiver_order_on_one_signal": _receivers_in_connection_order,
    "s13c_async_view_flash_with_async_receiver": _coroutine_receiver_in_async_view,
}
"""DESIGN's deliberate differences, by scenario."""

STATUS_DIFFERENCES: dict[str, int | None] = {
    # Propagation: Django answers with its 500; Flask re-raises to the client.
    "s03c_view_raises_propagate_exceptions": 500,
    # after_request returning None: Django's 500; Flask's client crashed.
    "s06c_after_request_returns_none": 500,
    # A failing got_request_exception receiver is logged: Django's 500 stands.
    "s07c_got_request_exception_receiver_raises": 500,
    # A failing teardown step never reaches the client: the response stands.
    "s08a_teardown_request_raises": 200,
    "s08b_teardown_appcontext_raises": 200,
    # Coroutine receivers work in async views.
    "s13c_async_view_flash_with_async_receiver": 200,
}


# -- what the Django side cannot do as Flask's probe did ---------------------------------


def _no_context_processor_hook(items: list[Item]) -> list[Item]:
    # Flask's probe registered an app.context_processor that records a hook;
    # Django's context processors are configured in TEMPLATES, and run inside
    # the render without a hook event.
    return drop(items, "hook:context_processor")


def _no_blueprints(items: list[Item]) -> list[Item]:
    # Django has no blueprints or URL value preprocessors: their hooks are
    # dropped, and the blueprint's view is the project's index view.
    return [
        ("view", "index", args, ctx)
        if (kind, name) == ("view", "bp.bview")
        else (kind, name, args, ctx)
        for kind, name, args, ctx in items
        if not name.startswith("bp_") and not name.endswith("url_value_preprocessor")
    ]


ADAPTATIONS: dict[str, Transform] = {
    "s01_normal_flash_render_template": _no_context_processor_hook,
    "s03d_view_raises_baseexception": lambda items: rename(
        items, "ProbeBaseException", "ViewBaseException"
    ),
    # A view returning None is Django's ValueError, Flask's TypeError.
    "s03e_view_returns_none": lambda items: rename(items, "TypeError", "ValueError"),
    "s11a_render_template_string_mutating_receiver": _no_context_processor_hook,
    "s11b_render_file_template_mutating_receiver": _no_context_processor_hook,
    "s11c_render_outside_request": _no_context_processor_hook,
    "s11d_kwargs_beat_context_processor": _no_context_processor_hook,
    "s13d_async_view_flash_render_sync_receivers": _no_context_processor_hook,
    "s16_blueprint_hook_order": _no_blueprints,
}
"""Changes that follow from Django itself, not from a difference of the port."""


def expected(sid: str) -> list[Item]:
    """The events the port must produce for scenario ``sid``, in order."""
    items = flask_items(sid)
    items = ADAPTATIONS.get(sid, list)(items)
    return DIFFERENCES.get(sid, list)(items)


def expected_status(sid: str) -> int | None:
    """The status code the port answers ``sid`` with (``None``: the client raises)."""
    if sid in STATUS_DIFFERENCES:
        return STATUS_DIFFERENCES[sid]
    status = TRACES[sid]["status"]
    return None if status is None else int(status)


# -- the same orders in the shape tests.server_project.events records -------------------

Named = tuple[str, object]
"""``(name, argument)``: what :func:`tests.server_project.events.names` gives."""

NORMAL = "s13a_async_view_hooks_receivers"
"""A request answered by its view, with one function of each hook and every signal."""
ERROR = "s03a_view_raises_unhandled_500"
"""The same with the view raising an error no handler takes: Django's 500."""


def named(items: list[Item]) -> list[Named]:
    """``items`` as the server project's recorder records them.

    That recorder registers one function of each hook and names it by the hook
    (Flask's probe named them by function: ``async_before_request``); views
    note plain ``view``; it records no logs. The argument is the summarised
    response or exception, where the item has one.
    """
    names: list[Named] = []
    unhandled: object = None
    for kind, name, args, _ in items:
        arg = next(iter(args.values()), None)
        if kind == "log":
            continue
        if kind == "view":
            names.append(("view", None))
            continue
        if name == "got_request_exception":
            unhandled = arg
        if kind == "hook":
            name = name.removeprefix("async_")
        if name.startswith("errorhandler_"):
            # The server project's handlers note ("errorhandler", the error's
            # class name); Flask's probe named them by what they were
            # registered for: a class, or a code, whose handler was given the
            # error reported just before (InternalServerError.original_exception).
            key = name.removeprefix("errorhandler_")
            name, arg = "errorhandler", unhandled if key.isdigit() else key
        names.append((name, arg))
    return names


def named_expected(sid: str) -> list[Named]:
    """:func:`expected` of ``sid`` in the server project's shape."""
    return named(expected(sid))


def started() -> list[Named]:
    """A request's events up to ``request_finished``, answered 200 by its view."""
    items = expected(NORMAL)
    return named(items[: index_of(items, "signal", "request_finished") + 1])


def teardown_with(exc: str | None) -> list[Named]:
    """A request's teardown, each step given ``exc`` (a class name) or ``None``.

    Flask's teardown of a request whose view raised, with ``exc`` in place of
    that error: the steps and their order do not depend on which error it is
    (a client's disconnect under ASGI, a failing stream body).
    """
    items = expected(ERROR)
    tail = named(items[index_of(items, "hook", "teardown_request") :])
    return [(name, None if arg is None else exc) for name, arg in tail]
