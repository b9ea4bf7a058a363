"""``flash()``: Flask's way to add a message, on Django's messages framework."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.messages import constants
from django.contrib.messages.api import MessageFailure

from flasksignals_django._send_steps import send
from flasksignals_django.app import current_app
from flasksignals_django.globals import NO_REQUEST_MESSAGE, current_request_context
from flasksignals_django.signals import message_flashed

if TYPE_CHECKING:
    # Not at run time: on Django 4.2 it reads settings when imported, and this
    # module is imported with the package (by the pytest plugin, before settings).
    from django.contrib.messages.storage.base import BaseStorage

CATEGORY_LEVELS = {
    "message": constants.INFO,
    "info": constants.INFO,
    "success": constants.SUCCESS,
    "warning": constants.WARNING,
    "error": constants.ERROR,
    "debug": constants.DEBUG,
}

NO_STORAGE_MESSAGE = (
    "flash() needs Django's messages framework on this request: add "
    "'django.contrib.messages' to INSTALLED_APPS and "
    "'django.contrib.messages.middleware.MessageMiddleware' to MIDDLEWARE."
)


def accepts(storage: BaseStorage, level: int, message: Any) -> bool:
    """True if ``storage.add(level, message)`` queues the message (Django's own rule)."""
    return bool(message) and int(level) >= storage.level


def flash(message: str, category: str = "message") -> None:
    """Add ``message`` to the current request's messages and send ``message_flashed``.

    ``category`` maps to a Django level: ``message``/``info`` to INFO,
    ``success``, ``warning``, ``error`` and ``debug`` to theirs; any other
    category is INFO with the category as an extra tag. A message below
    ``MESSAGE_LEVEL`` is not stored and sends nothing. Outside a request it
    raises ``RuntimeError``; without ``MessageMiddleware``, ``MessageFailure``.
    """
    ctx = current_request_context()
    if ctx is None:
        raise RuntimeError(NO_REQUEST_MESSAGE)
    storage = getattr(ctx.request, "_messages", None)
    if storage is None:
        raise MessageFailure(NO_STORAGE_MESSAGE)
    level = CATEGORY_LEVELS.get(category, constants.INFO)
    extra_tags = "" if category in CATEGORY_LEVELS else category
    add_flashed = getattr(storage, "add_flashed", None)
    if add_flashed is not None:
        add_flashed(level, message, extra_tags, category)
        return
    # A storage that is not ours sends nothing itself (check W003 says so). Custom
    # storages subclass Django's BaseStorage, which queues by Django's own rule.
    accepted = accepts(storage, level, message)
    storage.add(level, message, extra_tags)
    if accepted:
        send(message_flashed, current_app, message=message, category=category)
