"""The sync twin of a flow runs the flow's steps in place; without source, a loop drives it."""

from __future__ import annotations

import textwrap

import pytest

from flasksignals_django._drivers import flow, run_async

SOURCE = textwrap.dedent(
    """
    def numbers(log, fail):
        log.append("start")
        try:
            value = yield Say("one", log)
            if fail:
                yield Say("boom", log)
        except ValueError as exc:
            log.append(f"caught {exc}")
        log.append("end")
        return value
    """
)


class Say:
    """A step that logs its word; ``boom`` raises."""

    def __init__(self, word, log):
        self.word, self.log = word, log

    def run(self):
        if self.word == "boom":
            raise ValueError("boom")
        self.log.append(self.word)
        return self.word

    async def run_async(self):
        return self.run()


def flow_without_source():
    namespace = {"Say": Say}
    exec(compile(SOURCE, "<no source>", "exec"), namespace)  # noqa: S102
    return flow(namespace["numbers"])


@pytest.mark.parametrize("fail", [False, True])
async def test_a_flow_without_source_runs_the_same_on_both_drivers(fail):
    numbers = flow_without_source()
    sync_log: list[str] = []
    async_log: list[str] = []
    assert numbers.sync(sync_log, fail) == "one"
    assert await run_async(numbers(async_log, fail)) == "one"
    assert sync_log == async_log
    assert sync_log[-1] == "end" and ("caught boom" in sync_log) is fail
