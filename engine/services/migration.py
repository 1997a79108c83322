"""Migrating running cases to a newer version of their process: a dry run, then a batch (one transaction per case)."""

from __future__ import annotations

from engine.bpmn.definitions import LoadedDefinition
from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.migration import CaseMove, MigrationBlocker, MigrationReport
from engine.domain.model import Actor, DefinitionInfo
from engine.services.context import EngineContext
from engine.services.projection import persist_workflow


class MigrationService:
    """Which open cases of a process can move to a newer version, and moving them (process owners, audited)."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def dry_run(self, process_key: str, to_version: int, mapping: dict[str, str], actor: Actor) -> MigrationReport:
        """Every open case on an older version, and for each whether it can move and why not; changes nothing."""
        return self._run(process_key, to_version, mapping, actor, dry_run=True)

    def migrate(self, process_key: str, to_version: int, mapping: dict[str, str], actor: Actor) -> MigrationReport:
        """Move every open case that can move, each in its own transaction and audited; report the others."""
        return self._run(process_key, to_version, mapping, actor, dry_run=False)

    def _run(self, process_key: str, to_version: int, mapping: dict[str, str], actor: Actor,
             dry_run: bool) -> MigrationReport:
        self._check_owner(actor)
        versions = self._versions(process_key)
        target = versions.get(to_version)
        if target is None:
            raise NotFound(f"{process_key} has no version {to_version}")
        new = self._loaded(target.id)
        older = {v.id: v for v in versions.values() if v.version < to_version}
        self._check_mapping(mapping, [self._loaded(i) for i in older], new)
        with self.ctx.db.read() as uow:
            candidates = uow.read.open_cases_on(sorted(older))
        report = MigrationReport(process_key, to_version, dict(mapping), dry_run)
        for case_id, number, definition_id in candidates:
            move = CaseMove(case_id, number, older[definition_id].version)
            move.blockers = self._move_case(move, definition_id, target, new, mapping, actor, dry_run)
            move.moved = not dry_run and move.can_move
            report.cases.append(move)
        if not dry_run and report.cases:
            self._audit_batch(report, actor)
        return report

    def _move_case(self, move: CaseMove, definition_id: int, target: DefinitionInfo, new: LoadedDefinition,
                   mapping: dict[str, str], actor: Actor, dry_run: bool) -> list[MigrationBlocker]:
        """Try one case in its own transaction; commit only when it moved and this is no dry run."""
        with self.ctx.db.write() as uow:
            case = uow.cases.load_for_update(move.case_id)
            if case is None or case.status != "open" or case.definition_id != definition_id:
                return [MigrationBlocker("case_changed", "", "the case changed while the migration ran")]
            old = self._loaded(definition_id)
            workflow = self.ctx.runtime.restore(old, case.state)
            blockers, fired = self.ctx.runtime.migrate(old, new, workflow, mapping)
            if blockers or dry_run:
                return blockers
            uow.cases.update_fields(case.id, definition_id=target.id)
            persist_workflow(self.ctx, uow, case, new, workflow, fired)
            uow.audit.add(self.ctx.now(), actor.username, "case_migrated", case.id, None, {
                "process": target.process_key, "from_version": move.from_version, "to_version": target.version,
                "map": mapping})
            uow.commit()
            return []

    def _audit_batch(self, report: MigrationReport, actor: Actor) -> None:
        with self.ctx.db.write() as uow:
            uow.audit.add(self.ctx.now(), actor.username, "migration", data={
                "process": report.process_key, "to_version": report.to_version, "map": report.mapping,
                "moved": [c.number for c in report.cases if c.moved],
                "not_moved": {c.number: [b.code for b in c.blockers] for c in report.blocked}})
            uow.commit()

    def _check_owner(self, actor: Actor) -> None:
        if authz.may_deploy(actor):
            return
        with self.ctx.db.write() as uow:
            uow.audit.denied(self.ctx.now(), actor.username, "migrate")
            uow.commit()
        raise Forbidden("only process owners and admins migrate running cases", audited=True)

    def _versions(self, process_key: str) -> dict[int, DefinitionInfo]:
        with self.ctx.db.read() as uow:
            return {d.version: d for d in uow.read.definitions() if d.process_key == process_key}

    def _loaded(self, definition_id: int) -> LoadedDefinition:
        with self.ctx.db.read() as uow:
            stored = uow.definitions.get(definition_id)
        if stored is None:
            raise NotFound(f"definition {definition_id} not found")
        return self.ctx.definitions.get(stored)

    @staticmethod
    def _check_mapping(mapping: dict[str, str], older: list[LoadedDefinition], new: LoadedDefinition) -> None:
        """Each OLD must be an element of an older version and each NEW one of the target version."""
        old_ids = {e for d in older for e in d.element_names}
        errors = [f"{o}: no element {o} in the older versions" for o in mapping if o not in old_ids]
        errors += [f"{o}={n}: no element {n} in the new version" for o, n in mapping.items()
                   if n not in new.element_names]
        if errors:
            raise ValidationFailed({"map": errors})
