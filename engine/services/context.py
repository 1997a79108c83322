"""What every service needs, wired once by engine.bootstrap."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

from engine.bpmn.definitions import LoadedDefinition, load_definition
from engine.bpmn.runtime import WorkflowRuntime
from engine.config import Settings
from engine.domain.calendar import BusinessCalendar
from engine.domain.clock import Clock
from engine.domain.codes import CodeLists, SlaTable
from engine.domain.customer_notices import NoticeSettings
from engine.domain.departments import DepartmentDirectory
from engine.domain.glossary import Glossary
from engine.domain.organisation import OrganisationTree
from engine.domain.records import StoredDefinition
from engine.domain.report_facts import FactsCatalogue
from engine.services.customer_notices.templates import NoticeTemplates
from engine.services.unit_of_work import Database

log = logging.getLogger("engine.services")


class DefinitionCache:
    """Parsed definitions per version id: parsing happens once per process per version."""

    def __init__(self, departments: DepartmentDirectory):
        self._departments = departments
        self._loaded: dict[tuple[int, str], LoadedDefinition] = {}
        self._lock = Lock()

    def get(self, stored: StoredDefinition) -> LoadedDefinition:
        """The runnable definition of a stored version."""
        with self._lock:
            key = (stored.id, stored.content_hash)
            hit = self._loaded.get(key)
            if hit is None:
                files = {name: text.encode("utf-8") for name, text in stored.files.items()}
                hit = load_definition(files, stored.process_key, self._departments)
                self._loaded[key] = hit
            return hit


@dataclass
class EngineContext:
    """Configuration, database, runtime and the process configuration from processes/."""

    settings: Settings
    db: Database
    clock: Clock
    calendar: BusinessCalendar
    departments: DepartmentDirectory
    organisation: OrganisationTree
    codes: CodeLists
    sla: SlaTable
    runtime: WorkflowRuntime
    definitions: DefinitionCache
    facts: FactsCatalogue
    notices: NoticeSettings
    notice_templates: NoticeTemplates
    glossary: Glossary = field(default_factory=Glossary)

    def now(self) -> datetime:
        """The current time of the injected clock."""
        return self.clock.now()

    def department_name(self, code: str) -> str:
        """A department's display name (the code if unknown)."""
        dept = self.departments.get(code)
        return dept.name if dept else code
