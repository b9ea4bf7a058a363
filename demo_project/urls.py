from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, path

from . import views

# /blocked/ has no route: a before_request function answers it before routing.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("template/", views.django_template, name="template"),
    path("jinja/", views.jinja_template, name="jinja"),
    path("flash/", views.flash_messages, name="flash"),
    path("stream/", views.stream, name="stream"),
    path("async/", views.async_view, name="async"),
    path("error/", views.raises, name="error"),
    path("error/custom/", views.raises_custom, name="error-custom"),
    path("events/", views.events, name="events"),
    path("timeline/<uuid:rid>/", views.timeline, name="timeline"),
]

if getattr(settings, "TOOLBAR", False):
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
