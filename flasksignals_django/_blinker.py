"""Everything this package needs from blinker's private structures, in one place.

blinker keeps no order among a signal's receivers and offers no hook for
"the receivers changed". :class:`ChangeAwareSignal` adds that hook by
overriding the private methods every change goes through, and
:func:`receiver_ids_for` reads the private per-sender index. The test
``tests/test_blinker_private.py`` fails when a blinker release changes any of
them; ``pyproject.toml`` bounds blinker to the releases it was run on.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

from blinker import NamedSignal
from blinker._utilities import make_id, make_ref
from blinker.base import ANY, ANY_ID

__all__ = [
    "ANY",
    "ChangeAwareSignal",
    "make_id",
    "make_ref",
    "receiver_ids_for",
    "reset",
    "sender_labels",
]


class ChangeAwareSignal(NamedSignal):
    """A named signal that calls :meth:`changed` after every connect and disconnect.

    That includes the disconnects blinker makes itself when a weakly referenced
    receiver or sender is collected.
    """

    def changed(self) -> None:
        """Called after the receivers changed; subclasses drop what they cached."""

    def connect(self, receiver: Any, sender: Any = ANY, weak: bool = True) -> Any:
        try:
            return super().connect(receiver, sender, weak)
        finally:
            self.changed()

    def _disconnect(self, receiver_id: Hashable, sender_id: Hashable) -> None:
        super()._disconnect(receiver_id, sender_id)
        self.changed()

    def _clear_state(self) -> None:
        super()._clear_state()
        self.changed()

    def _make_cleanup_sender(
        self, sender_id: Hashable
    ) -> Callable[[weakref.ref[Any]], None]:
        cleanup = super()._make_cleanup_sender(sender_id)

        def cleanup_and_tell(ref: weakref.ref[Any]) -> None:
            cleanup(ref)
            self.changed()

        return cleanup_and_tell

    def forget(self, receiver_id: Hashable) -> None:
        """Disconnect a receiver by id (one whose weak reference died)."""
        self._disconnect(receiver_id, ANY_ID)


def receiver_ids_for(signal: NamedSignal, sender: Any) -> set[Hashable]:
    """The ids of the receivers connected for ``sender`` or for any sender."""
    by_sender = signal._by_sender
    wanted = by_sender.get(ANY_ID, set())
    sender_id = make_id(sender)
    if sender_id in by_sender:
        wanted = wanted | by_sender[sender_id]
    return wanted


def reset(signal: NamedSignal) -> None:
    """Disconnect every receiver of ``signal`` at once (for test isolation)."""
    signal.receivers.clear()
    signal._by_sender.clear()
    signal._by_receiver.clear()
    if isinstance(signal, ChangeAwareSignal):
        signal.changed()


def sender_labels(signal: NamedSignal, receiver_id: Hashable) -> list[str]:
    """``"ANY"``, or the repr of each sender a receiver is connected for, sorted.

    blinker offers no public way to list a receiver's sender filters.
    """
    labels = []
    for sender_id in signal._by_receiver.get(receiver_id, ()):
        ref = signal._weak_senders.get(sender_id)
        sender = ref() if ref is not None else None
        if sender_id == ANY_ID:
            labels.append("ANY")
        elif sender is not None:
            labels.append(repr(sender))
        else:
            # A sender that cannot be weakly referenced: blinker keeps its
            # value (str, int) or only its id.
            labels.append(f"<sender {sender_id!r}>")
    return sorted(labels)
