"""The one render helper both template backends share (Flask's ``_render``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flasksignals_django import tap
from flasksignals_django._steps import send
from flasksignals_django.app import current_app
from flasksignals_django.signals import before_render_template, template_rendered


class NamedTemplate:
    """Gives a backend template Flask's ``name`` (``None`` for one made from a string)."""

    template: Any

    @property
    def name(self) -> str | None:
        name: str | None = self.template.name
        return name


def signals_wanted() -> bool:
    """True if a render has anyone to tell; otherwise the backend renders as Django does."""
    return bool(
        before_render_template.receivers
        or template_rendered.receivers
        or tap.is_attached()
    )


def render(template: Any, context: dict[str, Any], draw: Callable[[], str]) -> str:
    """Send ``before_render_template``, call ``draw()``, then send ``template_rendered``.

    ``template`` is the engine's own template object and ``context`` the dict that
    ``draw`` renders, so a change a ``before_render_template`` receiver makes to it
    shows in the output. A receiver that raises makes the render fail with that error.
    """
    send(before_render_template, current_app, template=template, context=context)
    output = draw()
    send(template_rendered, current_app, template=template, context=context)
    return output
