"""The intake form is read off the complaint schema: the two cannot disagree."""

from __future__ import annotations

import lxml.html
from marshmallow import fields, validate

from tests.webui.support import login


def _inputs(page: str) -> dict[str, lxml.html.HtmlElement]:
    """Every named input, select and textarea of the intake form, by name (the CSRF token left out)."""
    form = lxml.html.fromstring(page).xpath("//form[@action='/intake']")[0]
    return {el.get("name"): el for el in form.xpath(".//input|.//select|.//textarea")
            if el.get("name") != "csrf_token"}


def _max_length(field: fields.Field) -> int | None:
    limits = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None]
    return min(limits) if limits else field.metadata.get("maxlength")


def test_every_schema_field_is_on_the_form_with_its_rules(client, engine):
    login(client, "front1")
    inputs = _inputs(client.get("/intake").text)
    schema_fields = {name: field for name, field in engine.cases.complaint_schema.fields.items()
                     if not field.dump_only}  # computed by the engine (the repeat count): not typed
    assert set(inputs) == set(schema_fields)
    assert "repeat_count" in engine.cases.complaint_schema.fields and "repeat_count" not in inputs
    for name, field in schema_fields.items():
        element = inputs[name]
        assert (element.get("required") is not None) == field.required, name
        expected = _max_length(field)
        assert element.get("maxlength") == (str(expected) if expected else None), name
        one_of = [v for v in field.validators if isinstance(v, validate.OneOf)]
        if one_of:
            assert element.tag == "select", name
            offered = [o.get("value") for o in element.xpath("./option") if o.get("value")]
            assert offered == list(one_of[0].choices), name
        else:
            assert element.tag != "select", name
        if isinstance(field.load_default, str) and field.load_default and element.tag == "select":
            assert element.xpath("./option[@selected]/@value") == [field.load_default], name


def test_a_field_added_to_the_schema_alone_appears_on_the_form(client, engine, monkeypatch):
    base = type(engine.cases.complaint_schema)

    class Extended(base):  # type: ignore[misc, valid-type]
        branch_manager_note = fields.String(required=True, validate=validate.Length(1, 300),
                                            metadata={"label": "网点负责人意见", "group": "投诉内容",
                                                      "widget": "textarea"})
        callback_at = fields.AwareDateTime(load_default=None, metadata={"label": "回访时间", "group": "回访"})

    monkeypatch.setattr(engine.cases, "_schema", Extended())
    login(client, "front1")
    page = client.get("/intake").text
    note = _inputs(page)["branch_manager_note"]
    assert note.tag == "textarea" and note.get("required") is not None and note.get("maxlength") == "300"
    assert _inputs(page)["callback_at"].get("type") == "datetime-local"
    legends = lxml.html.fromstring(page).xpath("//fieldset/legend/text()")
    assert legends[-1] == "回访"
    content = lxml.html.fromstring(page).xpath("//fieldset[legend='投诉内容']//textarea/@name")
    assert content == ["facts", "demand", "branch_manager_note"]
    refused = client.post("/intake", data={"organisation": "branch"})
    assert refused.status_code == 422
    assert "必填" in lxml.html.fromstring(refused.text).xpath(
        "//textarea[@name='branch_manager_note']/..")[0].text_content()
