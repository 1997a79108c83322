/* The intake page: when the business category or the cause changes, ask the knowledge base for the
   similar resolved cases of that pair and show them next to the form (#similar-cases). */
(function () {
  "use strict";
  var panel = document.getElementById("similar-cases");
  var category = document.getElementById("c-category");
  var cause = document.getElementById("c-cause");
  if (!panel || !category || !cause) { return; }
  var asked = 0;

  function refresh() {
    var ticket = ++asked;
    var url = panel.getAttribute("data-url") + "?category=" + encodeURIComponent(category.value) +
      "&cause=" + encodeURIComponent(cause.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && ticket === asked) { panel.innerHTML = html; }
      })
      .catch(function () { /* the list stays as it was; the form works without it */ });
  }

  category.addEventListener("change", refresh);
  cause.addEventListener("change", refresh);
}());
