"""Importers: read where ownership and provenance already live (CODEOWNERS, git,
Backstage, MLflow) and apply it through the one write path (``common.run``)."""
