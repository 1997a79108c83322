"""Parse a bundle of BPMN/DMN files into runnable definitions plus the metadata the engine needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import EscalationEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.camunda.specs.user_task import EnumFormField
from SpiffWorkflow.camunda.specs.user_task import Form as SpiffForm

from engine.bpmn.camunda7.translate import translate_bpmn
from engine.bpmn.files import file_kind
from engine.bpmn.parser import ComplaintParser
from engine.bpmn.xmlsafe import parse_xml
from engine.domain.departments import DepartmentDirectory, department_variable
from engine.domain.model import FormField, FormSpec, TimerKind, UserTaskSpec
from engine.domain.organisation import split_level
from engine.domain.step_records import step_record
from engine.domain.supervision import SUPERVISING_DEPARTMENT


@dataclass(frozen=True)
class TimerSpec:
    """A boundary timer the engine watches: its kind and the task it is attached to."""

    bpmn_id: str
    kind: TimerKind
    attached_to: str | None
    cycle: bool


SUPERVISION_CODE = "supervision"


@dataclass(frozen=True)
class EscalationSpec:
    """A throw event that raises supervision (escalationCode "supervision") and whom its notice goes to."""

    bpmn_id: str
    department: str
    department_variable: str | None


@dataclass
class LoadedDefinition:
    """A parsed, runnable process definition and what the engine needs to know about it."""

    process_key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    user_tasks: dict[str, UserTaskSpec] = field(default_factory=dict)
    timers: dict[str, TimerSpec] = field(default_factory=dict)
    escalations: dict[str, EscalationSpec] = field(default_factory=dict)
    # Catch and boundary events waiting for a message: the message's name by element id.
    messages: dict[str, str] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)

    def producer(self, field_id: str, besides: str) -> tuple[UserTaskSpec, FormField] | None:
        """The first user task other than `besides` whose form declares `field_id`, with that field."""
        for task in self.user_tasks.values():
            if task.bpmn_id == besides:
                continue
            for form_field in task.form.fields:
                if form_field.id == field_id:
                    return task, form_field
        return None


def bundle_parser(files: dict[str, bytes]) -> ComplaintParser:
    """A parser loaded with every file of the bundle (hardened XML parse first)."""
    parser = ComplaintParser()
    for name in sorted(files):
        tree = parse_xml(name, files[name])
        if file_kind(name) == "dmn":
            parser.add_dmn_xml(tree, filename=name)
        else:
            translate_bpmn(tree)  # a deployed version passed validation: nothing is refused here
            parser.add_bpmn_xml(tree, filename=name)
    return parser


def top_level_processes(parser: ComplaintParser) -> list[str]:
    """Executable processes that no other process calls: the ones a case can start."""
    called: set[str] = set()
    for pid in parser.get_process_ids():
        called.update(k for k in parser.get_subprocess_specs(pid) if k != pid)
    return sorted(pid for pid in parser.get_process_ids() if pid not in called)


def process_file(parser: ComplaintParser, process_key: str) -> str:
    """The .bpmn file that defines a process."""
    return str(parser.get_process_parser(process_key).filename)


def files_for_process(parser: ComplaintParser, process_key: str) -> list[str]:
    """The files a process needs: its own, its called processes' and its decisions'."""
    keys = [process_key, *parser.get_subprocess_specs(process_key)]
    names: set[str] = set()
    for key in keys:
        proc = parser.get_process_parser(key)
        if proc is None:
            continue
        names.add(proc.filename)
        for node in proc.node.iter("{*}businessRuleTask"):
            ref = next((v for k, v in node.attrib.items() if k.endswith("decisionRef")), None)
            if ref in parser.dmn_parsers:
                names.add(parser.dmn_parsers[ref].filename)
    return sorted(n for n in names if n)


def content_hash(files: dict[str, bytes]) -> str:
    """A stable hash over file names and contents."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def load_definition(
    files: dict[str, bytes], process_key: str, departments: DepartmentDirectory
) -> LoadedDefinition:
    """Parse `files` and build the runnable definition of `process_key`."""
    parser = bundle_parser(files)
    spec = parser.get_spec(process_key)
    subs = parser.get_subprocess_specs(process_key)
    loaded = LoadedDefinition(process_key, spec.description or process_key, spec, subs)
    for proc_spec in [spec, *subs.values()]:
        _collect_metadata(proc_spec, departments, loaded)
    return loaded


def _collect_metadata(
    proc_spec: BpmnProcessSpec, departments: DepartmentDirectory, out: LoadedDefinition
) -> None:
    for task_spec in proc_spec.task_specs.values():
        bpmn_id = getattr(task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        out.element_names[bpmn_id] = getattr(task_spec, "bpmn_name", None) or bpmn_id
        if hasattr(task_spec, "form") and hasattr(task_spec, "candidate_groups"):
            out.user_tasks[bpmn_id] = _user_task_spec(task_spec, departments)
        elif hasattr(task_spec, "timer_kind") and _is_timer(task_spec):
            out.timers[bpmn_id] = TimerSpec(
                bpmn_id,
                TimerKind(task_spec.timer_kind),
                task_spec.attached_to,
                isinstance(task_spec.event_definition, CycleTimerEventDefinition),
            )
        elif isinstance(task_spec, CatchingEvent) and isinstance(task_spec.event_definition, MessageEventDefinition):
            out.messages[bpmn_id] = task_spec.event_definition.name
        elif _is_supervision_escalation(task_spec):
            out.escalations[bpmn_id] = _escalation_spec(task_spec, departments)


def _is_supervision_escalation(task_spec: Any) -> bool:
    definition = getattr(task_spec, "event_definition", None)
    return (
        hasattr(task_spec, "complaint_properties")
        and isinstance(definition, EscalationEventDefinition)
        and definition.code == SUPERVISION_CODE
    )


def _escalation_spec(task_spec: Any, departments: DepartmentDirectory) -> EscalationSpec:
    label = task_spec.complaint_properties.get("department") or SUPERVISING_DEPARTMENT
    dept = departments.resolve(label)
    return EscalationSpec(task_spec.bpmn_id, dept.code if dept else label, department_variable(label))


def _is_timer(task_spec: Any) -> bool:
    return isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)


def _user_task_spec(task_spec: Any, departments: DepartmentDirectory) -> UserTaskSpec:
    written = task_spec.candidate_groups[0] if task_spec.candidate_groups else task_spec.lane
    level, label = split_level(written or "")
    dept = departments.resolve(label)
    variable = department_variable(label)
    unit_variable = department_variable(level)
    return UserTaskSpec(
        bpmn_id=task_spec.bpmn_id,
        name=task_spec.bpmn_name or task_spec.bpmn_id,
        department=dept.code if dept else ("" if variable else label or ""),
        lane=task_spec.lane,
        form=form_spec(task_spec.form),
        department_variable=variable,
        level=None if unit_variable else level,
        unit_variable=unit_variable,
        acts_on=acts_on(getattr(task_spec, "complaint_properties", {})),
        contacts_customer=contacts_customer(getattr(task_spec, "complaint_properties", {})),
        creates_record=step_record(getattr(task_spec, "complaint_properties", {})),
    )


ACTS_ON = "actsOn"


def acts_on(properties: dict[str, str]) -> tuple[str, ...]:
    """The field ids of a user task's `actsOn` property (comma-separated)."""
    return tuple(part.strip() for part in properties.get(ACTS_ON, "").split(",") if part.strip())


CONTACTS_CUSTOMER = "contactsCustomer"


def contacts_customer(properties: dict[str, str]) -> bool:
    """Whether a user task's `contactsCustomer` property says its assignee must phone the customer."""
    return properties.get(CONTACTS_CUSTOMER, "").strip().lower() == "true"


def form_spec(form: SpiffForm) -> FormSpec:
    """Spiff's Camunda form as our plain FormSpec."""
    fields = []
    for f in form.fields:
        constraints = tuple((v.name, v.config or "") for v in f.validation)
        props = {p.id: p.value for p in f.properties}
        options = tuple((o.id, o.name) for o in f.options) if isinstance(f, EnumFormField) else ()
        fields.append(
            FormField(
                id=f.id,
                label=f.label or f.id,
                type=f.type or "string",
                required=any(name == "required" for name, _ in constraints),
                default=f.default_value or None,
                options=options,
                constraints=constraints,
                readonly=any(name == "readonly" for name, _ in constraints)
                or props.get("readonly") == "true",
                multiple=bool(options) and props.get("multiple") == "true",
                unit_kind=props.get("unitKind") or None,
            )
        )
    return FormSpec(key=form.key or "", fields=tuple(fields))
