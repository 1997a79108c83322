/* Diagram viewer: every element with class "bpmn-diagram" and a data-diagram-url (XML fetched from the
   app) or a data-diagram-source (id of a <textarea> holding the XML) is drawn with the vendored bpmn-js
   viewer (window.BpmnJS) when it is loaded. data-completed / data-current / data-problems hold JSON
   lists of element ids to mark. Without bpmn-js the placeholder text stays. */
(function () {
  "use strict";
  if (typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  var MARKERS = { "data-completed": "cf-completed", "data-current": "cf-current", "data-problems": "cf-problem" };

  function ids(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "[]"); } catch (e) { return []; }
  }
  function mark(canvas, list, marker) {
    list.forEach(function (id) {
      try { canvas.addMarker(id, marker); } catch (e) { /* element not drawn */ }
    });
  }
  function load(el) {
    var source = el.getAttribute("data-diagram-source");
    if (source) {
      var holder = document.getElementById(source);
      return Promise.resolve(holder ? holder.value : "");
    }
    return fetch(el.getAttribute("data-diagram-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("diagram " + response.status); }
        return response.text();
      });
  }
  function show(el) {
    load(el)
      .then(function (xml) {
        el.textContent = "";
        el.classList.add("loaded");
        var viewer = new window.BpmnJS({ container: el });
        return viewer.importXML(xml).then(function () {
          var canvas = viewer.get("canvas");
          Object.keys(MARKERS).forEach(function (name) { mark(canvas, ids(el, name), MARKERS[name]); });
          canvas.zoom("fit-viewport");
          el.setAttribute("data-ready", "true");
        });
      })
      .catch(function (err) {
        el.setAttribute("data-error", String(err && err.message || err));
        if (window.console) { window.console.warn("diagram:", err); }
      });
  }
  Array.prototype.forEach.call(
    document.querySelectorAll(".bpmn-diagram[data-diagram-url], .bpmn-diagram[data-diagram-source]"), show);
})();
