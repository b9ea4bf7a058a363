"""Check W005: receivers connected weakly that are garbage collected at once.

A lambda or nested function connected with ``weak=True`` (blinker's default)
dies as soon as the connecting code returns, and is then never called. The
receivers connected while this module is loaded are remembered here (blinker
forgets dead ones), so the check can name them.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import Any

from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.urls import get_resolver

from ._blinker import make_id, make_ref
from .responses import describe
from .signals import SIGNALS, OrderedSignal

AppConfigs = Any


def import_urlconf() -> None:
    """Import the URLconf, and with it the views modules that register receivers and hooks.

    A broken URLconf is reported by Django's own checks, so its errors are ignored here.
    """
    with contextlib.suppress(Exception):
        _ = get_resolver().url_patterns


#
# blinker drops a dead weak receiver silently, often before any check runs, so
# the receivers are recorded when they connect. Only weak references are kept.

_Key = tuple[str, str]
_weak_locals: dict[_Key, weakref.ref[Any]] = {}


def _is_local(receiver: object) -> bool:
    qualname = getattr(receiver, "__qualname__", None)
    return isinstance(qualname, str) and (
        "<lambda>" in qualname or "<locals>" in qualname
    )


def _key(signal: OrderedSignal, receiver: Callable[..., Any]) -> _Key:
    code = getattr(receiver, "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return signal.python_name, describe(receiver) + where


def _remember_weak_local(
    signal: OrderedSignal, *, receiver: Callable[..., Any], weak: bool, **extra: Any
) -> None:
    if weak and _is_local(receiver):
        _weak_locals[_key(signal, receiver)] = make_ref(receiver)


def _forget_weak_local(
    signal: OrderedSignal, *, receiver: Callable[..., Any], **extra: Any
) -> None:
    if make_id(receiver) not in signal.receivers:
        _weak_locals.pop(_key(signal, receiver), None)


for _signal in SIGNALS:
    _signal.receiver_connected.connect(_remember_weak_local, weak=False)
    _signal.receiver_disconnected.connect(_forget_weak_local, weak=False)


def check_weak_receivers(
    app_configs: AppConfigs = None, **kwargs: Any
) -> list[CheckMessage]:
    """W005: a lambda or nested function connected weakly (collected at once, never called)."""
    import_urlconf()
    found = dict.fromkeys(_weak_locals)
    # Also those connected before this module was imported, while they live.
    for signal in SIGNALS:
        for ref in list(signal.receivers.values()):
            receiver = ref() if isinstance(ref, weakref.ref) else None
            if receiver is not None and _is_local(receiver):
                found[_key(signal, receiver)] = None
    return [
        CheckWarning(
            f"This receiver is connected weakly to {name}: a lambda or nested function "
            "is garbage collected as soon as nothing else refers to it, and is then "
            "never called.",
            hint="Connect it with weak=False (and disconnect it when done), or define "
            "the receiver at module level.",
            obj=receiver,
            id="flasksignals_django.W005",
        )
        for name, receiver in found
    ]


def remembered_receivers() -> list[weakref.ref[Any]]:
    """Weak references to the weakly connected local receivers seen so far."""
    return list(_weak_locals.values())


def forget_receivers() -> None:
    """Forget the receivers seen so far (W005 then finds only live ones)."""
    _weak_locals.clear()
