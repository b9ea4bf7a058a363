"""current_app.config: Django's settings first, then the app's own layer."""

from __future__ import annotations

import pytest
from django.conf import global_settings
from django.test import override_settings

from flasksignals_django import App, current_app
from flasksignals_django.app import Config
from flasksignals_django.config import Config as ConfigFromItsModule
from flasksignals_django.testing import isolated_hooks


def test_config_class_is_importable_from_app():
    assert Config is ConfigFromItsModule
    assert isinstance(current_app.config, Config)


def test_item_assignment_writes_the_own_layer():
    config = current_app.config
    config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert config.SQLALCHEMY_DATABASE_URI == "sqlite://"
    assert config.get("SQLALCHEMY_DATABASE_URI") == "sqlite://"
    assert "SQLALCHEMY_DATABASE_URI" in config
    assert "SQLALCHEMY_DATABASE_URI" in list(config)
    del config["SQLALCHEMY_DATABASE_URI"]
    assert "SQLALCHEMY_DATABASE_URI" not in config
    with pytest.raises(KeyError):
        del config["SQLALCHEMY_DATABASE_URI"]


def test_lower_case_keys_are_own_values_too():
    current_app.config["extension_state"] = 1
    assert current_app.config["extension_state"] == 1
    # LazySettings' own methods are not settings.
    assert "configure" not in current_app.config
    with pytest.raises(KeyError):
        current_app.config["configure"]


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",  # the settings module's
        "DEFAULT_CHARSET",  # only a default, from global_settings
        "FLASKSIGNALS_TEST_ONLY",  # added by override_settings
    ],
)
@override_settings(FLASKSIGNALS_TEST_ONLY=1)
def test_writing_a_django_setting_raises_type_error_naming_it(name):
    config = current_app.config
    before = config[name]
    for write in (
        lambda: config.__setitem__(name, "x"),
        lambda: config.update({name: "x"}),
        lambda: config.update(**{name: "x"}),
        lambda: config.from_mapping({name: "x"}),
        lambda: config.__delitem__(name),
    ):
        with pytest.raises(TypeError, match=name):
            write()
    assert config[name] == before


def test_global_settings_defaults_count_as_django_settings():
    assert hasattr(global_settings, "DEFAULT_CHARSET")
    assert current_app.config.setdefault("DEFAULT_CHARSET", "latin-1") == "utf-8"
    assert current_app.config["DEFAULT_CHARSET"] == "utf-8"


def test_setdefault():
    config = current_app.config
    assert config.setdefault("PRINCIPAL_USE_SESSIONS", True) is True
    assert config.setdefault("PRINCIPAL_USE_SESSIONS", False) is True
    assert config.setdefault("PRINCIPAL_NOTHING") is None
    assert "PRINCIPAL_NOTHING" in config
    assert config.setdefault("SECRET_KEY", "other") == "tests-only"


def test_update_is_all_or_nothing():
    config = current_app.config
    config.update({"EXT_A": 1}, EXT_B=2)
    config.update([("EXT_C", 3)])
    assert (config["EXT_A"], config["EXT_B"], config["EXT_C"]) == (1, 2, 3)
    with pytest.raises(TypeError, match="DEBUG"):
        config.update({"EXT_D": 4, "DEBUG": True})
    assert "EXT_D" not in config


def test_from_mapping_takes_upper_case_keys_only():
    config = current_app.config
    assert config.from_mapping({"EXT_X": 1, "lower": 2}, EXT_Y=3) is True
    assert config["EXT_X"] == 1 and config["EXT_Y"] == 3
    assert "lower" not in config
    assert config.from_mapping() is True


def test_reads_look_in_django_settings_first():
    config = current_app.config
    config["LATER_A_SETTING"] = "own"
    with override_settings(LATER_A_SETTING="setting"):
        assert config["LATER_A_SETTING"] == "setting"
        assert list(config).count("LATER_A_SETTING") == 1
        assert len(config) == len(list(config))
    assert config["LATER_A_SETTING"] == "own"


def test_len_iteration_and_membership_agree():
    config = current_app.config
    before = len(config)
    config["EXT_ONE"] = 1
    config["EXT_TWO"] = 2
    names = list(config)
    assert len(config) == len(names) == before + 2
    assert len(set(names)) == len(names)
    # Names only: reading every value would touch settings Django 4.2 deprecates.
    assert {"SECRET_KEY", "DEFAULT_CHARSET", "EXT_ONE", "EXT_TWO"} <= set(names)
    assert all(name in config for name in ("SECRET_KEY", "EXT_ONE", "EXT_TWO"))


def test_missing_names():
    config = current_app.config
    assert config.get("NOT_SET_ANYWHERE", "d") == "d"
    with pytest.raises(KeyError):
        config["NOT_SET_ANYWHERE"]
    with pytest.raises(AttributeError, match="NOT_SET_ANYWHERE"):
        config.NOT_SET_ANYWHERE  # noqa: B018


def test_attribute_assignment_stays_read_only():
    with pytest.raises(TypeError, match="read-only"):
        current_app.config.EXT = 1
    assert "read-only" in repr(current_app.config)


def test_get_namespace():
    config = current_app.config
    config.update(CELERY_BROKER_URL="memory://", CELERY_TASK_ALWAYS_EAGER=True)
    assert config.get_namespace("CELERY_") == {
        "broker_url": "memory://",
        "task_always_eager": True,
    }
    assert config.get_namespace("CELERY_", lowercase=False, trim_namespace=False) == {
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": True,
    }


def test_each_app_has_its_own_layer():
    other = App("other")
    other.config["EXT_ONLY_OTHER"] = 1
    assert "EXT_ONLY_OTHER" not in current_app.config


def test_isolated_hooks_restores_the_own_layer():
    current_app.config["EXT_KEPT"] = "kept"
    with isolated_hooks():
        current_app.config["EXT_KEPT"] = "changed"
        current_app.config["EXT_NEW"] = 1
    assert current_app.config["EXT_KEPT"] == "kept"
    assert "EXT_NEW" not in current_app.config


def test_the_own_layer_does_not_leak_between_tests_part_1():
    current_app.config["EXT_LEAK"] = 1


def test_the_own_layer_does_not_leak_between_tests_part_2():
    assert "EXT_LEAK" not in current_app.config


def test_dunder_lookups_are_not_config_values():
    current_app.config["__wrapped__"] = "own value, but never an attribute"
    assert not hasattr(current_app.config, "__wrapped__")
    assert current_app.config["__wrapped__"].startswith("own")
