from __future__ import annotations

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.index),
    path("async/", views.aindex),
    path("boom/", views.boom),
    path("async/boom/", views.aboom),
    path("marker/", views.marker),
    path("async/marker/", views.amarker),
    path("signals/", views.signals),
    path("async/signals/", views.asignals),
    path("stream/", views.stream),
    path("async/stream/", views.astream),
    path("file/", views.file),
    path("slow-stream/", views.slow_stream),
    path("async/slow-stream/", views.aslow_stream),
    path("async/slow/", views.aslow),
    path("broken-stream/", views.broken_stream),
    path("async/broken-stream/", views.abroken_stream),
    # The Flask parity scenarios (tests/parity_scenarios.py).
    path("core/", include("tests.urls_core")),
    path("parity/", include("tests.views_parity")),
    path("handled/", views.handled),
    path("async/handled/", views.ahandled),
    path("pid/", views.pid),
    path("held/", views.held),
    path("async/held/", views.aheld),
    path("held-stream/", views.held_stream),
    path("async/held-stream/", views.aheld_stream),
]
