/* Case diagram: shows the case's BPMN with completed and current elements marked, when bpmn-js
   (window.BpmnJS, the vendored viewer) is loaded. Without it the placeholder text stays. */
(function () {
  "use strict";
  var el = document.getElementById("case-diagram");
  if (!el || typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  function ids(name) {
    try { return JSON.parse(el.getAttribute(name) || "[]"); } catch (e) { return []; }
  }
  var completed = ids("data-completed");
  var current = ids("data-current");
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
        completed.forEach(function (id) { try { canvas.addMarker(id, "cf-completed"); } catch (e) { /* not drawn */ } });
        current.forEach(function (id) { try { canvas.addMarker(id, "cf-current"); } catch (e) { /* not drawn */ } });
        canvas.zoom("fit-viewport");
      });
    })
    .catch(function (err) {
      if (window.console) { window.console.warn("case diagram:", err); }
    });
})();
