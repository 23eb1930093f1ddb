// netgraph query page: Ctrl+Enter runs the query, the picker fills the editor.
// The page works without this script; it only saves clicks.
(function () {
  "use strict";

  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var picker = document.getElementById("named-query");
  var description = document.getElementById("named-description");
  var runButton = document.getElementById("run");
  var named = {};
  JSON.parse(document.getElementById("named-queries").textContent).forEach(function (entry) {
    named[entry.name] = entry;
  });

  function run() {
    if (form.requestSubmit) {
      form.requestSubmit(runButton);
    } else {
      form.submit();
    }
  }

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  picker.addEventListener("change", function () {
    var entry = named[picker.value];
    description.textContent = entry ? entry.description : "";
    if (entry) {
      editor.value = entry.text;
      editor.focus();
    }
  });

  // Typing a query of one's own deselects the named one it started from.
  editor.addEventListener("input", function () {
    var entry = named[picker.value];
    if (entry && editor.value !== entry.text) {
      picker.value = "";
      description.textContent = "";
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll(".without-script"), function (element) {
    element.hidden = true;
  });
})();
