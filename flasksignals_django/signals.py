"""Flask's ten signals, in a blinker namespace that belongs to this package.

Every signal is sent with :data:`flasksignals_django.current_app` as the sender.
Receivers should accept ``**extra`` so that they keep working if a keyword
argument is added later::

    def on_finished(sender, response, **extra): ...

Receivers are called in the order they were connected.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Generator, Hashable
from typing import Any

from asgiref.sync import iscoroutinefunction
from blinker import Namespace

from ._blinker import ChangeAwareSignal, make_id, receiver_ids_for

Receiver = tuple[Callable[..., Any], bool]
"""A live receiver and whether it is a coroutine function."""
_Entry = tuple[
    Hashable, Any, bool, bool
]  # id, stored value, is weak, is a coroutine function


class OrderedSignal(ChangeAwareSignal):
    """A named signal whose receivers are called in the order they were connected.

    The ordered receivers of a sender are worked out once and kept until a
    receiver connects or disconnects, so a send does no set arithmetic and no
    coroutine-function check.
    """

    def __init__(self, name: str, doc: str | None = None) -> None:
        super().__init__(name, doc)
        self._ordered: dict[Hashable, tuple[list[_Entry], list[Receiver] | None]] = {}
        self._last: tuple[weakref.ref[Any], list[Receiver]] | None = None
        self.python_name = name.replace("-", "_")
        """The signal's name in Python (``request_started``), as docs and checks say it."""

    def changed(self) -> None:
        self._ordered = {}
        self._last = None

    def _entries(self, sender: Any) -> tuple[list[_Entry], list[Receiver] | None]:
        wanted = receiver_ids_for(self, sender)
        entries: list[_Entry] = []
        # ``receivers`` is a dict, so it keeps connection order; blinker's own
        # implementation walks a set of ids, whose order is arbitrary.
        for receiver_id, stored in list(self.receivers.items()):
            if receiver_id in wanted:
                weak = isinstance(stored, weakref.ref)
                target = stored() if weak else stored
                entries.append((receiver_id, stored, weak, iscoroutinefunction(target)))
        if any(weak for _, _, weak, _ in entries):
            return entries, None
        # Only strong receivers: the live list is the same on every send.
        return entries, [(stored, is_async) for _, stored, _, is_async in entries]

    def ordered_receivers(self, sender: Any) -> list[Receiver]:
        """The live receivers for ``sender`` in connection order, as ``(receiver, is_async)``.

        The list may be shared between sends: do not change it.
        """
        last = self._last
        if last is not None and last[0]() is sender:
            return last[1]  # the same sender as last time (the app), all strong
        if not self.receivers:
            return []
        sender_id = make_id(sender)
        ordered = self._ordered
        known = ordered.get(sender_id)
        if known is None:
            known = ordered[sender_id] = self._entries(sender)
        entries, strong = known
        if strong is not None:
            with contextlib.suppress(TypeError):  # a sender with no weak reference
                self._last = (weakref.ref(sender), strong)
            return strong
        live: list[Receiver] = []
        for receiver_id, stored, weak, is_async in entries:
            if weak:
                target = stored()
                if target is None:
                    self.forget(receiver_id)
                    continue
                live.append((target, is_async))
            else:
                live.append((stored, is_async))
        return live

    def receivers_for(self, sender: Any) -> Generator[Callable[..., Any], None, None]:
        for receiver, _ in self.ordered_receivers(sender):
            yield receiver


class OrderedNamespace(Namespace):
    """A blinker namespace that creates :class:`OrderedSignal` objects."""

    def signal(self, name: str, doc: str | None = None) -> OrderedSignal:
        signal = self.get(name)
        if signal is None:
            signal = self[name] = OrderedSignal(name, doc)
        assert isinstance(signal, OrderedSignal)
        return signal


namespace = OrderedNamespace()
"""The namespace of this package's signals (not blinker's default namespace)."""

appcontext_pushed = namespace.signal(
    "appcontext-pushed",
    "Sent when an app context is pushed (each request pushes its own). No kwargs.",
)
appcontext_popped = namespace.signal(
    "appcontext-popped",
    "Sent after an app context is popped, as its last step. No kwargs.",
)
appcontext_tearing_down = namespace.signal(
    "appcontext-tearing-down",
    "Sent after the teardown_appcontext functions ran. Kwargs: ``exc``.",
)
request_started = namespace.signal(
    "request-started",
    "Sent before the request's hooks and view run. No kwargs.",
)
request_finished = namespace.signal(
    "request-finished",
    "Sent with the final response, before its body is sent. Kwargs: ``response``.",
)
request_tearing_down = namespace.signal(
    "request-tearing-down",
    "Sent after the teardown_request functions ran, once the body is sent. Kwargs: ``exc``.",
)
got_request_exception = namespace.signal(
    "got-request-exception",
    "Sent when an exception is not handled by an error handler. Kwargs: ``exception``.",
)
before_render_template = namespace.signal(
    "before-render-template",
    "Sent before a template renders; changes to ``context`` show in the output. "
    "Kwargs: ``template``, ``context``.",
)
template_rendered = namespace.signal(
    "template-rendered",
    "Sent after a template rendered. Kwargs: ``template``, ``context``.",
)
message_flashed = namespace.signal(
    "message-flashed",
    "Sent when a message is stored for the next request. Kwargs: ``message``, ``category``.",
)

SIGNALS: tuple[OrderedSignal, ...] = (
    appcontext_pushed,
    request_started,
    before_render_template,
    template_rendered,
    message_flashed,
    got_request_exception,
    request_finished,
    request_tearing_down,
    appcontext_tearing_down,
    appcontext_popped,
)
"""Every signal of the namespace, in the order a request sends them."""
