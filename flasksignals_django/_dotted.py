"""Dotted paths from settings, read without failing: the checks report, never raise."""

from __future__ import annotations

from django.utils.module_loading import import_string


def load(path: str) -> object | None:
    """The object at dotted ``path``, or ``None`` when it does not import."""
    try:
        obj: object = import_string(path)
    except ImportError:
        return None
    return obj


def lineage(path: str) -> list[str]:
    """Dotted paths of the class at ``path`` and of its bases (``issubclass`` by name).

    Names rather than classes, so that contrib middleware of apps that are not
    installed is never imported; an entry that does not import is just ``path``.
    """
    obj = load(path)
    if isinstance(obj, type):
        return [f"{cls.__module__}.{cls.__qualname__}" for cls in obj.__mro__]
    return [path]
