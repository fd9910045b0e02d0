"""Benchmarks of tmdbfusion against what a user would otherwise pick, reported as ratios.

Run with ``nox -s bench`` or ``python -m benchmarks`` from the repository root (the pinned OpenAPI
document must be findable, see ``codegen/spec.py``).  Each module measures one thing and returns
:class:`~benchmarks.report.Figure` rows; ``__main__`` prints them as one table with targets.

This package is not part of the installed SDK.
"""
