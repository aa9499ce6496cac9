"""Benchmarks of the png2jpg kit: ``python -m bench [--quick] [--rows 1,2] [--markdown]``.

Every figure is a ratio against a baseline measured in the same run, on the same machine, so the
table says how the kit compares with the plain or tutorial way of doing the same job rather than
how fast this machine is. Rows live in :mod:`bench.rows`, one module per row.
"""
