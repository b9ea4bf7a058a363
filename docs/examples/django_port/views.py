"""The shop's views: Django views, the same behaviour as ``flask_app.shop``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from flasksignals_django import App, current_app, flash


def index(request: HttpRequest) -> HttpResponse:
    flash("Welcome", "info")
    return render(request, "shop/index.html", {"title": "Home"})


def item(request: HttpRequest, item_id: int) -> JsonResponse:
    if item_id < 1:
        raise ValueError("item ids start at 1")
    return JsonResponse({"id": item_id})


def stats(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"requests": current_app.extensions["audit"]["requests"]})


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def register_error_handlers(app: App) -> None:
    """The same handlers as Flask's, on ``current_app``."""

    @app.errorhandler(404)
    def not_found(error: Exception) -> Any:
        return {"error": "not found"}, 404

    @app.errorhandler(ValueError)
    def bad_value(error: ValueError) -> Any:
        return {"error": str(error)}, 400
