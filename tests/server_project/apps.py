from __future__ import annotations

import os

from django.apps import AppConfig


class ServerProjectConfig(AppConfig):
    name = "tests.server_project"
    label = "server_project"

    def ready(self) -> None:
        path = os.environ.get("FLASKSIGNALS_EVENTS_FILE")
        if path:
            from flasksignals_django import current_app, g, request

            from .events import FileSink, Recorder

            @current_app.before_request
            def set_marker() -> None:
                g.marker = request.GET.get("m")

            Recorder(FileSink(path), mode="mixed").install()
            if os.environ.get("FLASKSIGNALS_STRESS"):
                from .stress import install

                install()
        parity = os.environ.get("FLASKSIGNALS_PARITY_FILE")
        if parity:
            # Flask parity scenarios, set up per request by its X-Parity header.
            from tests.parity_scenarios import SCENARIOS
            from tests.parity_tap import ScenarioTap, file_sink

            ScenarioTap(SCENARIOS, file_sink(parity)).connect()
