"""What is connected: each signal's receivers and each hook registry, in run order.

``manage.py flasksignals`` prints it; the debug-toolbar panel shows it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from ._blinker import sender_labels
from .app import App, current_app
from .error_handlers import ErrorHandlerKey
from .responses import describe
from .signals import SIGNALS, OrderedSignal


class ReceiverInfo(NamedTuple):
    receiver: Callable[..., Any] | None
    """The receiver, or ``None`` for a weak receiver that was collected."""
    senders: list[str]
    """``ANY``, or the repr of each sender it is connected for."""
    weak: bool

    @property
    def name(self) -> str:
        """The receiver's dotted name, or ``<collected>``."""
        return "<collected>" if self.receiver is None else describe(self.receiver)


class Registry(NamedTuple):
    name: str
    """The hook decorator's name (``before_request``, ``errorhandler``, ...)."""
    order: str
    """How its entries are ordered, when that is not registration order."""
    entries: list[str]
    """Dotted names in the order they run (``"404: name"`` for error handlers)."""

    @property
    def title(self) -> str:
        return f"{self.name} ({self.order})" if self.order else self.name


def receiver_infos(signal: OrderedSignal) -> list[ReceiverInfo]:
    """The receivers of ``signal`` in connection order, with their sender filters."""
    infos = []
    for receiver_id, value in list(signal.receivers.items()):
        weak = isinstance(value, weakref.ref)
        receiver = value() if isinstance(value, weakref.ref) else value
        infos.append(ReceiverInfo(receiver, sender_labels(signal, receiver_id), weak))
    return infos


def signal_receivers() -> list[tuple[OrderedSignal, list[ReceiverInfo]]]:
    """Every signal of the namespace, in request order, with its receivers."""
    return [(signal, receiver_infos(signal)) for signal in SIGNALS]


def hook_registries(app: App = current_app) -> list[Registry]:
    """The hook registries in the order a request runs them, each in its run order."""
    handlers = app.error_handlers
    return [
        Registry("before_first_request", "", _names(app.before_first_request_funcs)),
        Registry("before_request", "", _names(app.before_request_funcs)),
        Registry(
            "after_request",
            "last registered first",
            _names(reversed(app.after_request_funcs)),
        ),
        Registry(
            "teardown_request",
            "last registered first",
            _names(reversed(app.teardown_request_funcs)),
        ),
        Registry(
            "teardown_appcontext",
            "last registered first",
            _names(reversed(app.teardown_appcontext_funcs)),
        ),
        Registry(
            "errorhandler",
            "by status code, then nearest exception class",
            # Codes in ascending order, then classes in registration order (a stable sort).
            [
                f"{_handler_key(key)}: {describe(handlers[key])}"
                for key in sorted(handlers, key=_code_first)
            ],
        ),
    ]


def _names(funcs: Any) -> list[str]:
    return [describe(f) for f in funcs]


def _code_first(key: ErrorHandlerKey) -> tuple[bool, int]:
    return (False, key) if isinstance(key, int) else (True, 0)


def _handler_key(key: ErrorHandlerKey) -> str:
    if isinstance(key, int):
        return str(key)
    return f"{key.__module__}.{key.__qualname__}"
