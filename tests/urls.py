from __future__ import annotations

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.index),
    path("async/", views.async_index),
    path("boom/", views.boom),
    path("stream/", views.stream),
    path("core/", include("tests.urls_core")),
    path("t/", include("tests.views_templates")),
    path("parity/", include("tests.views_parity")),
    path("wz/", include("tests.views_werkzeug")),
]
