"""Use cases as verbs. The web UI, API, CLI and worker call these and nothing below them."""
