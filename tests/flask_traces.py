"""Flask 3.1's recorded traces as comparable items, and the items of the Django side.

``tests/data/flask_traces.json`` holds what ``shared/reference/flask_probe.py``
recorded from real Flask 3.1 for each scenario. An event is compared as an
:data:`Item`: kind, name, the signal's kwargs (or the hook's ``response`` /
``exc``) summarised as a status or an exception class name, and which contexts
were active (``"AR"``, ``"A-"``, ``"--"``). Template signals are compared by
name only: their ``context`` differs on purpose (no ``g``), and the backends'
tests compare contexts. Not compared: the probe's client events, log texts,
exception messages and Django's error page bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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


def teardown(exc: str | None) -> list[Item]:
    """A request's standard teardown items, each with ``exc``."""
    return [
        hook("teardown_request", exc=exc),
        sig("request_tearing_down", exc=exc),
        hook("teardown_appcontext", "A-", exc=exc),
        sig("appcontext_tearing_down", "A-", exc=exc),
        sig("appcontext_popped", "--"),
    ]


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
