"""Records a diagram step creates when it is completed (camunda:property `createsRecord` on a user task).

A step declares the kind of record; the form fields it reads are named here, one table per kind, so a
process owner writes the property and the fields and the engine needs no element ids:

- `typical_case`: a DRAFT typical case of the knowledge base (业务知识库), its texts proposed from the
  step's form and the case, personal data removed; complaint management checks and publishes it.
- `rectification`: a rectification notice (整改通知单) from the completing queue to the responsible
  department (of the step's unit unless the form names one), due a number of working days later,
  chased and supervised like one issued by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from engine.domain.masking import PERSONAL_DATA_IN_TEXT

CREATES_RECORD = "createsRecord"


class StepRecord(StrEnum):
    """The kinds of record a step may create."""

    TYPICAL_CASE = "typical_case"
    RECTIFICATION = "rectification"


# Per kind: record field -> the form field it is read from; REQUIRED_FIELDS must be on the step's form.
RECTIFICATION_FIELDS: dict[str, str] = {
    "number": "rectification_no",
    "requirement": "rectification_measures",
    "department": "rectification_department",
    "workdays": "rectification_workdays",
    "unit": "rectification_unit",
}
# A typical case's texts: each from the first of these step or case data values present (after the
# complaint's facts for `facts`).
TYPICAL_CASE_SOURCES: dict[str, tuple[str, ...]] = {
    "title": ("kb_title",),
    "facts": (),
    "analysis": ("root_cause", "investigation"),
    "resolution": ("resolution", "review_resolution", "reply_content"),
    "lessons": ("kb_summary", "leadership_report"),
}
REQUIRED_FIELDS: dict[StepRecord, tuple[str, ...]] = {
    StepRecord.TYPICAL_CASE: ("kb_title",),
    StepRecord.RECTIFICATION: ("rectification_measures", "rectification_department"),
}
REMOVED = "***"  # what stands where personal data was removed from a drafted text


def step_record(properties: Mapping[str, str]) -> StepRecord | None:
    """The record a user task's `createsRecord` property asks for (None when none, or not a known kind)."""
    written = properties.get(CREATES_RECORD, "").strip()
    return StepRecord(written) if written in StepRecord.__members__.values() else None


def without_personal_data(text: str, known: Mapping[str, str]) -> str:
    """`text` with every personal number (the shapes of engine/domain/masking.py) and every one of the
    complainant's `known` values (name, numbers, address) replaced by REMOVED."""
    for value in sorted((str(v).strip() for v in known.values()), key=len, reverse=True):
        if len(value) >= 2:
            text = text.replace(value, REMOVED)
    for pattern in PERSONAL_DATA_IN_TEXT.values():
        text = pattern.sub(REMOVED, text)
    return text


def proposed_texts(complaint: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, str]:
    """A typical case's texts proposed from a complaint (its facts) and the case's data (TYPICAL_CASE_SOURCES);
    personal data still in them."""
    values = {"facts": str(complaint.get("facts") or "")}
    for name, keys in TYPICAL_CASE_SOURCES.items():
        if keys:
            values[name] = next((str(data[k]) for k in keys if data.get(k) not in (None, "")), "")
    return values
