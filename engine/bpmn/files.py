"""Which files are diagrams: by the end of their name."""

from __future__ import annotations

DIAGRAM_SUFFIXES = {".bpmn": "bpmn", ".bpmn20.xml": "bpmn", ".dmn": "dmn", ".dmn11.xml": "dmn"}
"""File names the engine deploys (`.bpmn20.xml` and `.dmn11.xml` as Camunda 7 projects name them)."""


def file_kind(filename: str) -> str | None:
    """'bpmn' or 'dmn' by file name ending, else None."""
    lowered = filename.lower()
    return next((kind for suffix, kind in DIAGRAM_SUFFIXES.items() if lowered.endswith(suffix)), None)
