"""Short, printable names and summaries of what the tap records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def dotted_name(fn: object) -> str:
    """``module.qualname`` of a function (``repr`` for other callables)."""
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None) or repr(fn)
    return f"{module}.{qualname}" if module else str(qualname)


def summarize(args: Mapping[str, Any]) -> dict[str, str]:
    """A short, printable summary of signal or hook arguments."""
    return {name: _summary(value) for name, value in args.items()}


def _summary(value: Any) -> str:
    status = getattr(value, "status_code", None)
    if isinstance(status, int):  # a response
        return f"{status} {type(value).__name__}"
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "render"):  # a template
        return name
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(map(str, value))[:12]) + "}"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
