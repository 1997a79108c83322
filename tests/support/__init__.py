"""Helpers shared by the integration (and later e2e) tests."""
