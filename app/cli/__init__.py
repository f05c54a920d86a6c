"""The command line: the operator's face, working on the store directly (no web server)."""

from .main import cli, main

__all__ = ["cli", "main"]
