/* Decision table editor of the process owner workspace (no inline script). #modeler holds
   data-source: the id of the <textarea> with the .dmn XML (also the field the form posts).
   The editor is the studio bundle's window.CfStudio.createDmnEditor (dmn-js). Submitting
   #modeler-form first writes the edited table into the textarea; an edit after a successful
   validation disables the deploy button until the table is validated again. */
(function () {
  "use strict";
  var host = document.getElementById("modeler");
  if (!host || !window.CfStudio || typeof window.CfStudio.createDmnEditor !== "function") {
    return;
  }
  var source = document.getElementById(host.getAttribute("data-source"));
  var form = document.getElementById("modeler-form");
  var state = document.getElementById("modeler-state");

  function say(text) {
    if (state) { state.textContent = text; }
  }

  function wireForm(editor) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { return; }
      event.preventDefault();
      editor.saveXML({ format: true }).then(function (result) {
        source.value = result.xml;
        sending = true;
        form.submit();
      }).catch(function (err) {
        say(form.getAttribute("data-save-failed") + " " + err.message);
      });
    });
  }

  function wireDownload(editor) {
    var button = document.getElementById("modeler-download");
    if (!button) { return; }
    button.addEventListener("click", function () {
      editor.saveXML({ format: true }).then(function (result) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
        link.download = button.getAttribute("data-filename") || "decision.dmn";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  function watchEdits(editor) {
    var viewer = editor.getActiveViewer();
    if (!viewer) { return; }
    viewer.get("eventBus").on("commandStack.changed", function () {
      host.setAttribute("data-dirty", "true");
      var deploy = document.getElementById("modeler-deploy");
      if (deploy && !deploy.disabled) {
        deploy.disabled = true;
        say(host.getAttribute("data-dirty-text"));
      }
    });
  }

  host.textContent = "";
  host.classList.add("loaded");
  var editor = window.CfStudio.createDmnEditor({ container: host, locale: document.documentElement.lang });
  editor.importXML(source.value).then(function () {
    var table = editor.getViews().filter(function (view) { return view.type === "decisionTable"; })[0];
    return table ? editor.open(table) : null;
  }).then(function () {
    wireForm(editor);
    wireDownload(editor);
    watchEdits(editor);
    host.setAttribute("data-ready", "true");
  }).catch(function (err) {
    host.setAttribute("data-error", String(err && err.message || err));
    say(host.getAttribute("data-error-text") + " " + (err && err.message || err));
  });
})();
