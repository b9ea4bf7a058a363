from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index),
    path("items/<int:item_id>", views.item),
    path("admin/stats", views.stats),
    path("boom", views.boom),
]
