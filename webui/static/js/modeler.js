/* Browser modeler of the process owner workspace (no inline script: the page carries its data in
   attributes). #modeler holds:
     data-source       id of the <textarea> with the diagram XML (also the field the form posts)
     data-properties   id of the element that holds the properties panel
     data-departments  JSON list of {code, name}: the department picker's choices
     data-problems     JSON list of {element, message}: validation problems to mark on the diagram
   The modeler itself (bpmn-js, properties panel, bpmnlint, Chinese UI) is the studio bundle,
   window.CfStudio.createModeler (webui/frontend/modeler.js, built into static/vendor/studio/).
   The form, download and deploy-button behaviour is editor-form.js (shared with the decision table editor). */
(function () {
  "use strict";
  var host = document.getElementById("modeler");
  if (!host || !window.CfStudio || typeof window.CfStudio.createModeler !== "function" || !window.CfEditorForm) {
    return;
  }
  var source = document.getElementById(host.getAttribute("data-source"));
  var state = document.getElementById("modeler-state");
  var MIN_SCALE = 0.5;

  function jsonAttribute(name) {
    try { return JSON.parse(host.getAttribute(name) || "[]"); } catch (e) { return []; }
  }

  function problems() {
    return jsonAttribute("data-problems");
  }

  /* Fit the diagram into the part of the canvas right of the palette, so the palette covers nothing;
     a wide diagram is not shrunk below MIN_SCALE (its left part shows; the hand tool pans). */
  function fitBesidePalette(modeler) {
    var canvas = modeler.get("canvas");
    var palette = host.querySelector(".djs-palette");
    var inner = canvas.viewbox().inner;
    var size = canvas.getSize();
    var left = palette ? palette.getBoundingClientRect().right - host.getBoundingClientRect().left + 16 : 16;
    var margin = 16;
    var fit = Math.min((size.width - left - margin) / inner.width, (size.height - 2 * margin) / inner.height);
    var scale = Math.min(Math.max(fit, MIN_SCALE), 1);
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - margin / scale,
      width: size.width / scale,
      height: size.height / scale
    });
  }

  function say(text) {
    if (state) { state.textContent = text; }
  }

  /* One marker and one badge per element; the badge's title lists all of its problems. */
  function markProblems(modeler) {
    var registry = modeler.get("elementRegistry");
    var canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    var messages = {};
    problems().forEach(function (problem) {
      if (registry.get(problem.element)) {
        (messages[problem.element] = messages[problem.element] || []).push(problem.message);
      }
    });
    Object.keys(messages).forEach(function (elementId) {
      canvas.addMarker(elementId, "cf-problem");
      var badge = document.createElement("div");
      badge.className = "cf-problem-badge";
      badge.setAttribute("data-element", elementId);
      badge.title = messages[elementId].join("\n");
      badge.textContent = "!";
      overlays.add(elementId, "cf-problem", { position: { top: -10, right: 10 }, html: badge });
    });
  }

  function focusOn(modeler, elementId) {
    var element = modeler.get("elementRegistry").get(elementId);
    if (!element) { return; }
    modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
  }

  function wireProblemLinks(modeler) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-focus-element]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        focusOn(modeler, link.getAttribute("data-focus-element"));
      });
    });
  }

  function start() {
    host.textContent = "";
    var modeler = window.CfStudio.createModeler({
      container: host,
      properties: document.getElementById(host.getAttribute("data-properties")),
      departments: jsonAttribute("data-departments"),
      locale: document.documentElement.lang
    });
    host.classList.add("loaded");
    return modeler.importXML(source.value).then(function (result) {
      fitBesidePalette(modeler);
      markProblems(modeler);
      wireProblemLinks(modeler);
      window.CfEditorForm.wire(modeler, host, modeler.get("eventBus"));
      host.setAttribute("data-ready", "true");
      if (result.warnings && result.warnings.length) {
        say(host.getAttribute("data-warnings-text") + " " + result.warnings.length);
      }
    });
  }

  start().catch(function (err) {
    host.setAttribute("data-error", String(err && err.message || err));
    say(host.getAttribute("data-error-text") + " " + (err && err.message || err));
  });
})();
