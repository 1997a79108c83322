"""The regulator's code list (JR/T 0169-2018) a bank loads: the file in processes/ is complete, and a wrong file
is refused with every problem named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain.codes import CodeLists
from engine.domain.regulator_codes import RegulatorCodes, RegulatorCodesInvalid
from tests.support.engines import PROCESSES

PROJECT = CodeLists.from_toml(PROCESSES / "codes.toml").lists

GOOD = """standard = "JR/T 0169-2018"
[channel]
codes = [
  { code = "A1", name = "前台" },
  { code = "A101", name = "营业现场", parent = "A1" },
]
[channel.map]
@channel_map@
[category]
codes = [{ code = "B9", name = "其他" }]
[category.map]
@category_map@
[cause]
codes = [{ code = "C99", name = "其他" }]
[cause.map]
@cause_map@
"""


def _file() -> str:
    maps = {
        "channel_map": "\n".join(f'{code} = "A101"' for code in PROJECT["channels"]),
        "category_map": "\n".join(f'{code} = "B9"' for code in PROJECT["categories"]),
        "cause_map": "\n".join(f'{code} = "C99"' for code in PROJECT["causes"]),
    }
    text = GOOD
    for name, value in maps.items():
        text = text.replace(f"@{name}@", value)
    return text


def _problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(RegulatorCodesInvalid) as err:
        RegulatorCodes.from_text(text, "bank.toml", PROJECT)
    assert all(p.file == "bank.toml" for p in err.value.problems)
    return [(p.line, p.key, p.code) for p in err.value.problems]


def test_the_configured_list_maps_every_project_code_to_three_levels_at_most():
    codes = RegulatorCodes.from_toml(PROCESSES / "regulator_codes.toml", PROJECT)
    for key, lists in (("channel", "channels"), ("category", "categories"), ("cause", "causes")):
        dimension = codes.dimensions[key]
        assert set(dimension.mapping) == set(PROJECT[lists])
        assert {c.level for c in dimension.codes.values()} <= {1, 2, 3}
    assert [c.code for c in codes.dimensions["channel"].chain("hotline")] == ["A01", "A0103", "A010302"]
    assert codes.dimensions["cause"].chain(None) == []


def test_a_good_file_loads(tmp_path: Path):
    path = tmp_path / "bank.toml"
    path.write_text(_file(), encoding="utf-8")
    codes = RegulatorCodes.from_toml(path, PROJECT)
    assert codes.dimensions["channel"].codes["A101"].level == 2


def test_problems_name_file_line_and_field():
    text = _file().replace('{ code = "A101", name = "营业现场", parent = "A1" },',
                           '{ code = "A101", name = "营业现场", parent = "A1" },\n'
                           '  { code = "A102", name = "自助机具", parent = "A7" },\n'
                           '  { code = "A1", name = "重复" },')
    text = text.replace('counter = "A101"', 'counter = "A999"').replace("fees = \"C99\"\n", "")
    text = text.replace('[category.map]\n', '[category.map]\nmortgages = "B9"\n')
    problems = _problems(text)
    lines = text.splitlines()
    assert problems == [
        (6, "channel.codes[2].parent", "unknown_parent"),
        (7, "channel.codes[3].code", "duplicate_code"),
        (10, "channel.map.counter", "unknown_code"),
        (lines.index("mortgages = \"B9\"") + 1, "category.map.mortgages", "unknown_project_code"),
        (lines.index("[cause.map]") + 1, "cause.map", "unmapped_project_code"),
    ]


def test_a_level_below_the_third_and_broken_toml_are_refused():
    deep = _file().replace('{ code = "A101", name = "营业现场", parent = "A1" },',
                           '{ code = "A101", name = "营业现场", parent = "A1" },\n'
                           '  { code = "A10101", name = "柜面", parent = "A101" },\n'
                           '  { code = "A1010101", name = "第四级", parent = "A10101" },')
    assert _problems(deep) == [(7, "channel.codes[3].parent", "too_deep")]
    assert _problems('standard = "x"\n[channel\n') == [(2, "-", "toml_syntax")]
