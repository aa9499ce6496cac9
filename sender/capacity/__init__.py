"""The capacity and cost planner (``python -m sender.capacity``, ``make capacity``).

:mod:`~sender.capacity.figures` reads the data files, :mod:`~sender.capacity.model` holds the
arithmetic, :mod:`~sender.capacity.plan` puts a workload through it and finds the warnings,
:mod:`~sender.capacity.render` prints the report, :mod:`~sender.capacity.cli` is the command.
"""
