"""The Flask shop: views and error handlers; ``audit.init_app`` adds the rest."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, flash, render_template

from . import audit


def create_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "example only"
    audit.init_app(app)

    @app.get("/")
    def index() -> str:
        flash("Welcome", "info")
        return render_template("shop/index.html", title="Home")

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, Any]:
        if item_id < 1:
            raise ValueError("item ids start at 1")
        return {"id": item_id}

    @app.get("/admin/stats")
    def stats() -> dict[str, Any]:
        return {"requests": current_app.extensions["audit"]["requests"]}

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    register_error_handlers(app)
    return app


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(error: Exception) -> Any:
        return {"error": "not found"}, 404

    @app.errorhandler(ValueError)
    def bad_value(error: ValueError) -> Any:
        return {"error": str(error)}, 400
