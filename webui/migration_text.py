"""Migration reports in the reader's language: why a case cannot move, and a report as lines for the shell."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.migration import MigrationBlocker, MigrationReport
from webui.labels import MIGRATION_BLOCKERS

Gettext = Callable[..., str]


def blocker_text(blocker: MigrationBlocker, gettext: Gettext) -> str:
    """One reason a case cannot move, from the catalogue (the engine's message for an unknown code)."""
    template = MIGRATION_BLOCKERS.get(blocker.code)
    if template is None:
        return blocker.message
    params = {"element": blocker.element, "old": "", "new": ""} | dict(blocker.params)
    return gettext(template) % params


def report_lines(report: MigrationReport, gettext: Gettext) -> list[str]:
    """A case per line: its number, its version, and whether it can move (moved) or why not."""
    lines = []
    for case in report.cases:
        if case.can_move:
            state = gettext("已迁移") if case.moved else gettext("可以迁移")
        else:
            state = gettext("不能迁移：") + "；".join(blocker_text(b, gettext) for b in case.blockers)
        lines.append(f"{case.number} v{case.from_version}: {state}")
    summary = gettext("%(process)s → 第 %(version)s 版：%(movable)s 件可迁移，%(blocked)s 件不能迁移") % {
        "process": report.process_key, "version": report.to_version, "movable": len(report.movable),
        "blocked": len(report.blocked)}
    return [*lines, summary + (gettext("（预演，未做任何改动）") if report.dry_run else "")]
