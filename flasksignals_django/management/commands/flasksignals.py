"""``manage.py flasksignals``: the receivers of each signal and the hooks, in run order."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.urls import get_resolver

from flasksignals_django.inventory import (
    hook_registries,
    receiver_infos,
    signal_receivers,
)

__all__ = ["Command", "receiver_infos"]


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
        for signal, infos in signal_receivers():
            self.stdout.write(signal.python_name)
            if not infos:
                self.stdout.write("  (no receivers)")
            for info in infos:
                kind = "weak" if info.weak else "strong"
                senders = ", ".join(info.senders)
                self.stdout.write(f"  {info.name}  sender={senders}  {kind}")
        self._heading("Hooks (in the order they run)")
        for registry in hook_registries():
            self.stdout.write(registry.title)
            if not registry.entries:
                self.stdout.write("  (none)")
            is_errorhandler = registry.name == "errorhandler"
            for i, entry in enumerate(registry.entries, 1):
                self.stdout.write(
                    f"  {entry}" if is_errorhandler else f"  {i}. {entry}"
                )

    def _heading(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(text))
