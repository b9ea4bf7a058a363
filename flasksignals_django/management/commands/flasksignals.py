"""``manage.py flasksignals``: the receivers of each signal and the hooks, in run order."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.management.base import BaseCommand
from django.urls import get_resolver

from flasksignals_django._blinker import sender_labels
from flasksignals_django.app import ErrorHandlerKey, current_app
from flasksignals_django.responses import describe
from flasksignals_django.signals import SIGNALS, OrderedSignal


class ReceiverInfo(NamedTuple):
    receiver: Callable[..., Any] | None
    """The receiver, or ``None`` for a weak receiver that was collected."""
    senders: list[str]
    """``ANY``, or the repr of each sender it is connected for."""
    weak: bool


def receiver_infos(signal: OrderedSignal) -> list[ReceiverInfo]:
    """The receivers of ``signal`` in connection order, with their sender filters."""
    infos = []
    for receiver_id, value in list(signal.receivers.items()):
        weak = isinstance(value, weakref.ref)
        receiver = value() if isinstance(value, weakref.ref) else value
        infos.append(ReceiverInfo(receiver, sender_labels(signal, receiver_id), weak))
    return infos


def _code_first(key: ErrorHandlerKey) -> tuple[bool, int]:
    return (False, key) if isinstance(key, int) else (True, 0)


def _handler_key(key: ErrorHandlerKey) -> str:
    if isinstance(key, int):
        return str(key)
    return f"{key.__module__}.{key.__qualname__}"


class Command(BaseCommand):
    help = (
        "List the receivers of each Flask signal (in the order they are called) "
        "and the request hooks (in the order they run)."
    )
    # A diagnostic: it must work while the project's checks fail.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        # Views modules, imported by the URLconf, often connect receivers and hooks.
        _ = get_resolver().url_patterns
        self._heading("Signals (receivers in the order they are called)")
        for signal in SIGNALS:
            self.stdout.write(signal.python_name)
            infos = receiver_infos(signal)
            if not infos:
                self.stdout.write("  (no receivers)")
            for info in infos:
                name = (
                    "<collected>" if info.receiver is None else describe(info.receiver)
                )
                kind = "weak" if info.weak else "strong"
                self.stdout.write(f"  {name}  sender={', '.join(info.senders)}  {kind}")
        self._heading("Hooks (in the order they run)")
        app = current_app
        self._registry("before_first_request", app.before_first_request_funcs)
        self._registry("before_request", app.before_request_funcs)
        self._registry(
            "after_request (last registered first)",
            list(reversed(app.after_request_funcs)),
        )
        self._registry(
            "teardown_request (last registered first)",
            list(reversed(app.teardown_request_funcs)),
        )
        self._registry(
            "teardown_appcontext (last registered first)",
            list(reversed(app.teardown_appcontext_funcs)),
        )
        self.stdout.write("errorhandler (by status code, then nearest exception class)")
        handlers = app.error_handlers
        if not handlers:
            self.stdout.write("  (none)")
        # Codes in ascending order, then classes in registration order (a stable sort).
        for key in sorted(handlers, key=_code_first):
            self.stdout.write(f"  {_handler_key(key)}: {describe(handlers[key])}")

    def _heading(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def _registry(self, title: str, funcs: list[Callable[..., Any]]) -> None:
        self.stdout.write(title)
        if not funcs:
            self.stdout.write("  (none)")
        for i, f in enumerate(funcs, 1):
            self.stdout.write(f"  {i}. {describe(f)}")
