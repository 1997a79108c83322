"""Templates keep to the CSP (no inline script or style) and the English catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from webui import create_app

WEBUI = Path(__file__).resolve().parents[2] / "webui"
CATALOG = WEBUI / "translations" / "en" / "LC_MESSAGES"


def test_templates_have_no_inline_script_or_style():
    for path in (WEBUI / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, f"inline script in {path.name}"
        assert not re.search(r"\sstyle=", text), f"style attribute in {path.name}"
        assert not re.search(r"<style\b", text), f"style element in {path.name}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {path.name}"
        assert "http://" not in text and "https://" not in text, f"external URL in {path.name}"


def test_english_catalogue_is_complete_and_compiled():
    with (CATALOG / "messages.po").open("rb") as fh:
        po = read_po(fh, locale="en")
    with (CATALOG / "messages.mo").open("rb") as fh:
        mo = read_mo(fh)
    untranslated = [m.id for m in po if m.id and not m.string]
    assert untranslated == []
    compiled = {m.id: m.string for m in mo if m.id}
    expected = {m.id: m.string for m in po if m.id and not m.fuzzy}
    assert compiled == expected, "run: pybabel compile -d webui/translations"


def test_start_worker_runs_the_engine_sweep(engine):
    app = create_app(engine=engine, start_worker=True)
    scheduler = app.extensions["complaintflow_worker"]
    try:
        assert scheduler.running
        assert scheduler.get_job("timer-sweep") is not None
    finally:
        scheduler.shutdown(wait=False)


def test_every_marked_string_has_an_english_translation():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map = [("webui/**.py", "python"), ("engine/schemas/**.py", "python"), ("webui/templates/**.html", "jinja2")]
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    found = {msgid for _, _, msgid, *_ in extract_from_dir(str(WEBUI.parent), method_map, keywords=keywords)
             if isinstance(msgid, str)}
    with (CATALOG / "messages.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh, locale="en") if m.id and m.string}
    assert len(found) > 150
    assert sorted(found - translated) == [], "update webui/translations/en/LC_MESSAGES/messages.po"
