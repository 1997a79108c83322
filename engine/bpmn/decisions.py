"""Decision tables as complaintflow runs them: the hit policy the table declares, not SpiffWorkflow 3.2's.

SpiffWorkflow 3.2 knows UNIQUE and COLLECT only. It stops a UNIQUE table at the first matching rule (which is
DMN's FIRST, and never notices a second match) and evaluates every rule of a table with any other policy,
then takes the first match. Here FIRST stops at the first matching rule in table order, COLLECT collects as
before, and UNIQUE evaluates every rule and takes the only match; deploy refuses a UNIQUE table whose rules
can overlap (`validation/dmn_overlap.py`), and a second match found at run time is an error naming the rules.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine


class PolicyDMNEngine(DMNEngine):  # type: ignore[misc]
    """A DMNEngine that honours FIRST and checks UNIQUE."""

    def decide(self, task: Any) -> list[Any]:
        policy = str(self.decision_table.hit_policy).upper()
        if policy == "COLLECT":
            return list(super().decide(task))
        matched = []
        for rule in self.decision_table.rules:
            if self._DMNEngine__check_rule(rule, task):
                matched.append(rule)
                if policy == "FIRST":
                    break
        if policy == "UNIQUE" and len(matched) > 1:
            rows = ", ".join(str(r.row_number) for r in matched)
            raise WorkflowTaskException(
                f"decision table {self.decision_table.id} has hit policy UNIQUE, but rules {rows} all match",
                task=task,
            )
        return matched
