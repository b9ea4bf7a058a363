from __future__ import annotations

from django.urls import path

from . import views

# /blocked/ has no route: a before_request function answers it before routing.
urlpatterns = [
    path("", views.home, name="home"),
    path("template/", views.django_template, name="template"),
    path("jinja/", views.jinja_template, name="jinja"),
    path("flash/", views.flash_messages, name="flash"),
    path("stream/", views.stream, name="stream"),
    path("async/", views.async_view, name="async"),
    path("error/", views.raises, name="error"),
    path("error/custom/", views.raises_custom, name="error-custom"),
    path("events/", views.events, name="events"),
]
