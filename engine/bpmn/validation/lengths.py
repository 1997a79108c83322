"""Names and ids the database could not store: longer than the columns that keep them.

The limits come from the table definitions (engine/persistence/limits.py) through `Rules.limits`, so a
diagram that would make every case opening fail on PostgreSQL is refused at deploy instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.validation.common import BPMN_NS, NS, problem_at
from engine.domain.errors import DeployProblem
from engine.domain.limits import TextLimits

# (code, what the message calls it); the web UI words each code in the user's language.
PROCESS_ID, PROCESS_NAME = "process_id_too_long", "process_name_too_long"
ELEMENT_ID, TASK_NAME, LANE_NAME = "element_id_too_long", "task_name_too_long", "lane_name_too_long"
_WHAT = {PROCESS_ID: "process id", PROCESS_NAME: "process name", ELEMENT_ID: "element id",
         TASK_NAME: "task name", LANE_NAME: "lane name"}


def length_problems(file: str, root: etree._Element, limits: TextLimits) -> list[DeployProblem]:
    """Every id and name in one BPMN file that is longer than the database keeps."""
    return [_problem(file, element, code, text, limit) for element, code, text, limit in _stored(root, limits)
            if len(text) > limit]


def _stored(root: etree._Element, limits: TextLimits) -> Iterator[tuple[etree._Element, str, str, int]]:
    """(element, code, text, limit) for each id and name a deployment or a case stores."""
    for process in root.iterfind("bpmn:process", NS):
        yield process, PROCESS_ID, process.get("id", ""), limits.process_id
        yield process, PROCESS_NAME, process.get("name", ""), limits.process_name
        for element in process.iterdescendants():
            if etree.QName(element).namespace != BPMN_NS:
                continue
            yield element, ELEMENT_ID, element.get("id", ""), limits.element_id
            if etree.QName(element).localname == "userTask":
                yield element, TASK_NAME, element.get("name", ""), limits.task_name
            elif etree.QName(element).localname == "lane":
                yield element, LANE_NAME, element.get("name", ""), limits.lane_name


def _problem(file: str, element: etree._Element, code: str, text: str, limit: int) -> DeployProblem:
    found = problem_at(file, element, f"the {_WHAT[code]} has {len(text)} characters; the database keeps {limit}")
    params = (("length", str(len(text))), ("limit", str(limit)))
    return DeployProblem(found.file, found.element, found.message, code=code, params=params)
