"""What every service needs, wired once by engine.bootstrap."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock
from typing import Any

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
from engine.services.unit_of_work import Database, UnitOfWork

log = logging.getLogger("engine.services")


class DefinitionCache:
    """Parsed definitions per version: a version is read and parsed once (versions never change); the
    MAX_VERSIONS most recently used are kept."""

    MAX_VERSIONS = 256

    def __init__(self, departments: DepartmentDirectory):
        self._departments = departments
        self._loaded: OrderedDict[tuple[int, str], LoadedDefinition] = OrderedDict()
        self._by_id: OrderedDict[int, LoadedDefinition] = OrderedDict()
        self._lock = Lock()

    def get(self, stored: StoredDefinition) -> LoadedDefinition:
        """The runnable definition of a stored version."""
        with self._lock:
            key = (stored.id, stored.content_hash)
            hit = self._loaded.get(key)
            if hit is None:
                files = {name: text.encode("utf-8") for name, text in stored.files.items()}
                hit = load_definition(files, stored.process_key, self._departments)
            _keep(self._loaded, key, hit, self.MAX_VERSIONS)
            return hit

    def version(self, uow: UnitOfWork, definition_id: int) -> LoadedDefinition | None:
        """The runnable definition of version `definition_id`, read from `uow` only the first time."""
        with self._lock:
            hit = self._by_id.get(definition_id)
            if hit is not None:
                self._by_id.move_to_end(definition_id)
                return hit
        stored = uow.definitions.get(definition_id)
        if stored is None:
            return None
        loaded = self.get(stored)
        with self._lock:
            _keep(self._by_id, definition_id, loaded, self.MAX_VERSIONS)
        return loaded


def _keep(cache: OrderedDict[Any, LoadedDefinition], key: Any, value: LoadedDefinition, size: int) -> None:
    """Put `value` last (most recently used) and drop the oldest entries beyond `size`."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


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
