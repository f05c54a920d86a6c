"""Ingestion: every source reduces to a validated Manifest applied through the write path."""
