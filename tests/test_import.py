"""Importing the package needs no configured settings: the pytest plugin loads it first."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_package_and_its_pytest_plugin_import_before_settings_exist():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import flasksignals_django, flasksignals_django.pytest_plugin\n"
        "from django.conf import settings\n"
        "assert not settings.configured\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
