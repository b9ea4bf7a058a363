from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    SuspiciousOperation,
)
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.test import override_settings

import flasksignals_django
from flasksignals_django import App, InternalServerError, current_app
from flasksignals_django.ctx import AppContext


def f(*args):
    pass


def g(*args):
    pass


def test_current_app_is_an_app():
    assert isinstance(current_app, App)
    assert flasksignals_django.App is App
    assert repr(current_app) == "<App 'tests'>"


def test_name_from_the_settings_module():
    assert current_app.name == "tests"


@override_settings(FLASKSIGNALS_APP_NAME="shop")
def test_name_from_the_setting():
    assert current_app.name == "shop"
    assert current_app.logger is logging.getLogger("shop")


def test_name_given():
    assert App("given").name == "given"


def test_name_without_settings_module(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    assert App().name == "django"


def test_logger():
    assert current_app.logger is logging.getLogger("tests")


def test_debug(settings):
    settings.DEBUG = True
    assert current_app.debug is True
    settings.DEBUG = False
    assert current_app.debug is False


def test_config_reads_settings():
    config = current_app.config
    assert config["SECRET_KEY"] == "tests-only"
    assert config.SECRET_KEY == "tests-only"
    assert config.get("SECRET_KEY") == "tests-only"
    assert config.get("NOT_A_SETTING", "default") == "default"
    assert "SECRET_KEY" in config
    assert "NOT_A_SETTING" not in config
    assert 42 not in config
    assert "<Config" in repr(config)


def test_config_follows_override_settings():
    with override_settings(DEBUG=True, EXTRA_SETTING=[1, 2]):
        assert current_app.config["DEBUG"] is True
        assert current_app.config.EXTRA_SETTING == [1, 2]
        assert "EXTRA_SETTING" in current_app.config
        assert "EXTRA_SETTING" in list(current_app.config)
    assert current_app.config["DEBUG"] is False
    assert "EXTRA_SETTING" not in current_app.config


def test_config_missing_keys():
    with pytest.raises(KeyError):
        current_app.config["NOT_A_SETTING"]
    with pytest.raises(AttributeError):
        current_app.config.NOT_A_SETTING  # noqa: B018


def test_config_iterates_setting_names():
    names = list(current_app.config)
    assert "SECRET_KEY" in names
    assert all(name.isupper() for name in names)
    assert len(current_app.config) == len(names)
    # Only the names: reading every value would touch settings that Django 4.2
    # deprecates (USE_L10N, ...) and warns about.
    assert "ROOT_URLCONF" in list(current_app.config)


def test_config_is_read_only():
    with pytest.raises(TypeError, match="read-only"):
        current_app.config.DEBUG = True
    with pytest.raises(TypeError):
        current_app.config["DEBUG"] = True


@pytest.mark.parametrize(
    "registry",
    [
        "before_first_request",
        "before_request",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
    ],
)
def test_decorators_return_f_and_keep_registration_order(registry):
    current_app.reset_first_request(False)
    decorator = getattr(current_app, registry)
    assert decorator(f) is f
    assert decorator(g) is g
    assert getattr(current_app, f"{registry}_funcs") == [f, g]


@pytest.mark.parametrize(
    "registry",
    [
        "before_first_request",
        "before_request",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
    ],
)
def test_decorators_reject_non_callables(registry):
    with pytest.raises(TypeError, match=registry):
        getattr(current_app, registry)("not callable")
    assert getattr(current_app, f"{registry}_funcs") == []


def test_before_first_request_registered_late_warns():
    current_app.reset_first_request(True)
    with pytest.warns(RuntimeWarning, match="never be called"):
        assert current_app.before_first_request(f) is f
    assert current_app.before_first_request_funcs == [f]


@pytest.mark.parametrize("key", [400, 403, 404, 500, ValueError, Exception])
def test_errorhandler_accepts(key):
    assert current_app.errorhandler(key)(f) is f
    assert current_app.error_handlers == {key: f}


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (Http404, 404),
        (PermissionDenied, 403),
        (BadRequest, 400),
        (SuspiciousOperation, 400),
        (InternalServerError, 500),
    ],
)
def test_errorhandler_code_and_its_base_class_are_one_key(cls, code):
    current_app.errorhandler(cls)(f)
    assert current_app.error_handlers == {code: f}
    current_app.errorhandler(code)(g)
    assert current_app.error_handlers == {code: g}


def test_errorhandler_subclass_of_a_coded_class_keeps_its_own_key():
    class Gone(Http404):
        pass

    current_app.errorhandler(Gone)(f)
    current_app.errorhandler(DisallowedHost)(g)
    assert current_app.error_handlers == {Gone: f, DisallowedHost: g}


def test_register_error_handler():
    assert current_app.register_error_handler(404, f) is f
    assert current_app.error_handlers == {404: f}


@pytest.mark.parametrize(
    "key", [200, 401, 405, 502, True, "404", None, object, KeyboardInterrupt]
)
def test_errorhandler_rejects(key):
    with pytest.raises(ValueError, match="errorhandler"):
        current_app.errorhandler(key)
    assert current_app.error_handlers == {}


def test_errorhandler_rejects_an_exception_instance():
    with pytest.raises(TypeError, match="instance, not a class"):
        current_app.errorhandler(ValueError())
    with pytest.raises(TypeError, match="instance, not a class"):
        current_app.register_error_handler(Http404(), f)
    assert current_app.error_handlers == {}


def test_errorhandler_rejects_non_callable():
    with pytest.raises(TypeError, match="errorhandler"):
        current_app.errorhandler(404)("not callable")
    assert current_app.error_handlers == {}


def test_errorhandler_replaces_earlier_handler():
    current_app.errorhandler(404)(f)
    current_app.errorhandler(404)(g)
    assert current_app.error_handlers == {404: g}


def test_find_error_handler_without_handlers():
    assert current_app.find_error_handler(Http404()) is None


def test_find_error_handler_last_registration_for_a_key_answers():
    current_app.errorhandler(Http404)(f)
    current_app.errorhandler(404)(g)
    assert current_app.find_error_handler(Http404()) is g
    current_app.errorhandler(Http404)(f)
    assert current_app.find_error_handler(Http404()) is f


def test_find_error_handler_subclass_beats_code_beats_exception():
    class NotYours(PermissionDenied):
        pass

    class NotYoursEither(NotYours):
        pass

    h = lambda error: "h"  # noqa: E731
    current_app.errorhandler(Exception)(h)
    assert current_app.find_error_handler(NotYoursEither()) is h
    current_app.errorhandler(403)(g)
    assert current_app.find_error_handler(NotYoursEither()) is g
    current_app.errorhandler(NotYours)(f)
    assert current_app.find_error_handler(NotYoursEither()) is f
    assert current_app.find_error_handler(PermissionDenied()) is g


def test_find_error_handler_coded_classes_before_uncoded_mixins():
    class Mixin(Exception):
        pass

    class Both(Mixin, Http404):
        pass

    current_app.errorhandler(Mixin)(f)
    assert current_app.find_error_handler(Both()) is f
    current_app.errorhandler(404)(g)
    # Flask searches the exception's code first, even past a nearer mixin.
    assert current_app.find_error_handler(Both()) is g


def test_find_error_handler_400_covers_bad_request_and_suspicious_operation():
    current_app.errorhandler(SuspiciousOperation)(f)
    assert current_app.find_error_handler(BadRequest()) is f
    assert current_app.find_error_handler(DisallowedHost()) is f
    current_app.errorhandler(DisallowedHost)(g)
    assert current_app.find_error_handler(DisallowedHost()) is g
    assert current_app.find_error_handler(SuspiciousOperation()) is f


def test_find_error_handler_raised_internal_server_error_finds_500():
    current_app.errorhandler(500)(f)
    assert current_app.find_error_handler(InternalServerError()) is f


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (Http404(), 404),
        (PermissionDenied(), 403),
        (BadRequest(), 400),
        (SuspiciousOperation(), 400),
        (DisallowedHost(), 400),
        (MultiPartParserError(), 400),
    ],
)
def test_find_error_handler_by_code(exc, code):
    for other in {400, 403, 404} - {code}:
        current_app.errorhandler(other)(f)
    current_app.errorhandler(code)(g)
    assert current_app.find_error_handler(exc) is g


def test_find_error_handler_nearest_class_in_mro():
    class Base(Exception):
        pass

    class Middle(Base):
        pass

    class Leaf(Middle):
        pass

    current_app.errorhandler(Exception)(f)
    current_app.errorhandler(Base)(g)
    assert current_app.find_error_handler(Leaf()) is g
    current_app.errorhandler(Middle)(f)
    assert current_app.find_error_handler(Leaf()) is f
    assert current_app.find_error_handler(KeyError()) is f


def test_find_error_handler_falls_back_to_class_for_http_errors():
    current_app.errorhandler(403)(f)
    current_app.errorhandler(Exception)(g)
    assert current_app.find_error_handler(Http404()) is g


def test_find_error_handler_no_match():
    current_app.errorhandler(404)(f)
    current_app.errorhandler(LookupError)(f)
    assert current_app.find_error_handler(ValueError()) is None
    assert current_app.find_error_handler(PermissionDenied()) is None


def test_find_error_handler_ignores_500_code_for_ordinary_exceptions():
    current_app.errorhandler(500)(f)
    assert current_app.find_error_handler(ValueError()) is None


def test_app_context():
    ctx = current_app.app_context()
    assert isinstance(ctx, AppContext)
    assert ctx is not current_app.app_context()


# -- the surface Flask extensions use ------------------------------------------


def test_get_current_object_is_the_app_itself():
    assert current_app._get_current_object() is current_app
    app = App("other")
    assert app._get_current_object() is app


def test_extensions_is_a_dict_restored_by_isolated_hooks():
    from flasksignals_django.testing import isolated_hooks

    assert current_app.extensions == {}
    current_app.extensions["kept"] = "state"
    extensions = current_app.extensions
    with isolated_hooks():
        current_app.extensions["sqlalchemy"] = object()
        del current_app.extensions["kept"]
    assert current_app.extensions is extensions
    assert current_app.extensions == {"kept": "state"}


def test_context_processor_returns_f_and_keeps_order():
    def first():
        return {}

    def second():
        return {}

    assert current_app.context_processor(first) is first
    assert current_app.context_processor(second) is second
    assert current_app.template_context_processors == [first, second]
    with pytest.raises(TypeError, match="context_processor"):
        current_app.context_processor("not callable")


def test_isolated_hooks_restores_context_processors():
    from flasksignals_django.testing import isolated_hooks

    current_app.context_processor(f)
    with isolated_hooks():
        current_app.context_processor(g)
        assert current_app.template_context_processors == [f, g]
    assert current_app.template_context_processors == [f]


def test_testing_is_true_under_pytest_django():
    assert current_app.testing is True


@override_settings(TESTING=False)
def test_testing_follows_a_testing_setting():
    assert current_app.testing is False
    with pytest.raises(TypeError, match="TESTING"):
        current_app.testing = True


def test_testing_can_be_set_as_in_flask():
    current_app.testing = False
    assert current_app.config["TESTING"] is False
    assert current_app.testing is False


TESTING_OUTSIDE_TESTS = """
import django
django.setup()
from django.test.runner import DiscoverRunner
from flasksignals_django import current_app
seen = [current_app.testing]
runner = DiscoverRunner(verbosity=0)
runner.setup_test_environment()
seen.append(current_app.testing)
runner.teardown_test_environment()
seen.append(current_app.testing)
print(seen)
"""


def test_testing_follows_djangos_test_environment():
    done = subprocess.run(
        [sys.executable, "-c", TESTING_OUTSIDE_TESTS],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[False, True, False]"


def test_current_app_config_name_debug_logger(settings):
    settings.FLASKSIGNALS_TEST_VALUE = "v"
    config = current_app.config
    assert config["FLASKSIGNALS_TEST_VALUE"] == "v"
    assert config.FLASKSIGNALS_TEST_VALUE == "v"
    assert config.get("NOT_A_SETTING_AT_ALL", 3) == 3
    with pytest.raises(KeyError):
        config["NOT_A_SETTING_AT_ALL"]
    with pytest.raises(TypeError, match="read-only"):
        config.DEBUG = True
    assert "DEBUG" in config and 1 not in config
    assert "FLASKSIGNALS_TEST_VALUE" in list(config)
    assert len(config) == len(list(config))
    assert "read-only" in repr(config)
    settings.DEBUG = True
    assert current_app.debug is True
    settings.FLASKSIGNALS_APP_NAME = "named"
    assert current_app.name == "named"
    assert current_app.logger.name == "named"
    assert repr(current_app) == "<App 'named'>"
