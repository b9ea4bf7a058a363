"""One thread-sensitive ``sync_to_async`` hop per request: the ASGI reference unit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import markcoroutinefunction, sync_to_async


def _nothing() -> None:
    return None


class OneHop:
    """An async-only middleware that moves one no-op call into Django's request thread."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Awaitable[Any]]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)  # type: ignore[type-var]

    async def __call__(self, request: Any) -> Any:
        await sync_to_async(_nothing)()
        return await self.get_response(request)
