"""Django's template backend, sending ``before_render_template`` and ``template_rendered``.

Use it in ``TEMPLATES`` in place of ``django.template.backends.django.DjangoTemplates``
(same ``OPTIONS``). Only top-level renders send: ``{% include %}`` and
``{% extends %}`` render engine templates directly, as in Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import Context, RequestContext, make_context

from flasksignals_django import _django

from . import _render

if TYPE_CHECKING:
    from django.http import HttpRequest

_MISSING = object()


class Template(django_backend.Template, _render.NamedTemplate):
    """Django's backend template; ``render`` sends the template signals.

    With a request, the context is built and bound exactly as Django builds it
    (``RequestContext.bind_template`` runs the context processors once, so
    tools that instrument it, such as django-debug-toolbar, see them); the
    signals then get one plain dict of what the template sees.
    """

    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        context = _render.with_app_values(context)
        if not _render.signals_wanted():
            return super().render(context, request)
        if context is not None and not isinstance(context, dict):
            raise TypeError(
                f"context must be a dict rather than {context.__class__.__name__}."
            )
        autoescape = self.backend.engine.autoescape
        try:
            if request is None:
                flat = dict(context or {})
                # A copy, so values the template sets ({% url ... as x %}) stay out of ``flat``.
                return _render.render(
                    self.template,
                    flat,
                    lambda: self.template.render(
                        Context(dict(flat), autoescape=autoescape)
                    ),
                )
            ctx = make_context(context, request, autoescape=autoescape)
            assert isinstance(ctx, RequestContext)
            with ctx.bind_template(self.template):
                ctx.template_name = self.template.name  # as Template.render does
                processors, caller = _layers(ctx)
                flat = {**processors, **caller}
                return _render.render(
                    self.template, flat, lambda: self._draw_bound(ctx, flat)
                )
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)

    def _draw_bound(self, ctx: RequestContext, flat: dict[str, Any]) -> str:
        """Render ``ctx`` with what ``flat`` holds now (receivers may have changed it)."""
        processors, caller = _layers(ctx)
        for layer in (processors, caller):
            for key in [key for key in layer if key not in flat]:
                del layer[key]
        for key, value in flat.items():
            if key in caller or processors.get(key, _MISSING) is not value:
                caller[key] = value
        # ``ctx.template`` is set, so the engine template renders without rebinding.
        return self.template.render(ctx)


def _layers(ctx: RequestContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The processors' layer and the caller's layer (the top one) of a bound context."""
    caller: dict[str, Any] = ctx.dicts[-1]
    return _django.processors_layer(ctx), caller


class DjangoTemplates(django_backend.DjangoTemplates):
    """``django.template.backends.django.DjangoTemplates`` that sends the template signals."""

    def from_string(self, template_code: str) -> Template:
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
