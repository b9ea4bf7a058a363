"""Flask's ten signals, in a blinker namespace that belongs to this package.

Every signal is sent with :data:`flasksignals_django.current_app` as the sender.
Receivers should accept ``**extra`` so that they keep working if a keyword
argument is added later::

    def on_finished(sender, response, **extra): ...

Receivers are called in the order they were connected.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Generator
from typing import Any

from blinker import NamedSignal, Namespace
from blinker._utilities import make_id
from blinker.base import ANY_ID


class OrderedSignal(NamedSignal):
    """A named signal whose receivers are called in the order they were connected."""

    def receivers_for(self, sender: Any) -> Generator[Callable[..., Any], None, None]:
        if not self.receivers:
            return
        by_sender = self._by_sender
        sender_id = make_id(sender)
        wanted = by_sender[ANY_ID]
        if sender_id in by_sender:
            wanted = wanted | by_sender[sender_id]
        # ``receivers`` is a dict, so it keeps connection order; blinker's own
        # implementation walks a set of ids, whose order is arbitrary.
        for receiver_id, receiver in list(self.receivers.items()):
            if receiver_id not in wanted:
                continue
            if isinstance(receiver, weakref.ref):
                strong = receiver()
                if strong is None:
                    self._disconnect(receiver_id, ANY_ID)
                    continue
                yield strong
            else:
                yield receiver


class OrderedNamespace(Namespace):
    """A blinker namespace that creates :class:`OrderedSignal` objects."""

    def signal(self, name: str, doc: str | None = None) -> NamedSignal:
        if name not in self:
            self[name] = OrderedSignal(name, doc)
        return self[name]


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

SIGNALS: tuple[NamedSignal, ...] = (
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
