"""Django's Jinja2 backend, sending ``before_render_template`` and ``template_rendered``.

Use it in ``TEMPLATES`` in place of ``django.template.backends.jinja2.Jinja2``
(same ``OPTIONS``). Jinja2 is optional: without it, using this backend raises
``Jinja2NotInstalled``, which is both Django's ``ImproperlyConfigured`` and the
``ModuleNotFoundError`` Django's own backend raises. Jinja's include, extends
and import send nothing.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from . import _render


class Jinja2NotInstalled(ImproperlyConfigured, ModuleNotFoundError):
    """The Jinja2 backend is configured but the ``jinja2`` package is missing."""


try:
    import jinja2
    from django.template.backends import jinja2 as jinja2_backend
# Tested in a subprocess without jinja2, which coverage does not see.
except ImportError as missing:  # pragma: no cover
    raise Jinja2NotInstalled(
        "flasksignals_django.backends.jinja2.Jinja2 needs Jinja2: "
        "pip install 'flasksignals-django[jinja2]' (or pip install jinja2).",
        name="jinja2",
    ) from missing

if TYPE_CHECKING:
    from django.http import HttpRequest


class Template(jinja2_backend.Template, _render.NamedTemplate):
    """Django's Jinja2 backend template; ``render`` sends the template signals.

    Rendering goes through Django's own ``render`` (so tools that instrument
    it, such as django-debug-toolbar, see it), with the engine template's draw
    wrapped to send the signals with the dict it renders.
    """

    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        context = _render.with_app_values(context)
        if not _render.signals_wanted():
            # Django's backend writes request values into the caller's dict; ours never does.
            if request is not None and context is not None:
                context = dict(context)
            return super().render(context, request)
        signalling = copy.copy(self)
        signalling.template = _SignallingDraw(self.template)  # type: ignore[assignment]
        return super(Template, signalling).render(
            {} if context is None else dict(context), request
        )


class _SignallingDraw:
    """Stands in for the engine template inside Django's ``render``."""

    def __init__(self, template: jinja2.Template) -> None:
        self.template = template

    @property
    def name(self) -> str | None:
        return self.template.name

    def render(self, values: dict[str, Any]) -> str:
        # ``values`` holds the caller's values, then Django's request values and
        # the processors' output, which win (Django's Jinja2 precedence).
        return _render.render(
            self.template, values, lambda: self.template.render(values)
        )


class Jinja2(jinja2_backend.Jinja2):
    """``django.template.backends.jinja2.Jinja2`` that sends the template signals."""

    def from_string(self, template_code: str) -> Template:
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
