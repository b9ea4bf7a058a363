"""The request log: one row per request, written through the ORM at teardown.

``wiring.log_request`` (a ``teardown_request`` function) inserts the row;
``timeline.RequestLogTap.on_finish`` completes its timeline once the last
teardown step ran. Rows live in the project's database, so every worker of
gunicorn or uvicorn writes to the same log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class RequestLog(models.Model):
    """One request: what came in, what answered, and its timeline of events."""

    rid = models.UUIDField("request id", unique=True, editable=False)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, db_index=True)
    answered_by = models.CharField(
        max_length=300, blank=True, help_text="what made the response"
    )
    exc = models.TextField(blank=True, help_text="the exception teardown received")
    started_at = models.DateTimeField()
    duration_ms = models.FloatField(default=0.0)
    worker = models.CharField(max_length=100, blank=True, help_text="host:pid")
    events = models.JSONField(default=list, blank=True)
    complete = models.BooleanField(
        default=False, help_text="the timeline includes the last teardown step"
    )

    objects: ClassVar[models.Manager[RequestLog]] = models.Manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"

    @property
    def dom_id(self) -> str:
        """The id of this row's JSON on the request log page."""
        return f"tl-{self.rid}"

    def as_json(self) -> dict[str, Any]:
        """What the pages' timeline script draws."""
        return {
            "rid": str(self.rid),
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "answered_by": self.answered_by,
            "exc": self.exc,
            "started_at": self.started_at.isoformat(),
            "duration_ms": self.duration_ms,
            "worker": self.worker,
            "complete": self.complete,
            "events": self.events,
        }
