"""One template render (get_template + render) through Django's backends and ours."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.template.backends.base import BaseEngine
from django.template.backends.django import DjangoTemplates as DjangoOwn
from django.template.backends.jinja2 import Jinja2 as Jinja2Own

from flasksignals_django.backends.django import DjangoTemplates as DjangoWrapped
from flasksignals_django.backends.jinja2 import Jinja2 as Jinja2Wrapped
from flasksignals_django.signals import SIGNALS

from . import settings as bench_settings
from .django_configs import connected, make_noops, recorded
from .harness import Config, expect

TEMPLATE = "bench.html"
CONTEXT: dict[str, Any] = {
    "title": "Benchmark",
    "items": [{"name": f"item {i}", "value": i * 1.5} for i in range(20)],
    "footer": "the end",
}


def _engine(cls: type[BaseEngine], kind: str, name: str) -> BaseEngine:
    return cls(
        {
            "NAME": name,
            "DIRS": [bench_settings.BENCH_TEMPLATE_DIRS[kind]],
            "APP_DIRS": False,
            "OPTIONS": {},
        }
    )


def renderer(engine: BaseEngine) -> Callable[[], str]:
    def call() -> str:
        return engine.get_template(TEMPLATE).render(dict(CONTEXT))

    return call


def template_configs() -> list[Config]:
    configs = []
    for kind, own_cls, wrapped_cls in (
        ("django", DjangoOwn, DjangoWrapped),
        ("jinja2", Jinja2Own, Jinja2Wrapped),
    ):
        own = renderer(_engine(own_cls, kind, f"own-{kind}"))
        expected = own()
        expect("item 19" in expected, f"{kind}: unexpected output {expected[:80]!r}")
        configs.append(_config(f"{kind} own", own, expected, None))
        wrapped = renderer(_engine(wrapped_cls, kind, f"wrapped-{kind}"))
        for count in (0, 1):
            configs.append(
                _config(f"{kind} wrapped r{count}", wrapped, expected, count)
            )
    return configs


def _config(
    name: str, call: Callable[[], str], expected: str, receivers: int | None
) -> Config:
    noops = make_noops(receivers or 0)

    @contextmanager
    def state() -> Iterator[None]:
        with connected(SIGNALS, noops):
            yield

    def verify(output: object) -> None:
        expect(output == expected, f"{name}: output differs from Django's own")

    def check() -> None:
        with (
            connected(SIGNALS, make_noops(receivers or 0)),
            recorded(SIGNALS) as events,
        ):
            verify(call())
        wanted = (
            [] if receivers is None else ["before-render-template", "template-rendered"]
        )
        expect(events == wanted, f"{name}: events {events}, expected {wanted}")

    return Config(
        name=name, group="template", call=call, check=check, state=state, verify=verify
    )
