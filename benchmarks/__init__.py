"""The benchmark of flasksignals_django: ``python -m benchmarks`` (``make bench``).

It runs every configuration in the same process, in short interleaved slices,
and reports paired ratios of their times; see ``docs/performance.md``.
"""
