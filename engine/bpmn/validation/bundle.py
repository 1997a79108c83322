"""Bundle-level checks: which files may be deployed, whether they parse safely, duplicate ids across files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.validation.common import (
    BPMN_NS,
    BUNDLE,
    DIAGRAM_SUFFIXES,
    DMN_NAMESPACES,
    NS,
    dmn_tag,
    file_kind,
    problem_at,
)
from engine.bpmn.xmlsafe import FILE_ELEMENT, XmlRejected, parse_xml
from engine.domain.errors import DeployProblem

SUFFIX_LIST = ", ".join(DIAGRAM_SUFFIXES)
NOT_A_DIAGRAM = "not_a_diagram_file"  # (suffixes)


def parse_bundle(
    files: dict[str, bytes], max_bytes: int, problems: list[DeployProblem]
) -> tuple[dict[str, etree._Element], dict[str, etree._Element]]:
    """Parse every file safely, sorting them into BPMN and DMN roots; record refusals."""
    bpmn: dict[str, etree._Element] = {}
    dmn: dict[str, etree._Element] = {}
    for name, content in files.items():
        kind = file_kind(name)
        if kind is None:
            problems.append(DeployProblem(name, FILE_ELEMENT, f"only {SUFFIX_LIST} files can be deployed",
                                          code=NOT_A_DIAGRAM, params=(("suffixes", SUFFIX_LIST),)))
            continue
        try:
            root = parse_xml(name, content, max_bytes)
        except XmlRejected as exc:
            problems.append(exc.problem)
            continue
        wrong = _wrong_root(kind, root)
        if wrong:
            problems.append(DeployProblem(name, FILE_ELEMENT, wrong))
        else:
            (bpmn if kind == "bpmn" else dmn)[name] = root
    return bpmn, dmn


def _wrong_root(kind: str, root: etree._Element) -> str | None:
    """Why the root element does not fit the file type, or None if it does."""
    qname = etree.QName(root)
    if kind == "bpmn" and (qname.namespace, qname.localname) != (BPMN_NS, "definitions"):
        return f"not a BPMN 2.0 file: the root element is {_pretty(root.tag)}, expected bpmn:definitions"
    if kind == "dmn" and (qname.namespace not in DMN_NAMESPACES or qname.localname != "definitions"):
        return f"not a DMN file (DMN 1.1-1.3): the root element is {_pretty(root.tag)}"
    return None


def _pretty(tag: str) -> str:
    """A tag as `{ns}name` shortened to something readable."""
    qname = etree.QName(tag)
    return f"{qname.localname} in namespace {qname.namespace}" if qname.namespace else qname.localname


def bundle_problems(
    files: dict[str, bytes], bpmn: dict[str, etree._Element], dmn: dict[str, etree._Element]
) -> list[DeployProblem]:
    """Problems of the bundle as a whole: nothing to run, duplicate process or decision ids."""
    problems = []
    if not files:
        problems.append(DeployProblem(BUNDLE, BUNDLE, "nothing to deploy: the bundle is empty"))
    elif not bpmn and not any(file_kind(n) == "bpmn" for n in files):
        problems.append(DeployProblem(BUNDLE, BUNDLE, "the bundle has no .bpmn file"))
    problems += _duplicates(_all_processes(bpmn), "process")
    problems += _duplicates(all_decisions(dmn), "decision")
    return problems


def _duplicates(items: Iterable[tuple[str, etree._Element]], what: str) -> list[DeployProblem]:
    """One problem for each element whose id an earlier element (maybe in another file) has."""
    seen: dict[str, str] = {}
    problems = []
    for name, element in items:
        element_id = element.get("id", "")
        if element_id in seen:
            message = f"{what} id {element_id} is already used in {seen[element_id]}"
            problems.append(problem_at(name, element, message))
        seen.setdefault(element_id, name)
    return problems


def _all_processes(bpmn: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element]]:
    """(file, process element) for every process in the bundle."""
    for name, root in bpmn.items():
        for process in root.iterfind("bpmn:process", NS):
            yield name, process


def executable_processes(bpmn: dict[str, etree._Element]) -> dict[str, bool]:
    """Process id -> whether it is executable."""
    return {p.get("id", ""): p.get("isExecutable") == "true" for _, p in _all_processes(bpmn)}


def all_decisions(dmn: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element]]:
    """(file, decision element) for every decision in the bundle."""
    for name, root in dmn.items():
        for decision in root.iterfind(dmn_tag(root, "decision")):
            yield name, decision
