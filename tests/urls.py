from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index),
    path("async/", views.async_index),
    path("boom/", views.boom),
    path("stream/", views.stream),
]
