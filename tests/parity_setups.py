"""Set-ups of the Flask parity scenarios: what Flask's probe registered, on ``current_app``.

Each ``sNN`` function registers a scenario's hooks, error handlers and
receivers through a :class:`tests.parity_tap.Setup`, which undoes them when
the request ends. The table of scenarios is :mod:`tests.parity_scenarios`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from flasksignals_django import (
    after_this_request,
    g,
    request_finished,
    request_started,
)
from flasksignals_django.signals import (
    appcontext_pushed,
    request_tearing_down,
)

from .parity_tap import Setup
from .recorder import note
from .views_core import ViewError


class HookError(Exception):
    pass


class HandlerError(Exception):
    pass


def noting(
    kind: str, name: str, rv: object = None, **fixed: object
) -> Callable[..., object]:
    def fn(*args: object) -> object:
        note(kind, name, **fixed)
        return rv

    return fn


def raising(name: str, error: Exception) -> Callable[..., object]:
    def fn(*args: object, **kwargs: object) -> object:
        if name:
            note("hook", name)
        raise error

    return fn


def handler(name: str, rv: object) -> Callable[[BaseException], object]:
    def fn(error: BaseException) -> object:
        note("hook", name)
        return rv

    return fn


def after(name: str, header: str | None = None) -> Callable[[object], object]:
    def fn(response: object) -> object:
        note("hook", name)
        if header:
            response[header] = "1"  # type: ignore[index]
        return response

    return fn


# -- set-ups -------------------------------------------------------------------------------


def s04c(s: Setup) -> None:
    def set_g() -> None:
        g.marker = "set-in-before_request"

    s.hook("before_request", set_g)

    def h404(error: BaseException) -> object:
        note("hook", "errorhandler_404")
        return "custom 404: " + g.get("marker", "?"), 404

    s.errorhandler(404, h404)


def s06a_first(s: Setup) -> None:
    def raiser(response: object) -> object:
        note("hook", "after_request_raiser", response=response)
        raise HookError("after boom")

    s.hook("after_request", raiser)


def s06b(s: Setup) -> None:
    calls: list[int] = []

    def raiser(response: object) -> object:
        calls.append(1)
        note("hook", "after_request_raiser", response=response)
        if len(calls) == 1:
            raise HookError("after boom once")
        return response

    s.hook("after_request", raiser)


def s06c(s: Setup) -> None:
    s.hook("after_request", noting("hook", "after_request_returns_none"))


def s08a(s: Setup) -> None:
    for i in (1, 2, 3):

        def td(exc: BaseException | None, i: int = i) -> None:
            note("hook", f"teardown_request_t{i}", exc=exc)
            if i == 2:
                raise HookError("teardown boom")

        s.hook("teardown_request", td)


def s08b(s: Setup) -> None:
    for i in (1, 2):

        def td(exc: BaseException | None, i: int = i) -> None:
            note("hook", f"teardown_appcontext_a{i}", exc=exc)
            if i == 2:
                raise HookError("appctx teardown boom")

        s.hook("teardown_appcontext", td)


def mutate_context(
    sender: object, template: object, context: dict[str, object], **extra: object
) -> None:
    context["name"] = "mutated-by-receiver"
    context["added_by_receiver"] = "added"


def multi_hooks(short_circuit: bool) -> Callable[[Setup], None]:
    def setup(s: Setup) -> None:
        for i in (1, 2, 3):
            rv = "short-circuit by b2" if i == 2 and short_circuit else None
            s.hook("before_request", noting("hook", f"before_request_b{i}", rv))
        for i in (1, 2, 3):
            s.hook("after_request", after(f"after_request_a{i}", f"X-After-{i}"))
        for i in (1, 2, 3):
            s.hook(
                "teardown_request",
                lambda exc, i=i: note("hook", f"teardown_request_t{i}", exc=exc),
            )
        for i in (1, 2, 3):
            s.hook(
                "teardown_appcontext",
                lambda exc, i=i: note("hook", f"teardown_appcontext_ta{i}", exc=exc),
            )

    return setup


def s12c(s: Setup) -> None:
    from flasksignals_django import current_app

    for i in (1, 2, 3):
        s.connect(request_started, noting("user", f"r{i}"), sender=current_app)


async def quiet_receiver(sender: object, **extra: object) -> None:
    await asyncio.sleep(0)


def s13a(s: Setup) -> None:
    async def before() -> None:
        await asyncio.sleep(0)
        note("hook", "async_before_request")

    async def after_(response: object) -> object:
        await asyncio.sleep(0)
        note("hook", "async_after_request", response=response)
        return response

    async def td(exc: BaseException | None) -> None:
        note("hook", "async_teardown_request", exc=exc)

    async def ta(exc: BaseException | None) -> None:
        note("hook", "async_teardown_appcontext", exc=exc)

    s.hook("before_request", before)
    s.hook("after_request", after_)
    s.hook("teardown_request", td)
    s.hook("teardown_appcontext", ta)
    for signal in (
        appcontext_pushed,
        request_started,
        request_finished,
        request_tearing_down,
    ):
        s.connect(signal, quiet_receiver)


def s13b(s: Setup) -> None:
    async def h(error: BaseException) -> object:
        note("hook", "async_errorhandler_ViewError")
        return "async handled", 418

    s.errorhandler(ViewError, h)


def s14a(s: Setup) -> None:
    for i in (1, 2):
        s.hook("after_request", after(f"after_request_a{i}"))

    def br() -> None:
        note("hook", "before_request")
        after_this_request(after("after_this_request_atr0"))

    s.hook("before_request", br)


def s16(s: Setup) -> None:
    s.hook("before_request", noting("hook", "app_before_request"))
    s.hook("after_request", after("app_after_request"))
    s.hook(
        "teardown_request", lambda exc: note("hook", "app_teardown_request", exc=exc)
    )
