"""Report facts declared per process in `processes/<key>.toml` ([facts]): read, defaulted, refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain.report_facts import FactsCatalogue, FactVariables, ProcessFactsInvalid, ProcessFactsMissing

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def _catalogue(tmp_path: Path, text: str, key: str = "variant") -> FactsCatalogue:
    (tmp_path / f"{key}.toml").write_text(text, encoding="utf-8")
    return FactsCatalogue([tmp_path])


def test_every_shipped_process_declares_its_facts():
    catalogue = FactsCatalogue([PROCESSES])
    for diagram in sorted(PROCESSES.glob("*.bpmn")):
        assert catalogue.for_process(diagram.stem).replied, diagram.name


def test_a_declaration_names_variables_and_keeps_defaults_for_the_rest(tmp_path):
    names = _catalogue(tmp_path, '[facts]\nreplied = "reply_method"\nyes_values = ["Yes", "done"]\n'
                                 "rectification_closes_with_case = true\n").for_process("variant")
    assert names == FactVariables(replied=("reply_method",), yes_values=frozenset({"yes", "done"}),
                                  rectification_closes_with_case=True)
    assert names.compensation == ("compensation_amount",)


def test_a_process_without_a_file_or_section_is_missing_and_named(tmp_path):
    with pytest.raises(ProcessFactsMissing) as caught:
        FactsCatalogue([tmp_path]).for_process("variant")
    assert (caught.value.process_key, caught.value.path) == ("variant", tmp_path / "variant.toml")
    assert caught.value.code == "process_facts_missing"
    with pytest.raises(ProcessFactsMissing):
        _catalogue(tmp_path, '[other]\nreplied = "x"\n').for_process("variant")


@pytest.mark.parametrize(("text", "reason"), [
    ('[facts]\nreplied = "x"\nreplyed = "y"\n', "unknown keys replyed"),
    ("[facts]\ncompensation = []\n", "`replied` is required"),
    ("[facts]\nreplied = 3\n", "`replied` must be a variable name"),
    ('[facts]\nreplied = "x"\nrectification_closes_with_case = "yes"\n', "must be true or false"),
    ("[facts\n", "Expected"),
])
def test_a_wrong_declaration_is_refused_with_the_reason(tmp_path, text, reason):
    with pytest.raises(ProcessFactsInvalid) as caught:
        _catalogue(tmp_path, text).for_process("variant")
    assert caught.value.path == tmp_path / "variant.toml"
    assert reason in caught.value.reason


def test_a_later_directory_adds_probe_processes(tmp_path):
    catalogue = FactsCatalogue([PROCESSES])
    with pytest.raises(ProcessFactsMissing):
        catalogue.for_process("variant")
    (tmp_path / "variant.toml").write_text('[facts]\nreplied = "x"\n', encoding="utf-8")
    catalogue.add_directory(tmp_path)
    assert catalogue.for_process("variant").replied == ("x",)
