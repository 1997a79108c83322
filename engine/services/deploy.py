"""Validating and deploying diagrams: a privileged, audited action that stores all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import RLock

from engine.bpmn.definitions import (
    bundle_parser,
    content_hash,
    files_for_process,
    process_file,
    top_level_processes,
)
from engine.bpmn.scripting import known_names
from engine.bpmn.task_timers import TaskTimerDefaults, with_task_timers
from engine.bpmn.validation import validate_bundle
from engine.bpmn.validation.bundle import SUFFIX_LIST
from engine.bpmn.validation.common import file_kind
from engine.bpmn.xmlsafe import as_utf8
from engine.domain import authz
from engine.domain.errors import DeployProblem, DeployRejected, Forbidden, NotFound
from engine.domain.model import Actor, DefinitionInfo
from engine.domain.records import StoredDefinition
from engine.domain.report_facts import ProcessFactsError
from engine.services.context import EngineContext

NO_DIAGRAMS = "no_diagram_files"  # (path, suffixes)
# Validation builds Python ASTs (SpiffWorkflow's parser and our checks), which CPython before 3.12.1 does not
# do safely in two threads at once ("AST constructor recursion depth mismatch", gh-106905): in one process,
# deploys and validations take turns.
_AST_TURNS = RLock()


@dataclass
class DeployResult:
    """What a deploy stored: new versions, and processes whose content was unchanged."""

    deployed: list[DefinitionInfo]
    unchanged: list[str]


def read_diagram_dir(directory: Path) -> dict[str, bytes]:
    """Every diagram (.bpmn, .bpmn20.xml, .dmn) of a directory (not recursive), by file name."""
    if not directory.is_dir():
        raise DeployRejected([DeployProblem(str(directory), "(directory)", "not a directory")])
    files = {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and file_kind(p.name)}
    if not files:
        raise DeployRejected([no_diagrams(str(directory))])
    return files


def no_diagrams(path: str) -> DeployProblem:
    """The problem of a directory or bundle with nothing to deploy, naming it."""
    message = f"no {SUFFIX_LIST} files to deploy in {path}"
    return DeployProblem(path, "(directory)", message, NO_DIAGRAMS, (("path", path), ("suffixes", SUFFIX_LIST)))


def is_bpmn_file(name: str) -> bool:
    """True for a BPMN diagram's file name (.bpmn or .bpmn20.xml)."""
    return file_kind(name) == "bpmn"


class DeployService:
    """Validate a bundle of diagrams and store a new version of each changed process."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def as_utf8(self, files: dict[str, bytes]) -> dict[str, bytes]:
        """The bundle with every diagram in UTF-8 (the encoding versions are stored and read in)."""
        return {name: as_utf8(name, content, self.ctx.settings.max_diagram_bytes) for name, content in files.items()}

    def validate(self, files: dict[str, bytes]) -> list[DeployProblem]:
        """Every problem in the bundle (empty when it may be deployed), as drawn and with the default timers."""
        files = self.as_utf8(files)
        if not files:
            return [no_diagrams("(bundle)")]
        with _AST_TURNS:
            return self._problems(files) or self._problems(self.with_task_timers(files))

    def with_task_timers(self, files: dict[str, bytes]) -> dict[str, bytes]:
        """The bundle as it is stored: every user task watched by chase and supervise timers (sla.toml)."""
        sla = self.ctx.sla
        return with_task_timers(files, TaskTimerDefaults(sla.task_chase, sla.task_supervise))

    def _problems(self, files: dict[str, bytes]) -> list[DeployProblem]:
        problems = validate_bundle(
            files, self.ctx.departments, known_names(self.ctx.calendar, self.ctx.clock), self.ctx.db.text_limits,
            allow_scripts=self.ctx.settings.allow_scripts,
            max_bytes=self.ctx.settings.max_diagram_bytes,
            expression_limits=self.ctx.settings.expression_limits,
        )
        return problems or self._facts_problems(files)

    def _facts_problems(self, files: dict[str, bytes]) -> list[DeployProblem]:
        """A process a case can start must declare its report facts (processes/<key>.toml, [facts])."""
        parser = bundle_parser(files)
        problems = []
        for key in top_level_processes(parser):
            try:
                self.ctx.facts.for_process(key)
            except ProcessFactsError as exc:
                params = tuple(sorted(exc.params.items()))
                problems.append(DeployProblem(process_file(parser, key), key, str(exc), exc.code, params))
        return problems

    def deploy(self, files: dict[str, bytes], actor: Actor) -> DeployResult:
        """Store a new version of every process whose files changed; nothing if anything is wrong."""
        if not authz.may_deploy(actor):
            with self.ctx.db.write() as uow:
                uow.audit.denied(self.ctx.now(), actor.username, "deploy")
                uow.commit()
            raise Forbidden("only process owners and admins deploy diagrams", audited=True)
        files = self.as_utf8(files)
        with _AST_TURNS:
            problems = self.validate(files)
            if problems:
                raise DeployRejected(problems)
            files = self.with_task_timers(files)
            parser = bundle_parser(files)
            names = {key: parser.get_spec(key).description or key for key in top_level_processes(parser)}
        result = DeployResult([], [])
        with self.ctx.db.write() as uow:
            for key, name in names.items():
                needed = {n: files[n] for n in files_for_process(parser, key)}
                digest = content_hash(needed)
                uow.definitions.lock_process_key(key)
                latest = uow.definitions.latest(key)
                if latest is not None and latest.content_hash == digest:
                    result.unchanged.append(key)
                    continue
                stored = StoredDefinition(
                    0, key, name,
                    (latest.version + 1) if latest else 1, digest,
                    {n: b.decode("utf-8") for n, b in needed.items()}, self.ctx.now(), actor.username,
                )
                stored.id = uow.definitions.add(stored)
                with _AST_TURNS:
                    self.ctx.definitions.get(stored)  # parse now: a definition that cannot load is not stored
                uow.audit.add(self.ctx.now(), actor.username, "deploy",
                              data={"process": key, "version": stored.version, "hash": digest,
                                    "files": sorted(needed)})
                result.deployed.append(DefinitionInfo(
                    stored.id, key, stored.version, digest, stored.deployed_at, actor.username,
                    sorted(needed)))
            uow.commit()
        return result

    def definitions(self, actor: Actor) -> list[DefinitionInfo]:
        """Every deployed version with its running cases."""
        with self.ctx.db.read() as uow:
            return uow.read.definitions()

    def process_names(self) -> dict[str, str]:
        """Each deployed process's name as its latest version's diagram writes it, by key (for filters)."""
        with self.ctx.db.read() as uow:
            latest = uow.read.latest_definition_ids()
            loaded = {key: self.ctx.definitions.version(uow, definition_id) for key, definition_id in latest.items()}
        return {key: definition.name for key, definition in sorted(loaded.items()) if definition is not None}

    def definition_files(self, definition_id: int, actor: Actor) -> dict[str, str]:
        """The files of one deployed version (for the diagram view)."""
        with self.ctx.db.read() as uow:
            stored = uow.definitions.get(definition_id)
        if stored is None:
            raise NotFound(f"definition {definition_id} not found")
        return stored.files
