"""``python -m benchmarks``: time every configuration and print the table with the targets.

Options: ``--rounds N`` (default 40), ``--slice-ms MS`` (default 50),
``--only GROUP`` (wsgi, asgi, template, flask; repeatable; the targets whose
rows are missing are skipped), ``--markdown`` (the table as Markdown),
``--growth-requests N`` (default 20,000; 0 skips the memory figures),
``--write [PATH]`` (put the run, with the machine and the versions, between
the markers of ``docs/performance.md``, or PATH).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from . import report


def setup_django() -> None:
    # Forced: a parent process (pytest) may have set its own settings module.
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


@dataclass
class Row:
    name: str
    base: str | None = None
    kind: str = "ratio"  # ratio: name/base; added: (name-base) vs (flask-flask_base)
    limit: float | None = None
    flask: str | None = None
    flask_base: str | None = None
    noise_ok: bool = False  # met also while the p25-p75 bracket includes 1.00


def rows() -> list[Row]:
    table: list[Row] = []
    for mode in ("wsgi", "asgi"):
        for stack, limit in (("plain", 1.05), ("default", 1.03)):
            base = f"{mode} {stack}"
            app0 = f"{base} +app r0"
            table.append(Row(base))
            table.append(Row(app0, base, limit=limit))
            wsgi = mode == "wsgi"
            for count, most in ((1, 1.00), (10, 0.80)):
                table.append(
                    Row(
                        f"{base} +app r{count}",
                        app0,
                        "added",
                        most if wsgi else None,
                        f"flask r{count}",
                        "flask r0",
                    )
                )
            table.append(
                Row(
                    f"{base} +app hooks",
                    app0,
                    "added",
                    1.00 if wsgi else None,
                    "flask hooks",
                    "flask r0",
                )
            )
        table.append(Row(f"{mode} plain +django r1", f"{mode} plain", "added"))
        table.append(Row(f"{mode} plain +app r0 no tap", f"{mode} plain"))
        table.append(
            Row(
                f"{mode} plain +app r0",
                f"{mode} plain +app r0 no tap",
                limit=1.01,
                noise_ok=True,
            )
        )
    # ASGI: what 1 sync receiver per signal adds, over what 1 sync receiver on
    # Django's own request_started adds (the reference), and over one
    # thread-sensitive hop (what the issue took that reference to be).
    table.append(Row("asgi plain +1 hop", "asgi plain", "added"))
    for reference in ("asgi plain +django r1", "asgi plain +1 hop"):
        for stack in ("plain", "default"):
            table.append(
                Row(
                    f"asgi {stack} +app r1",
                    f"asgi {stack} +app r0",
                    "added",
                    2.2,
                    reference,
                    "asgi plain",
                )
            )
    for kind in ("django", "jinja2"):
        own = f"{kind} own"
        table.append(Row(own))
        table.append(Row(f"{kind} wrapped r0", own, limit=1.03))
        table.append(Row(f"{kind} wrapped r1", f"{kind} wrapped r0", "added"))
    table.append(Row("flask r0"))
    for name in ("flask r1", "flask r10", "flask hooks"):
        table.append(Row(name, "flask r0", "added"))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--slice-ms", type=float, default=50.0)
    parser.add_argument(
        "--only", action="append", choices=["wsgi", "asgi", "template", "flask"]
    )
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--growth-requests", type=int, default=20_000)
    parser.add_argument(
        "--write", nargs="?", const=str(report.DOC), default=None, metavar="PATH"
    )
    args = parser.parse_args(argv)

    setup_django()
    from .django_configs import AsgiDriver, django_configs
    from .flask_configs import flask_configs
    from .harness import run
    from .memory import measure
    from .memory import table as memory_table
    from .template_configs import template_configs

    driver = AsgiDriver()
    try:
        configs = [*django_configs(driver), *template_configs(), *flask_configs()]
        if args.only:
            configs = [c for c in configs if c.group in args.only]
        for config in configs:
            config.check()
        print(f"checks passed: {len(configs)} configurations", flush=True)
        gc.collect()
        gc.freeze()
        started = time.monotonic()

        def progress(index: int) -> None:
            if index % 10 == 9:
                print(f"  round {index + 1}/{args.rounds}", file=sys.stderr, flush=True)

        run(configs, rounds=1, slice_ms=args.slice_ms)  # warm-up, discarded
        for config in configs:
            config.times.clear()
        run(configs, rounds=args.rounds, slice_ms=args.slice_ms, progress=progress)
        for config in configs:
            config.check()  # still correct after timing
        elapsed = time.monotonic() - started
        by_name = {c.name: c for c in configs}
        memory = [
            measure(by_name[name], args.growth_requests)
            for name in ("wsgi plain +app r0", "wsgi plain +app r1")
            if name in by_name and args.growth_requests > 0
        ]
    finally:
        driver.close()

    markdown = args.markdown or args.write is not None
    lines, failures = render(by_name, markdown)
    failures += [f"{m.name} memory grows by {m.growth} B" for m in memory if m.grows]
    run_line = (
        f"{args.rounds} rounds x {len(configs)} configurations, {args.slice_ms:g} ms "
        f"slices, {elapsed:.0f} s; {report.noise(configs)}"
    )
    out = [report.machine(), "", run_line, "", *lines]
    if memory:
        out += ["", "Memory allocated by the library (tracemalloc):", ""]
        out += memory_table(memory, markdown)
    out.append("")
    if failures:
        out.append("targets not met: " + ", ".join(failures))
    else:
        out.append("every target in the table is met")
    print()
    print("\n".join(out))
    if args.write is not None:
        report.write(args.write, "\n".join(out))
        print(f"written to {args.write}")
    return 0


def render(
    by_name: Mapping[str, object], markdown: bool
) -> tuple[list[str], list[str]]:
    from .harness import Config, added, added_ratio, ratio

    header = (
        "configuration",
        "median us",
        "added us",
        "compared with",
        "ratio [p25-p75]",
        "target",
        "",
    )
    out: list[tuple[str, ...]] = []
    failures: list[str] = []
    for row in rows():
        config = by_name.get(row.name)
        if not isinstance(config, Config):
            continue
        median = statistics.median(config.times) / 1000
        cells = [row.name, f"{median:.1f}", "", "", "", "", ""]
        figure: float | None = None
        low = 0.0
        base = by_name.get(row.base or "")
        if isinstance(base, Config):
            if row.kind == "ratio":
                low, mid, high = ratio(config, base)
                figure = mid
                cells[3] = row.base or ""
                cells[4] = f"{mid:.3f} [{low:.3f}-{high:.3f}]"
            else:
                cells[2] = f"{statistics.median(added(config, base)) / 1000:.2f}"
                cells[3] = f"+ over {row.base}"
                flask = by_name.get(row.flask or "")
                flask_base = by_name.get(row.flask_base or "")
                if isinstance(flask, Config) and isinstance(flask_base, Config):
                    cells[3] = f"added / {row.flask}'s added"
                    if statistics.median(added(flask, flask_base)) <= 0:
                        cells[4] = "reference lost in the noise"
                    else:
                        figure, (low, _mid, high) = added_ratio(
                            config, base, flask, flask_base
                        )
                        cells[4] = f"{figure:.3f} [{low:.3f}-{high:.3f}]"
        if row.limit is not None and figure is not None:
            met = figure <= row.limit or (row.noise_ok and low <= 1.0)
            cells[5] = f"<= {row.limit:.2f}" + (" or noise" if row.noise_ok else "")
            cells[6] = "met" if met else "NOT MET"
            if not met:
                failures.append(f"{row.name} ({figure:.3f} > {row.limit:.2f})")
        out.append(tuple(cells))
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in out]
        return lines, failures
    widths = [max(len(r[i]) for r in [header, *out]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) for cell, w in zip(header, widths, strict=True)
        ).rstrip()
    ]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()
        for cells in out
    ]
    return lines, failures


if __name__ == "__main__":
    sys.exit(main())
