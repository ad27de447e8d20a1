"""Orchestration: options, execution on threads, processes or Dask, simulate, compare, sweep and
sensitivity."""
