/* What the BPMN modeler page (modeler.js) and the decision table editor page (dmn-editor.js) share:
   submitting #modeler-form first writes the editor's XML into the textarea it posts; #modeler-download
   saves the XML as a file; an edit after a successful validation disables the deploy button until the
   file is validated again. `editor` is anything with saveXML (bpmn-js, dmn-js). */
window.CfEditorForm = (function () {
  "use strict";

  function wire(editor, host, eventBus) {
    var form = document.getElementById("modeler-form");
    var source = document.getElementById(host.getAttribute("data-source"));
    var state = document.getElementById("modeler-state");

    function say(text) {
      if (state) { state.textContent = text; }
    }

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

    var button = document.getElementById("modeler-download");
    if (button) {
      button.addEventListener("click", function () {
        editor.saveXML({ format: true }).then(function (result) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
          link.download = button.getAttribute("data-filename");
          document.body.appendChild(link);
          link.click();
          link.remove();
        });
      });
    }

    eventBus.on("commandStack.changed", function () {
      host.setAttribute("data-dirty", "true");
      var deploy = document.getElementById("modeler-deploy");
      if (deploy && !deploy.disabled) {
        deploy.disabled = true;
        say(host.getAttribute("data-dirty-text"));
      }
    });
  }

  return { wire: wire };
})();
