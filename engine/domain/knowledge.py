"""The knowledge base (业务知识库) of typical cases and the bank-wide alerts (风险提示) issued from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from engine.domain.masking import personal_data_in
from engine.domain.model import Actor, Membership
from engine.domain.organisation import OrganisationTree, parse_membership

# The texts of a typical case and their longest lengths (characters).
TEXT_LIMITS: dict[str, int] = {"title": 200, "facts": 4000, "analysis": 4000, "resolution": 4000, "lessons": 4000}
ALERT_LIMITS: dict[str, int] = {"title": 200, "message": 4000}
SEARCH_TERMS = 5  # a search uses at most this many words
SIMILAR_CASES = 5  # the "similar resolved cases" of an intake or task page

Problems = dict[str, list[tuple[str, dict[str, str]]]]


class TypicalCaseStatus(StrEnum):
    """A typical case is drafted by complaint management, then published to the whole bank."""

    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(frozen=True)
class TypicalCaseText:
    """What a typical case says: title, facts, cause (analysis), resolution and lessons."""

    title: str = ""
    facts: str = ""
    analysis: str = ""
    resolution: str = ""
    lessons: str = ""

    def fields(self) -> dict[str, str]:
        """Field name -> text."""
        return {"title": self.title, "facts": self.facts, "analysis": self.analysis,
                "resolution": self.resolution, "lessons": self.lessons}

    @classmethod
    def of(cls, values: Mapping[str, object]) -> TypicalCaseText:
        """The texts of a form or JSON body, trimmed (missing ones empty)."""
        return cls(**{name: str(values.get(name) or "").strip() for name in TEXT_LIMITS})

    def search_text(self, *labels: str) -> str:
        """Everything searchable in one text: the labels (category, cause) and every field."""
        return "\n".join([*labels, *self.fields().values()])


@dataclass
class TypicalCase:
    """A typical case of the knowledge base, made from one closed complaint. Holds no personal data."""

    id: int
    case_id: int
    case_number: str
    unit: str  # the unit that received the complaint
    category: str | None
    cause: str | None
    text: TypicalCaseText
    status: TypicalCaseStatus
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    version: int = 1
    published_by: str | None = None
    published_at: datetime | None = None


def text_problems(text: TypicalCaseText, personal: Mapping[str, str]) -> Problems:
    """Per field: required, too long, or personal data found (phone, ID or account numbers, email, and the
    complainant's own name and numbers given in `personal`)."""
    problems: Problems = {}
    for name, value in text.fields().items():
        if not value:
            problems.setdefault(name, []).append(("required", {}))
        elif len(value) > TEXT_LIMITS[name]:
            problems.setdefault(name, []).append(("too_long", {"max": str(TEXT_LIMITS[name])}))
        kinds = personal_data_in(value, personal)
        if kinds:
            problems.setdefault(name, []).append(("personal_data", {"kinds": ",".join(kinds)}))
    return problems


def search_terms(query: str) -> list[str]:
    """The words of a search (split at spaces), each once, at most SEARCH_TERMS of them."""
    terms: list[str] = []
    for word in query.split():
        if word not in terms:
            terms.append(word)
    return terms[:SEARCH_TERMS]


# -- alerts ---------------------------------------------------------------------------------------------
WHOLE_BANK = "*"


@dataclass(frozen=True)
class AlertRecipient:
    """One addressee of an alert: a whole unit (department None) or one department of a unit."""

    unit: str
    department: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    def reaches(self, actor: Actor) -> bool:
        """The actor belongs to this addressee: a member of the unit (any department, for a whole unit) or
        of the unit's department; an actor without units (an API key) through its departments."""
        if actor.memberships:
            if self.department is None:
                return any(m.unit == self.unit for m in actor.memberships)
            return Membership(self.unit, self.department) in actor.memberships
        return self.department is not None and self.department in actor.departments


@dataclass
class Alert:
    """A risk alert issued from a typical case to units or departments (or every unit of the bank)."""

    id: int
    typical_case_id: int
    title: str
    message: str
    issued_by: str
    issued_at: datetime
    whole_bank: bool
    recipients: list[AlertRecipient] = field(default_factory=list)

    def mine(self, actor: Actor) -> list[AlertRecipient]:
        """The addressees the actor belongs to."""
        return [r for r in self.recipients if r.reaches(actor)]

    def pending(self) -> list[AlertRecipient]:
        """The addressees that have not acknowledged yet."""
        return [r for r in self.recipients if r.acknowledged_at is None]


def parse_recipients(tree: OrganisationTree, written: Iterable[str]) -> tuple[list[AlertRecipient], Problems]:
    """`UNIT` (the whole unit), `UNIT:DEPARTMENT` or `*` (every unit of the bank) as addressees, each once,
    with the problems (the membership codes: unknown_unit, unit_lacks_department...)."""
    recipients: list[AlertRecipient] = []
    problems: list[tuple[str, dict[str, str]]] = []
    for text in (w.strip() for w in written):
        if not text:
            continue
        if text == WHOLE_BANK:
            found = [AlertRecipient(code) for code in tree.units]
        elif ":" not in text:
            unit = tree.get(text)
            if unit is None:
                problems.append(("unknown_unit", {"written": text, "unit": text}))
                continue
            found = [AlertRecipient(unit.code)]
        else:
            parsed = parse_membership(tree, text)
            if not isinstance(parsed, Membership):
                problems.append((parsed.code, {"written": parsed.written, **parsed.params}))
                continue
            found = [AlertRecipient(parsed.unit, parsed.department)]
        recipients.extend(r for r in found if r not in recipients)
    if not recipients and not problems:
        problems.append(("no_recipients", {}))
    return recipients, ({"recipients": problems} if problems else {})


def alert_problems(title: str, message: str) -> Problems:
    """Required and too-long texts of an alert; personal data is refused as in typical cases."""
    problems: Problems = {}
    for name, value in (("title", title), ("message", message)):
        if not value:
            problems.setdefault(name, []).append(("required", {}))
        elif len(value) > ALERT_LIMITS[name]:
            problems.setdefault(name, []).append(("too_long", {"max": str(ALERT_LIMITS[name])}))
        kinds = personal_data_in(value)
        if kinds:
            problems.setdefault(name, []).append(("personal_data", {"kinds": ",".join(kinds)}))
    return problems
