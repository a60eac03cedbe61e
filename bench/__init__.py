"""Benchmarks: ``make bench`` (``python -m bench``) measures chat latency, throughput, sockets,
the REST API and the widget's weight against a bare Channels baseline, and writes
``bench/results/latest.json`` plus a table. docs/benchmarks.md describes the method."""
