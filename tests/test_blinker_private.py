"""Pins what ``flasksignals_django._blinker`` relies on in blinker's private structures.

If a blinker release changes any of it, this module fails first: adapt
``_blinker.py`` (the one place that touches them) and the version bound in
``pyproject.toml``.
"""

from __future__ import annotations

import gc
import inspect
import weakref

import blinker
from blinker import NamedSignal
from blinker._utilities import make_id, make_ref
from blinker.base import ANY, ANY_ID

from flasksignals_django import _blinker
from flasksignals_django.signals import OrderedSignal


def test_private_methods_exist_with_the_signatures_overridden():
    assert list(inspect.signature(NamedSignal._disconnect).parameters) == [
        "self",
        "receiver_id",
        "sender_id",
    ]
    assert list(inspect.signature(NamedSignal._clear_state).parameters) == ["self"]
    assert list(inspect.signature(NamedSignal._make_cleanup_sender).parameters) == [
        "self",
        "sender_id",
    ]


def test_private_indexes_have_the_shape_read():
    signal = NamedSignal("pin")

    def receiver(sender):
        return None

    sender = type("Sender", (), {})()
    signal.connect(receiver, sender=sender)
    rid, sid = make_id(receiver), make_id(sender)
    assert signal._by_sender[sid] == {rid}
    assert signal._by_receiver[rid] == {sid}
    assert signal._weak_senders[sid]() is sender
    assert isinstance(signal.receivers[rid], weakref.ref)
    signal.connect(receiver)
    assert ANY_ID in signal._by_receiver[rid] and rid in signal._by_sender[ANY_ID]
    assert ANY is blinker.ANY
    assert make_ref(receiver)() is receiver


class Counting(_blinker.ChangeAwareSignal):
    def __init__(self, name):
        super().__init__(name)
        self.changes = 0

    def changed(self):
        self.changes += 1


def test_every_change_goes_through_the_overridden_methods():
    signal = Counting("pin-changes")

    def receiver(sender):
        return None

    sender = type("Sender", (), {})()
    signal.connect(receiver, sender=sender)
    assert signal.changes == 1
    signal.disconnect(receiver, sender=sender)  # sender-specific: _disconnect
    assert signal.changes == 2
    signal.connect(receiver)
    signal.disconnect(receiver)
    assert signal.changes == 4
    signal.connect(receiver, sender=sender)
    del sender
    gc.collect()  # the sender's cleanup callback
    assert signal.changes == 6
    signal.connect(receiver)
    before = signal.changes
    del receiver
    gc.collect()  # blinker's own cleanup of a dead weak receiver
    assert signal.changes > before
    before = signal.changes
    signal._clear_state()  # blinker's "useful for tests" reset
    assert signal.changes == before + 1
    assert not signal.receivers


def test_reset_clears_any_named_signal():
    signal, counting = NamedSignal("pin-reset"), Counting("pin-reset-counting")

    def receiver(sender):
        return None

    for each in (signal, counting):
        each.connect(receiver)
        _blinker.reset(each)
        assert not each.receivers
        assert not each._by_sender
        assert not each._by_receiver
    assert counting.changes == 2  # the connect and the reset


def test_receiver_ids_for_and_sender_labels():
    signal = OrderedSignal("pin-ids")

    def a(sender):
        return None

    def b(sender):
        return None

    sender = type("Sender", (), {"__repr__": lambda self: "<S>"})()
    signal.connect(a)
    signal.connect(b, sender=sender)
    assert _blinker.receiver_ids_for(signal, sender) == {make_id(a), make_id(b)}
    assert _blinker.receiver_ids_for(signal, object()) == {make_id(a)}
    assert _blinker.sender_labels(signal, make_id(a)) == ["ANY"]
    assert _blinker.sender_labels(signal, make_id(b)) == ["<S>"]
    signal.connect(b, sender="text")
    assert _blinker.sender_labels(signal, make_id(b))[0].startswith("<")
    _blinker.reset(signal)
    assert not signal.receivers and not signal._by_sender and not signal._by_receiver


def test_a_dead_weak_receiver_found_before_blinker_cleans_up_is_forgotten():
    signal = OrderedSignal("pin-dead")
    calls = []

    def first(sender):
        calls.append("first")

    def dying(sender):
        calls.append("dying")

    signal.connect(first)
    signal.connect(dying)
    key = make_id(dying)
    ref = signal.receivers[key]
    del dying
    gc.collect()
    assert ref() is None
    # Put the dead reference back, as if blinker's cleanup had not run yet.
    signal.receivers[key] = ref
    signal._by_sender[ANY_ID].add(key)
    signal._by_receiver[key].add(ANY_ID)
    signal.changed()
    assert [r for r, _ in signal.ordered_receivers(None)] == [first]
    assert key not in signal.receivers
