"""The two drivers: they run a lifecycle's steps from async code and from sync code.

:func:`run_async` drives a flow (a generator of steps) on an event loop,
awaiting coroutines and moving sync user code off the loop; an exception
raised by a step is thrown back into the flow at its ``yield``, so flows use
ordinary ``try``/``except``.

Sync code (WSGI, ``app_context()``, teardown) runs every step where it is
yielded, so it needs no loop: :func:`flow` compiles each flow's sync twin from
the flow's own source, with ``yield step`` as ``step.run()``, ``yield
Call(...)`` as ``Call.now(...)`` (no step object when nothing records it) and
``yield from sub(...)`` as ``sub.sync(...)``. The order stays written once; the twin has no
generator, no driver loop, and the flow's own lines in tracebacks and coverage.
Where the source is not shipped (an install without ``.py`` files), the twin
is :func:`run_sync`, the classic loop: slower, the same order.
"""

from __future__ import annotations
import __future__

import ast
import inspect
import textwrap
from collections.abc import Callable, Generator
from typing import Any, Generic, ParamSpec, TypeVar

from flasksignals_django._steps import Flow

P = ParamSpec("P")
T = TypeVar("T")


async def run_async(flow: Flow[T]) -> T:
    """Drive ``flow`` from async code."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        error = value = None
        try:
            value = await step.run_async()
        except BaseException as exc:
            error = exc


class FlowFunction(Generic[P, T]):
    """A flow function (calling it gives the generator for :func:`run_async`)
    with its sync twin as ``.sync``."""

    __slots__ = ("__wrapped__", "sync", "__name__", "__qualname__")

    def __init__(
        self, fn: Callable[P, Generator[Any, Any, T]], sync: Callable[P, T]
    ) -> None:
        self.__wrapped__ = fn
        self.sync = sync
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Generator[Any, Any, T]:
        return self.__wrapped__(*args, **kwargs)


class _RunInPlace(ast.NodeTransformer):
    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names  # the flow's module globals

    def visit_Yield(self, node: ast.Yield) -> ast.AST:
        assert node.value is not None, "a flow yields a step"
        step = self.visit(node.value)
        if (
            isinstance(step, ast.Call)
            and isinstance(step.func, ast.Name)
            and hasattr(self.names.get(step.func.id), "now")
        ):
            # ``yield Call(...)`` -> ``Call.now(...)``: run with no step object.
            now = ast.Attribute(value=step.func, attr="now", ctx=ast.Load())
            call = ast.Call(func=now, args=step.args, keywords=step.keywords)
        else:  # ``yield step`` -> ``step.run()``
            run = ast.Attribute(value=step, attr="run", ctx=ast.Load())
            call = ast.Call(func=run, args=[], keywords=[])
        return ast.copy_location(call, node)

    def visit_YieldFrom(self, node: ast.YieldFrom) -> ast.AST:
        call = node.value
        assert isinstance(call, ast.Call), "a flow delegates to another flow's call"
        call = self.visit(call)
        twin = ast.Attribute(value=call.func, attr="sync", ctx=ast.Load())
        return ast.copy_location(
            ast.Call(func=twin, args=call.args, keywords=call.keywords), node
        )


def run_sync(flow: Flow[T]) -> T:
    """Drive ``flow`` from sync code: the twin of a flow whose source is not shipped."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        error = value = None
        try:
            value = step.run()
        except BaseException as exc:
            error = exc


def flow(fn: Callable[P, Generator[Any, Any, T]]) -> FlowFunction[P, T]:
    """Mark ``fn`` as a flow and compile its sync twin."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):  # installed without its .py files: drive it instead
        return FlowFunction(fn, lambda *args, **kwargs: run_sync(fn(*args, **kwargs)))
    tree = ast.parse(source)
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    definition.decorator_list = []
    tree = ast.fix_missing_locations(_RunInPlace(fn.__globals__).visit(tree))
    ast.increment_lineno(tree, fn.__code__.co_firstlineno - 1)
    code = compile(
        tree,
        fn.__code__.co_filename,
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    namespace: dict[str, Any] = {}
    exec(code, fn.__globals__, namespace)  # the module's own names, at call time
    return FlowFunction(fn, namespace[fn.__name__])
