from __future__ import annotations

from flasksignals_django import current_app
from flasksignals_django.conf import conf


def test_app_name_defaults_to_the_settings_package(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    assert conf.APP_NAME == "tests"
    assert current_app.name == "tests"
    assert current_app.logger.name == "tests"


def test_app_name_without_a_settings_module(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    assert conf.APP_NAME == "django"


def test_app_name_setting_wins_and_follows_override_settings(settings):
    settings.FLASKSIGNALS_APP_NAME = "shop"
    assert conf.APP_NAME == "shop"
    assert current_app.name == "shop"
    assert current_app.logger.name == "shop"


def test_propagate_exceptions_follows_debug_by_default(settings):
    settings.DEBUG = False
    assert conf.PROPAGATE_EXCEPTIONS is False
    settings.DEBUG = True
    assert conf.PROPAGATE_EXCEPTIONS is True


def test_propagate_exceptions_none_means_debug(settings):
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = None
    settings.DEBUG = True
    assert conf.PROPAGATE_EXCEPTIONS is True


def test_propagate_exceptions_setting_wins_over_debug(settings):
    settings.DEBUG = True
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = False
    assert conf.PROPAGATE_EXCEPTIONS is False
    settings.DEBUG = False
    settings.FLASKSIGNALS_PROPAGATE_EXCEPTIONS = True
    assert conf.PROPAGATE_EXCEPTIONS is True
