"""ownergraph's domain: the graph model, its stores and the services over them.

Importable without Flask so that the CLI, the web app and the benchmarks share one
implementation of every question the product answers.
"""

__version__ = "0.1.0"
