"""Integrations with other tools, each behind an extra: ``[toolbar]``, ``[otel]``."""
