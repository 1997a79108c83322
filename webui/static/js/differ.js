/* Version comparison page (no inline script). #diff names the two <textarea>s holding the older
   (data-old) and newer (data-new) diagram XML; the studio bundle's window.CfStudio draws each in a
   viewer and diffs them (bpmn-js-differ). Removed elements are marked on the older diagram, added
   ones on the newer, changed ones on both; #diff-changes lists every change (data-change, data-element). */
(function () {
  "use strict";
  var host = document.getElementById("diff");
  if (!host || !window.CfStudio || typeof window.CfStudio.diff !== "function") {
    return;
  }
  var labels = JSON.parse(host.getAttribute("data-labels") || "{}");
  var list = document.getElementById("diff-changes");

  function viewer(containerId, textareaId) {
    var container = document.getElementById(containerId);
    container.textContent = "";
    container.classList.add("loaded");
    var v = window.CfStudio.createViewer({ container: container });
    return v.importXML(document.getElementById(textareaId).value).then(function () {
      v.get("canvas").zoom("fit-viewport");
      return v;
    });
  }

  function mark(v, ids, kind) {
    var registry = v.get("elementRegistry");
    var canvas = v.get("canvas");
    ids.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "cf-diff-" + kind); }
    });
  }

  function describe(kind, id, element) {
    var item = document.createElement("li");
    item.className = "diff-" + kind;
    item.setAttribute("data-change", kind);
    item.setAttribute("data-element", id);
    var name = element && (element.name || (element.model && element.model.name));
    item.textContent = (labels[kind] || kind) + " · " + id + (name ? " " + name : "");
    list.appendChild(item);
  }

  Promise.all([viewer("diff-old", host.getAttribute("data-old")), viewer("diff-new", host.getAttribute("data-new"))])
    .then(function (viewers) {
      var older = viewers[0], newer = viewers[1];
      var changes = window.CfStudio.diff(older.getDefinitions(), newer.getDefinitions());
      var groups = { removed: changes._removed, added: changes._added, changed: changes._changed,
                     layoutChanged: changes._layoutChanged };
      mark(older, Object.keys(groups.removed), "removed");
      mark(newer, Object.keys(groups.added), "added");
      mark(older, Object.keys(groups.changed), "changed");
      mark(newer, Object.keys(groups.changed), "changed");
      mark(newer, Object.keys(groups.layoutChanged), "layoutChanged");
      Object.keys(groups).forEach(function (kind) {
        Object.keys(groups[kind]).sort().forEach(function (id) { describe(kind, id, groups[kind][id]); });
      });
      if (!list.children.length) {
        list.textContent = host.getAttribute("data-none-text");
      }
      host.setAttribute("data-ready", "true");
    })
    .catch(function (err) {
      host.setAttribute("data-error", String(err && err.message || err));
      list.textContent = host.getAttribute("data-error-text") + " " + (err && err.message || err);
    });
})();
