"""Fixtures of the workbench tests (each helper module's own, gathered here)."""

from tests.workbench.evidence_fixtures import people, s3_endpoint, web  # noqa: F401
