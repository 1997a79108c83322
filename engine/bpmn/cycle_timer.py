"""Cycle timers that also run cron cycles (Camunda 7's Quartz syntax) besides ISO-8601 repetitions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition

from engine.bpmn.camunda7.cron import croniter_expression, looks_like_cron, next_after

CRON_KEY = "cron"


class CronCycleTimer(CycleTimerEventDefinition):  # type: ignore[misc]
    """A timeCycle whose value is an ISO-8601 repetition (as SpiffWorkflow reads it) or a cron cycle.

    A cron cycle never ends; each time it fires, the next occurrence is the first one after the clock's
    now, so a sweep that comes late fires it once, not once per missed occurrence.
    """

    def cycle_complete(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            text = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            if not (isinstance(text, str) and looks_like_cron(text)):
                return bool(self._iso_cycle(my_task, text))
            expression = croniter_expression(text)
            value = {"cycles": -1, "next": next_after(expression, _now()).isoformat(), CRON_KEY: expression}
            my_task._set_internal_data(event_value=value)
        if CRON_KEY not in value:
            return bool(super().cycle_complete(my_task))
        now = _now()
        if datetime.fromisoformat(value["next"]) >= now:
            return False
        my_task._set_internal_data(event_value={**value, "next": next_after(value[CRON_KEY], now).isoformat()})
        return True

    def _iso_cycle(self, my_task: Any, text: Any) -> bool:
        """SpiffWorkflow's own reading of an ISO-8601 repetition, from the value already evaluated."""
        cycles, start, duration = self.parse_iso_recurring_interval(text)
        event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        my_task._set_internal_data(event_value=event_value)
        return bool(super().cycle_complete(my_task))


def _now() -> datetime:
    """The time of the clock SpiffWorkflow's timers read (the engine's injectable clock)."""
    moment: datetime = spiff_timer.datetime.now(UTC)
    return moment
