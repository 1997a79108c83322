/* Diagram viewer: every element with class "bpmn-diagram" and a data-diagram-url is drawn with the
   vendored bpmn-js viewer (window.BpmnJS) when it is loaded; data-completed / data-current hold JSON
   lists of element ids to mark. Without bpmn-js the placeholder text stays. */
(function () {
  "use strict";
  if (typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  function ids(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "[]"); } catch (e) { return []; }
  }
  function mark(canvas, list, marker) {
    list.forEach(function (id) {
      try { canvas.addMarker(id, marker); } catch (e) { /* element not drawn */ }
    });
  }
  function show(el) {
    fetch(el.getAttribute("data-diagram-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("diagram " + response.status); }
        return response.text();
      })
      .then(function (xml) {
        el.textContent = "";
        el.classList.add("loaded");
        var viewer = new window.BpmnJS({ container: el });
        return viewer.importXML(xml).then(function () {
          var canvas = viewer.get("canvas");
          mark(canvas, ids(el, "data-completed"), "cf-completed");
          mark(canvas, ids(el, "data-current"), "cf-current");
          canvas.zoom("fit-viewport");
        });
      })
      .catch(function (err) {
        if (window.console) { window.console.warn("diagram:", err); }
      });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".bpmn-diagram[data-diagram-url]"), show);
})();
