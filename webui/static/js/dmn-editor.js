/* Decision table editor of the process owner workspace (no inline script). #modeler holds
   data-source: the id of the <textarea> with the .dmn XML (also the field the form posts).
   The editor is the studio bundle's window.CfStudio.createDmnEditor (dmn-js); the form, download and
   deploy-button behaviour is editor-form.js (shared with the BPMN modeler). */
(function () {
  "use strict";
  var host = document.getElementById("modeler");
  if (!host || !window.CfStudio || typeof window.CfStudio.createDmnEditor !== "function" || !window.CfEditorForm) {
    return;
  }
  var source = document.getElementById(host.getAttribute("data-source"));
  var state = document.getElementById("modeler-state");

  function say(text) {
    if (state) { state.textContent = text; }
  }

  host.textContent = "";
  host.classList.add("loaded");
  var editor = window.CfStudio.createDmnEditor({ container: host, locale: document.documentElement.lang });
  editor.importXML(source.value).then(function () {
    var table = editor.getViews().filter(function (view) { return view.type === "decisionTable"; })[0];
    return table ? editor.open(table) : null;
  }).then(function () {
    var table = editor.getActiveViewer();
    window.CfEditorForm.wire(editor, host, table.get("eventBus"));
    host.setAttribute("data-ready", "true");
  }).catch(function (err) {
    host.setAttribute("data-error", String(err && err.message || err));
    say(host.getAttribute("data-error-text") + " " + (err && err.message || err));
  });
})();
