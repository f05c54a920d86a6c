"""Benchmark harness for ownergraph: ingest rate, incident/impact latency, hotspots time,
memory, and a browser measurement, each beside two baselines measured in the same run.

Entry point: ``python -m bench.run`` (see bench/README.md for the command and results).
"""
