"""The README's table of DOMAIN.md rules names the diagram elements that carry them: every element id it names
exists in processes/, so the table cannot drift from the diagrams (it had: `Task_OfficeHandle` stayed listed
after the referral path changed to `Task_ReferrerReply`)."""

from __future__ import annotations

import re

from tests.support.engines import PROCESSES, REPO_ROOT

HEADER = "| DOMAIN.md rule | process | element id"
ELEMENT = re.compile(r"`((?:Task|Gateway|Flow|Rule|Start|Event|End|Chase|Supervise)_[A-Za-z0-9_]+)`")


def _table() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(HEADER)
    return readme[start:readme.index("\n\n", start)]


def test_every_element_the_rule_table_names_is_in_a_diagram() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in sorted(PROCESSES.glob("*.bpmn")) + sorted(
        PROCESSES.glob("*.dmn")))
    named = set(ELEMENT.findall(_table()))
    assert len(named) > 40, "the table lists the elements"
    assert sorted(i for i in named if f'id="{i}"' not in sources) == []
