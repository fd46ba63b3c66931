"""Benchmarks of Trajectoires, run by ``make bench`` (``python -m bench``)."""
