"""A django-debug-toolbar DatabaseStore kept in memory, which notes the thread it ran on.

Imported by the toolbar (TOOLBAR_STORE_CLASS) only while debug_toolbar is installed.
"""

from __future__ import annotations

import asyncio
import threading

from debug_toolbar.store import DatabaseStore, deserialize, serialize


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class InMemoryDatabaseStore(DatabaseStore):
    panels_by_request: dict[str, dict[str, str]] = {}
    saved_on_loop: list[bool] = []
    teardown_saved = threading.Event()

    @classmethod
    def reset(cls):
        cls.panels_by_request.clear()
        cls.saved_on_loop.clear()
        cls.teardown_saved.clear()

    @classmethod
    def request_ids(cls):
        return list(cls.panels_by_request)

    @classmethod
    def exists(cls, request_id):
        return request_id in cls.panels_by_request

    @classmethod
    def set(cls, request_id):
        cls.panels_by_request.setdefault(request_id, {})

    @classmethod
    def clear(cls):
        cls.panels_by_request.clear()

    @classmethod
    def delete(cls, request_id):
        cls.panels_by_request.pop(request_id, None)

    @classmethod
    def save_panel(cls, request_id, panel_id, data=None):
        cls.saved_on_loop.append(_on_event_loop())
        cls.set(request_id)
        cls.panels_by_request[request_id][panel_id] = serialize(data)
        if panel_id == "FlaskSignalsPanel" and data.get("finished"):
            cls.teardown_saved.set()

    @classmethod
    def panel(cls, request_id, panel_id):
        data = cls.panels_by_request.get(request_id, {}).get(panel_id)
        return {} if data is None else deserialize(data)

    @classmethod
    def panels(cls, request_id):
        for panel_id, data in cls.panels_by_request.get(request_id, {}).items():
            yield panel_id, deserialize(data)


class FailingDatabaseStore(InMemoryDatabaseStore):
    """Refuses to store the panel's teardown update (a database gone away)."""

    @classmethod
    def save_panel(cls, request_id, panel_id, data=None):
        if panel_id == "FlaskSignalsPanel" and data.get("finished"):
            raise OSError("the store is gone")
        super().save_panel(request_id, panel_id, data)
