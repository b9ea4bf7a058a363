"""Django's Jinja2 backend, sending ``before_render_template`` and ``template_rendered``.

Use it in ``TEMPLATES`` in place of ``django.template.backends.jinja2.Jinja2``
(same ``OPTIONS``). Jinja2 is optional: without it, using this backend raises
``Jinja2NotInstalled``, which is both Django's ``ImproperlyConfigured`` and the
``ModuleNotFoundError`` Django's own backend raises. Jinja's include, extends
and import send nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.template import TemplateSyntaxError
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy

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
    """Django's Jinja2 backend template; ``render`` sends the template signals."""

    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        context = _render.with_app_values(context)
        if not _render.signals_wanted():
            # Django's backend writes request values into the caller's dict; ours never does.
            if request is not None and context is not None:
                context = dict(context)
            return super().render(context, request)
        values: dict[str, Any] = {} if context is None else dict(context)
        if request is not None:
            # Django's Jinja2 precedence: these beat the caller's values.
            values["request"] = request
            values["csrf_input"] = csrf_input_lazy(request)
            values["csrf_token"] = csrf_token_lazy(request)
            for processor in self.backend.template_context_processors:
                values.update(processor(request))
        return _render.render(self.template, values, lambda: self._draw(values))

    def _draw(self, values: dict[str, Any]) -> str:
        try:
            return self.template.render(values)
        except jinja2.TemplateSyntaxError as exc:
            new = TemplateSyntaxError(exc.args)
            new.template_debug = jinja2_backend.get_exception_info(exc)  # type: ignore[attr-defined,arg-type]
            raise new from exc


class Jinja2(jinja2_backend.Jinja2):
    """``django.template.backends.jinja2.Jinja2`` that sends the template signals."""

    def from_string(self, template_code: str) -> Template:
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
