"""Our toolbar panel when the toolbar's store fails (flasksignals_django.contrib.debug_toolbar).

Kept apart from tests/test_contrib_debug_toolbar.py, whose toolbar settings
and fixtures it reuses.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

pytest.importorskip("debug_toolbar")

from django.test import override_settings  # noqa: E402

from .test_contrib_debug_toolbar import (  # noqa: E402, F401 (fixtures)
    TOOLBAR,
    _toolbar,
    _unpatch_after_module,
)


class Waiting(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.logged = threading.Event()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.logged.set()


async def test_a_teardown_update_the_store_refuses_is_logged(async_client):
    config = {
        **TOOLBAR["DEBUG_TOOLBAR_CONFIG"],
        "TOOLBAR_STORE_CLASS": "tests.toolbar_store.FailingDatabaseStore",
    }
    waiting = Waiting()
    logger = logging.getLogger("flasksignals_django")
    logger.addHandler(waiting)
    try:
        with override_settings(DEBUG_TOOLBAR_CONFIG=config):
            from .toolbar_store import FailingDatabaseStore as store

            store.reset()
            response = await async_client.get("/tb/broken-stream/")
            with pytest.raises(Exception, match="mid-stream"):
                async for _ in response.streaming_content:
                    pass
            # Teardown ran on the loop: the worker's failure is logged, not raised.
            assert await asyncio.to_thread(waiting.logged.wait, 10)
            store.reset()
    finally:
        logger.removeHandler(waiting)
    (record,) = waiting.records
    assert record.getMessage() == (
        "FlaskSignalsPanel could not store the teardown events"
    )
    assert isinstance(record.exc_info[1], OSError)
