"""Views and settings for the template and message tests."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path

from flasksignals_django import flash

HERE = Path(__file__).resolve().parent
PROCESSOR_CALLS: list[object] = []


def site_processor(request):
    PROCESSOR_CALLS.append(request)
    return {"site_name": "Example", "shared": "processor"}


def not_a_dict_processor(request):
    return 42


TEMPLATES = [
    {
        "BACKEND": "flasksignals_django.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tests.views_templates.site_processor",
            ]
        },
    },
    {
        "BACKEND": "flasksignals_django.backends.jinja2.Jinja2",
        "DIRS": [HERE / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"context_processors": ["tests.views_templates.site_processor"]},
    },
]

VIEW_CONTEXT = {"title": "Hello", "shared": "view"}


def page(req, using):
    return render(req, "fsd/page.html", dict(VIEW_CONTEXT), using=using)


def template_response(req, using):
    return TemplateResponse(req, "fsd/page.html", dict(VIEW_CONTEXT), using=using)


def child(req, using):
    return render(req, "fsd/child.html", dict(VIEW_CONTEXT), using=using)


async def async_page(req, using):
    return render(req, "fsd/page.html", dict(VIEW_CONTEXT), using=using)


async def async_template_response(req, using):
    return TemplateResponse(req, "fsd/page.html", dict(VIEW_CONTEXT), using=using)


def add_messages(req, how):
    """Add each ``?m=`` message (with ``?l=`` level or ``?c=`` category) the way ``how`` says."""
    texts = req.GET.getlist("m")
    for text in texts:
        if how == "flash":
            if "c" in req.GET:
                flash(text, req.GET["c"])
            else:
                flash(text)
        elif how == "add_message":
            messages.add_message(req, int(req.GET.get("l", messages.INFO)), text)
        else:
            getattr(messages, how)(req, text)
    return HttpResponse(f"added {len(texts)}")


async def async_flash(req):
    flash(req.GET["m"], req.GET.get("c", "message"))
    return HttpResponse("flashed")


def read_messages(req):
    return HttpResponse(
        "|".join(f"{m.level}:{m.tags}:{m.message}" for m in messages.get_messages(req))
    )


urlpatterns = [
    path("page/<str:using>/", page),
    path("response/<str:using>/", template_response),
    path("child/<str:using>/", child),
    path("async-page/<str:using>/", async_page),
    path("async-response/<str:using>/", async_template_response),
    path("messages/add/<str:how>/", add_messages),
    path("messages/async-flash/", async_flash),
    path("messages/read/", read_messages),
]
