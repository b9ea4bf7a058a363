"""Audit, metrics and access control for the shop: receivers and hooks.

Written as a Flask extension's ``init_app``. The Django port in
``docs/examples/django_port/audit.py`` is this file with its import changed.
"""

from __future__ import annotations

from typing import Any

from flask import (
    current_app,
    g,
    got_request_exception,
    message_flashed,
    request,
    request_finished,
    request_started,
    template_rendered,
)

ADMIN_PREFIX = "/admin/"


def init_app(app: Any) -> dict[str, Any]:
    """Wire the receivers and hooks onto ``app``; returns the audit state."""
    app.config.setdefault("AUDIT_ADMIN_ROLE", "admin")
    state = app.extensions.setdefault("audit", {"events": [], "requests": 0})
    request_started.connect(on_started, app)
    template_rendered.connect(on_template, app)
    message_flashed.connect(on_flashed, app)
    got_request_exception.connect(on_exception, app)
    request_finished.connect(on_finished, app)
    app.before_request(count_request)
    app.before_request(require_admin)
    app.after_request(add_request_number)
    app.teardown_request(record_teardown)
    app.context_processor(site_values)
    return state  # type: ignore[no-any-return]


def record(*event: Any) -> None:
    current_app.extensions["audit"]["events"].append(event)


# -- audit: what happened, from the signals ------------------------------------


def on_started(sender: Any, **extra: Any) -> None:
    record("started", request.path)


def on_template(
    sender: Any, template: Any, context: dict[str, Any], **extra: Any
) -> None:
    record("template", template.name, context["site"], context["title"])


def on_flashed(sender: Any, message: str, category: str, **extra: Any) -> None:
    record("flashed", category, message)


def on_exception(sender: Any, exception: BaseException, **extra: Any) -> None:
    record("exception", type(exception).__name__, str(exception))


def on_finished(sender: Any, response: Any, **extra: Any) -> None:
    record("finished", request.method, request.path, response.status_code)


# -- metrics and access control: the hooks -------------------------------------


def count_request() -> None:
    state = current_app.extensions["audit"]
    state["requests"] += 1
    g.request_number = state["requests"]


def require_admin() -> Any:
    role = request.headers.get("X-Role")
    if (
        request.path.startswith(ADMIN_PREFIX)
        and role != current_app.config["AUDIT_ADMIN_ROLE"]
    ):
        record("denied", request.path, role)
        return {"error": "forbidden"}, 403
    return None


def add_request_number(response: Any) -> Any:
    response.headers["X-Request-Number"] = str(g.request_number)
    return response


def record_teardown(exc: BaseException | None) -> None:
    record("teardown", request.path, None if exc is None else type(exc).__name__)


def site_values() -> dict[str, Any]:
    return {"site": "Shop"}
