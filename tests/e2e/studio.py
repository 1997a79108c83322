"""Driving the process owner's modeler as a person does: canvas, context pad, palette, properties panel."""

from __future__ import annotations

from tests.e2e.support import Person


def open_editor(owner: Person, filename: str) -> None:
    """From the workspace's version list to the editor of the latest version's file, ready to edit."""
    owner.goto("/owner/")
    owner.submit(f"a.edit-link[href$='/{filename}']")
    owner.page.wait_for_selector("#modeler[data-ready=true]")


def element(element_id: str) -> str:
    """The selector of a drawn element."""
    return f"#modeler .djs-element[data-element-id={element_id}]"


def deselect(owner: Person) -> None:
    """Click empty canvas in the bottom-left corner (below the palette, left of the lint button), so no
    context pad covers what is clicked next. Right after a drawing gesture (connect, create) diagram-js
    swallows one click, so click again while a context pad is still open."""
    canvas = owner.page.locator("#modeler").bounding_box()
    assert canvas is not None
    for _ in range(2):
        owner.page.mouse.click(canvas["x"] + 30, canvas["y"] + canvas["height"] - 20)
        if owner.page.locator(".djs-context-pad.open").count() == 0:
            return
    raise AssertionError("the context pad stays open")


def scroll_into_view(owner: Person, element_id: str) -> None:
    """Scroll the canvas sideways with the mouse wheel until the element is well inside it."""
    canvas = owner.page.locator("#modeler").bounding_box()
    assert canvas is not None
    for _ in range(20):
        box = box_of(owner, element_id)
        overshoot = box["x"] + box["width"] - (canvas["x"] + canvas["width"] - 60)
        if overshoot <= 0:
            return
        owner.page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
        owner.page.mouse.wheel(min(overshoot + 20, 300), 0)
    raise AssertionError(f"{element_id} does not scroll into view")


def select(owner: Person, element_id: str) -> None:
    """Click an element: a flow midway; a shape low and left of its middle (lint markers sit top right,
    flows usually end at the middle of a side, boundary events on the right of the bottom edge)."""
    deselect(owner)
    scroll_into_view(owner, element_id)
    drawn = owner.page.locator(element(element_id))
    box = drawn.bounding_box()
    assert box is not None, element_id
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    if "djs-connection" in (drawn.get_attribute("class") or ""):
        owner.page.mouse.click(x + width / 2, y + height / 2)
    else:
        owner.page.mouse.click(x + width * 0.35, y + height * 0.75)


def context_action(owner: Person, action: str) -> None:
    """Click an entry of the selected element's context pad (e.g. `append.append-task`, `delete`)."""
    owner.page.click(f".djs-context-pad [data-action='{action}']")


def replace_with(owner: Person, entry: str) -> None:
    """Change the selected element's type through the context pad's replace menu."""
    context_action(owner, "replace")
    owner.page.click(f".djs-popup [data-id='replace-with-{entry}']")


def connect(owner: Person, source: str, target: str) -> None:
    """Draw a sequence flow from source to target with the context pad's connect tool."""
    select(owner, source)
    context_action(owner, "connect")
    box = owner.page.locator(element(target)).bounding_box()
    assert box is not None, target
    owner.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 6)
    owner.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 6)


def create_from_palette(owner: Person, action: str, x: float, y: float) -> None:
    """Take an element from the palette (e.g. `create.task`) and drop it at page position x, y."""
    owner.page.click(f".djs-palette [data-action='{action}']")
    owner.page.mouse.move(x - 10, y - 10)
    owner.page.mouse.move(x, y)
    owner.page.mouse.click(x, y)


def box_of(owner: Person, element_id: str) -> dict[str, float]:
    """Where an element is drawn on the page."""
    box = owner.page.locator(element(element_id)).bounding_box()
    assert box is not None, element_id
    return box


def attach_boundary_event(owner: Person, host: str) -> None:
    """Take an intermediate event from the palette and drop it on the bottom edge of `host`."""
    box = owner.page.locator(f"{element(host)} .djs-visual rect").first.bounding_box()
    assert box is not None, host
    create_from_palette(owner, "create.intermediate-event", box["x"] + box["width"] * 0.75, box["y"] + box["height"])


def open_group(owner: Person, group_id: str) -> None:
    """Expand a group of the properties panel (they start collapsed)."""
    group = owner.page.locator(f"#modeler-properties [data-group-id='group-{group_id}']")
    header = group.locator(".bio-properties-panel-group-header").first
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def field(entry_id: str) -> str:
    """The input of a properties panel entry."""
    return f"#modeler-properties #bio-properties-panel-{entry_id}"


def reveal(owner: Person, entry_id: str) -> None:
    """Expand the group, then the list item, that hold an entry, as far as it is hidden."""
    target = field(entry_id).removeprefix("#modeler-properties ")
    headers = [f".bio-properties-panel-group:has({target}) > .bio-properties-panel-group-header",
               f".bio-properties-panel-collapsible-entry:has({target}) > "
               ".bio-properties-panel-collapsible-entry-header"]
    for header in headers:
        if owner.page.is_visible(field(entry_id)):
            return
        owner.page.click(f"#modeler-properties {header}")


def choose(owner: Person, entry_id: str, value: str) -> None:
    """Pick an option of a select entry."""
    reveal(owner, entry_id)
    owner.page.select_option(field(entry_id), value)


def type_into(owner: Person, entry_id: str, value: str) -> None:
    """Type a value into a text entry and leave it (the panel writes on input, debounced)."""
    reveal(owner, entry_id)
    owner.page.fill(field(entry_id), value)
    owner.page.press(field(entry_id), "Tab")


def selected_id(owner: Person) -> str:
    """The id of the selected element, as the properties panel shows it."""
    return owner.page.input_value(field("id"))
