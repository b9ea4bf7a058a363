"""The request log: one RequestLog row per request."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RequestLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "rid",
                    models.UUIDField(
                        editable=False, unique=True, verbose_name="request id"
                    ),
                ),
                ("method", models.CharField(max_length=10)),
                ("path", models.CharField(db_index=True, max_length=500)),
                ("status", models.PositiveSmallIntegerField(db_index=True, null=True)),
                (
                    "answered_by",
                    models.CharField(
                        blank=True, help_text="what made the response", max_length=300
                    ),
                ),
                (
                    "exc",
                    models.TextField(
                        blank=True, help_text="the exception teardown received"
                    ),
                ),
                ("started_at", models.DateTimeField()),
                ("duration_ms", models.FloatField(default=0.0)),
                (
                    "worker",
                    models.CharField(blank=True, help_text="host:pid", max_length=100),
                ),
                ("events", models.JSONField(blank=True, default=list)),
                (
                    "complete",
                    models.BooleanField(
                        default=False,
                        help_text="the timeline includes the last teardown step",
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
            },
        ),
    ]
