"""How messages name a signal: by the name users import, not blinker's key."""

from __future__ import annotations

from blinker import NamedSignal


def python_name(signal: NamedSignal) -> str:
    """``request_started`` for the signal whose blinker key is ``"request-started"``."""
    return signal.name.replace("-", "_")
