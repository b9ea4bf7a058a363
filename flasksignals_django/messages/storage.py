"""Django's message storages, sending ``message_flashed`` for every message they queue.

Set ``MESSAGE_STORAGE = "flasksignals_django.messages.storage.FallbackStorage"``
(or ``SessionStorage``, ``CookieStorage``). Every message the storage accepts
sends ``message_flashed`` once, however it was added: ``messages.info(...)``,
``messages.add_message(...)`` or :func:`flasksignals_django.flash`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage import cookie, fallback, session
from django.contrib.messages.storage.base import BaseStorage, Message

from flasksignals_django._send_steps import send
from flasksignals_django.app import current_app
from flasksignals_django.messages.api import accepts
from flasksignals_django.signals import message_flashed


class SignalingStorageMixin(BaseStorage):
    """Sends ``message_flashed(message=..., category=...)`` when ``add()`` queues a message.

    ``category`` is the one :func:`~flasksignals_django.flash` was given, else the
    message's ``level_tag``. A message that is empty or below ``MESSAGE_LEVEL`` is
    not queued and sends nothing. The signal is sent at queue time: a later
    failure to store the message (cookie overflow) does not unsend it.
    """

    _flash_category: str | None = None

    def add(self, level: int, message: Any, extra_tags: str | None = "") -> None:
        category, self._flash_category = self._flash_category, None
        accepted = accepts(self, level, message)
        super().add(level, message, extra_tags)
        if accepted:
            if category is None:
                category = Message(int(level), message).level_tag
            send(message_flashed, current_app, message=message, category=category)

    def add_flashed(
        self, level: int, message: Any, extra_tags: str, category: str
    ) -> None:
        """``add()`` for :func:`~flasksignals_django.flash`: sends ``category`` as given."""
        self._flash_category = category
        try:
            self.add(level, message, extra_tags)
        finally:
            self._flash_category = None


class CookieStorage(SignalingStorageMixin, cookie.CookieStorage):
    """Django's ``CookieStorage`` that sends ``message_flashed``."""


class SessionStorage(SignalingStorageMixin, session.SessionStorage):
    """Django's ``SessionStorage`` that sends ``message_flashed``."""


class FallbackStorage(SignalingStorageMixin, fallback.FallbackStorage):
    """Django's ``FallbackStorage`` (cookie, then session) that sends ``message_flashed``."""
