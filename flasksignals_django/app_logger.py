"""``current_app.logger``, set up as Flask's ``create_logger`` does it."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"
"""Flask's default log format."""


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


default_handler = _StderrHandler()
"""Added to the app's logger when no handler would take its records, as in Flask."""
default_handler.setFormatter(logging.Formatter(FORMAT))

_levelled: set[str] = set()
"""Loggers whose level this module set to DEBUG (and may unset again)."""


def has_level_handler(logger: logging.Logger) -> bool:
    """True when a handler on ``logger`` or its propagation chain takes its level's records."""
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


def app_logger(name: str, debug: bool) -> logging.Logger:
    """``logging.getLogger(name)`` with Flask's defaults; a ``LOGGING`` configuration wins.

    Level ``DEBUG`` while ``debug`` and the logger's own level is unset (a level
    set by ``LOGGING`` or the user is left alone), and Flask's stderr handler
    when no handler would take the logger's records.
    """
    logger = logging.getLogger(name)
    if debug:
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG)
            _levelled.add(name)
    elif name in _levelled:
        # Set here while DEBUG was on (override_settings, tests): undo it.
        _levelled.discard(name)
        if logger.level == logging.DEBUG:
            logger.setLevel(logging.NOTSET)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
