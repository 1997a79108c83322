/* Browser modeler of the process owner workspace (no inline script: the page carries its data in
   attributes). #modeler holds:
     data-source       id of the <textarea> with the diagram XML (also the field the form posts)
     data-moddle-url   the camunda moddle descriptor, so camunda:* attributes and extension elements
                       (forms, candidate groups, due dates, timer kinds) are read and written back typed
     data-problems     JSON list of {element, message}: validation problems to mark on the diagram
   Submitting #modeler-form first writes the edited diagram into the textarea. Any edit after a
   successful validation disables the deploy button until the diagram is validated again. */
(function () {
  "use strict";
  var host = document.getElementById("modeler");
  if (!host || typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  var source = document.getElementById(host.getAttribute("data-source"));
  var form = document.getElementById("modeler-form");
  var state = document.getElementById("modeler-state");

  function problems() {
    try { return JSON.parse(host.getAttribute("data-problems") || "[]"); } catch (e) { return []; }
  }

  function say(text) {
    if (state) { state.textContent = text; }
  }

  function markProblems(modeler) {
    var registry = modeler.get("elementRegistry");
    var canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    problems().forEach(function (problem) {
      var element = registry.get(problem.element);
      if (!element) { return; }
      canvas.addMarker(element.id, "cf-problem");
      var badge = document.createElement("div");
      badge.className = "cf-problem-badge";
      badge.setAttribute("data-element", element.id);
      badge.title = problem.message;
      badge.textContent = "!";
      overlays.add(element.id, "cf-problem", { position: { top: -10, right: 10 }, html: badge });
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

  function wireForm(modeler) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { return; }
      event.preventDefault();
      modeler.saveXML({ format: true }).then(function (result) {
        source.value = result.xml;
        sending = true;
        form.submit();
      }).catch(function (err) {
        say(form.getAttribute("data-save-failed") + " " + err.message);
      });
    });
  }

  function wireDownload(modeler) {
    var button = document.getElementById("modeler-download");
    if (!button) { return; }
    button.addEventListener("click", function () {
      modeler.saveXML({ format: true }).then(function (result) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
        link.download = button.getAttribute("data-filename") || "diagram.bpmn";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  function watchEdits(modeler) {
    modeler.on("commandStack.changed", function () {
      host.setAttribute("data-dirty", "true");
      var deploy = document.getElementById("modeler-deploy");
      if (deploy && !deploy.disabled) {
        deploy.disabled = true;
        say(host.getAttribute("data-dirty-text"));
      }
    });
  }

  function start(descriptor) {
    host.textContent = "";
    var modeler = new window.BpmnJS({
      container: host,
      moddleExtensions: { camunda: descriptor }
    });
    host.classList.add("loaded");
    return modeler.importXML(source.value).then(function (result) {
      var canvas = modeler.get("canvas");
      canvas.zoom("fit-viewport");
      markProblems(modeler);
      wireProblemLinks(modeler);
      wireForm(modeler);
      wireDownload(modeler);
      watchEdits(modeler);
      host.setAttribute("data-ready", "true");
      if (result.warnings && result.warnings.length) {
        say(host.getAttribute("data-warnings-text") + " " + result.warnings.length);
      }
    });
  }

  fetch(host.getAttribute("data-moddle-url"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("moddle descriptor " + response.status); }
      return response.json();
    })
    .then(start)
    .catch(function (err) {
      host.setAttribute("data-error", String(err && err.message || err));
      say(host.getAttribute("data-error-text") + " " + (err && err.message || err));
    });
})();
