"""Django's template backend, sending ``before_render_template`` and ``template_rendered``.

Use it in ``TEMPLATES`` in place of ``django.template.backends.django.DjangoTemplates``
(same ``OPTIONS``). Only top-level renders send: ``{% include %}`` and
``{% extends %}`` render engine templates directly, as in Flask.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import django
from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import Context, RequestContext

from . import _render

# Django 5.0 names a context processor that returns no dict; 4.2 lets the
# TypeError of dict.update() through.
NAMES_BAD_PROCESSORS = django.VERSION >= (5, 0)

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.template.base import Template as EngineTemplate


class _PreparedRequestContext(RequestContext):
    """A ``RequestContext`` whose processors already ran (their output is in its dict).

    Django binds only a context that is not bound yet, so no check is needed here.
    """

    @contextmanager
    def bind_template(self, template: EngineTemplate) -> Iterator[None]:
        self.template = template
        try:
            yield
        finally:
            self.template = None


class Template(django_backend.Template, _render.NamedTemplate):
    """Django's backend template; ``render`` sends the template signals."""

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
        flat = self._flatten(context, request)
        return _render.render(self.template, flat, lambda: self._draw(flat, request))

    def _flatten(
        self, context: dict[str, Any] | None, request: HttpRequest | None
    ) -> dict[str, Any]:
        """What the template sees: processors' output, then the caller's values on top."""
        flat: dict[str, Any] = {}
        if request is not None:
            for processor in self.backend.engine.template_context_processors:
                output = processor(request)
                try:
                    flat.update(output)
                except TypeError as exc:
                    if not NAMES_BAD_PROCESSORS:
                        raise
                    raise TypeError(
                        f"Context processor {processor.__qualname__} didn't return a "
                        "dictionary."
                    ) from exc
        if context:
            flat.update(context)
        return flat

    def _draw(self, flat: dict[str, Any], request: HttpRequest | None) -> str:
        autoescape = self.backend.engine.autoescape
        ctx: Context
        if request is None:
            ctx = Context(flat, autoescape=autoescape)
            # Values the template sets ({% url ... as x %}) go here, not into ``flat``.
            ctx.update({})
        else:
            ctx = _PreparedRequestContext(request, flat, autoescape=autoescape)
        try:
            return self.template.render(ctx)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)


class DjangoTemplates(django_backend.DjangoTemplates):
    """``django.template.backends.django.DjangoTemplates`` that sends the template signals."""

    def from_string(self, template_code: str) -> Template:
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
