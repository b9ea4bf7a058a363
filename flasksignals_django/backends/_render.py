"""The one render helper both template backends share (Flask's ``_render``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flasksignals_django import tap
from flasksignals_django._send_steps import send
from flasksignals_django._sending import call_sync
from flasksignals_django.app import current_app
from flasksignals_django.signals import before_render_template, template_rendered


class NamedTemplate:
    """Gives a backend template Flask's ``name`` (``None`` for one made from a string)."""

    template: Any

    @property
    def name(self) -> str | None:
        name: str | None = self.template.name
        return name

    @name.setter
    def name(self, value: str | None) -> None:
        """Ignored: the name is always the engine template's (django-debug-toolbar assigns it)."""


def signals_wanted() -> bool:
    """True if a render has anyone to tell; otherwise the backend renders as Django does."""
    return bool(
        before_render_template.receivers
        or template_rendered.receivers
        or tap.is_attached()
    )


def with_app_values(context: Any) -> Any:
    """``context`` on top of the app's context processors' values (Flask's order).

    The result is what the backend then renders as the view's context, so the
    engine's own context processors keep Django's place: below it in
    ``DjangoTemplates`` (view > app's > engine's), above it in ``Jinja2``
    (engine's and ``request``/``csrf_*`` > view > app's).

    Without ``current_app.context_processor`` functions this returns ``context``
    as it is, at the cost of one check. A context that is not a dict is left for
    the backend to reject, as Django does.
    """
    processors = current_app.template_context_processors
    if not processors or not (context is None or isinstance(context, dict)):
        return context
    values: dict[str, Any] = {}
    for processor in processors:
        output = call_sync(processor)
        if not isinstance(output, Mapping):
            raise TypeError(
                f"Context processor {getattr(processor, '__qualname__', processor)!r} "
                f"returned {type(output).__name__}, not a dict."
            )
        values.update(output)
    if context:
        values.update(context)
    return values


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
