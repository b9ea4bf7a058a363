"""The expected event order of each scenario: Flask 3.1's recorded trace, as the port differs.

One source for every test that compares the port with Flask (WSGI, ASGI,
real servers): :func:`expected` takes the trace that
``shared/reference/flask_probe.py`` recorded from real Flask 3.1
(``tests/data/flask_traces.json``) and applies, here and only here,

- ``DIFFERENCES``: DESIGN.md's "Where this port differs from Flask 3.1 on
  purpose" (and its "Precise rules" where they state a difference), each
  written out with the DESIGN rule it follows;
- ``ADAPTATIONS``: what the Django side of a scenario cannot do the way
  Flask's probe did (Django has no blueprints, names its own exceptions).

An event is compared as an :data:`Item`: kind, name, the signal's kwargs (or
the hook's ``response``/``exc``) summarised as a status or an exception class
name, and which contexts were active (``"AR"``, ``"A-"``, ``"--"``). Template
signals are compared by name only (their ``context`` differs on purpose: no
``g``; the backends' tests compare contexts). Not compared: the client's own
events, log texts, exception messages and Django's error page bodies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "flask_traces.json"
TRACES: dict[str, Any] = json.loads(DATA.read_text())
SCENARIO_IDS: frozenset[str] = frozenset(
    sid for sid in TRACES if not sid.startswith("_")
)

Item = tuple[str, str, dict[str, Any], str]
"""One comparable event: kind, name, summarised arguments, contexts."""

TEMPLATE_SIGNALS = ("before_render_template", "template_rendered")
TEARDOWN_NAMES = (
    "teardown_request",
    "request_tearing_down",
    "teardown_appcontext",
    "appcontext_tearing_down",
    "appcontext_popped",
)

# -- Flask's side --------------------------------------------------------------------------


def _flask_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "response":
        return value["status"]
    if name in ("exc", "exception"):
        return value["type"]
    return value


def flask_item(event: dict[str, Any]) -> Item:
    kind, name = event["kind"], event["name"]
    ctx = ("A" if event["ctx"]["app"] else "-") + ("R" if event["ctx"]["req"] else "-")
    if kind == "signal":
        assert sorted(event["args"]) == event["kwargs"]
        args = {
            k: _flask_value(k, v)
            for k, v in event["args"].items()
            if name not in TEMPLATE_SIGNALS
        }
    elif kind == "log":
        args = {"exc_type": event.get("exc_type")}
    else:
        args = {k: _flask_value(k, event[k]) for k in ("response", "exc") if k in event}
    return kind, name, args, ctx


def flask_items(sid: str) -> list[Item]:
    """Flask's trace of ``sid`` as items, without the probe's client events."""
    return [flask_item(e) for e in TRACES[sid]["events"] if e["kind"] != "client"]


# -- building blocks -----------------------------------------------------------------------


def sig(name: str, ctx: str = "AR", **args: Any) -> Item:
    return ("signal", name, args, ctx)


def hook(name: str, ctx: str = "AR", **args: Any) -> Item:
    return ("hook", name, args, ctx)


def user(name: str, ctx: str = "AR", **args: Any) -> Item:
    return ("user", name, args, ctx)


def log(exc_type: str, ctx: str = "AR") -> Item:
    return ("log", "ERROR", {"exc_type": exc_type}, ctx)


def index_of(items: list[Item], kind: str, name: str, start: int = 0) -> int:
    for i in range(start, len(items)):
        if items[i][0] == kind and items[i][1] == name:
            return i
    raise AssertionError(f"{kind}:{name} not in the Flask trace")


def drop(items: Iterable[Item], *labels: str) -> list[Item]:
    return [item for item in items if f"{item[0]}:{item[1]}" not in labels]


def rename(items: Iterable[Item], old: str, new: str) -> list[Item]:
    """Replace the value ``old`` by ``new`` in every item's arguments."""
    return [
        (k, n, {a: new if v == old else v for a, v in args.items()}, c)
        for k, n, args, c in items
    ]


def is_teardown(item: Item) -> bool:
    return item[1] in TEARDOWN_NAMES and item[0] in ("hook", "signal")


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


def teardown(exc: str | None) -> list[Item]:
    """A request's standard teardown items, each with ``exc``."""
    return [
        hook("teardown_request", exc=exc),
        sig("request_tearing_down", exc=exc),
        hook("teardown_appcontext", "A-", exc=exc),
        sig("appcontext_tearing_down", "A-", exc=exc),
        sig("appcontext_popped", "--"),
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


def comparable(events: Iterable[Any], expected_items: list[Item]) -> list[Item]:
    """Recorded events (``tests.recorder.Event`` or their JSON dicts) as items.

    Hooks keep only the arguments Flask recorded for them; template signals
    keep none.
    """
    hook_keys: dict[tuple[str, str], set[str]] = {}
    for kind, name, args, _ in expected_items:
        if kind not in ("signal", "log"):
            hook_keys.setdefault((kind, name), set()).update(args)
    items: list[Item] = []
    for event in events:
        if isinstance(event, dict):
            kind, name, args, ctx = (
                event["kind"],
                event["name"],
                event["args"],
                event["ctx"],
            )
        else:
            kind, name, args, ctx = event.kind, event.name, event.args, event.ctx
        if kind == "log":
            args = {"exc_type": args["exc_type"]}
        elif kind == "signal":
            args = {} if name in TEMPLATE_SIGNALS else dict(args)
        else:
            keys = hook_keys.get((kind, name), set())
            args = {k: v for k, v in args.items() if k in keys}
        items.append((kind, name, args, ctx))
    return items
