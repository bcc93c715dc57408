// yishen web pages: a little progressive enhancement; every page works without it.
(function () {
  "use strict";
  // Disposition picker: show only the fields the chosen disposition needs.
  function syncPicker(select) {
    var form = select.form;
    var opt = select.options[select.selectedIndex];
    var needs = (opt && opt.getAttribute("data-needs") || "").split(" ");
    form.querySelectorAll("[data-for]").forEach(function (el) {
      var show = needs.indexOf(el.getAttribute("data-for")) !== -1;
      el.hidden = !show;
      el.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !show; });
    });
  }
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    syncPicker(select);
    select.addEventListener("change", function () { syncPicker(select); });
  });
  // Ask before irreversible steps.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (e) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Back links on error pages.
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
  // Move focus to the error summary so keyboard and screen-reader users hear it first.
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  // Open the <details> that holds a field error.
  document.querySelectorAll(".field-err").forEach(function (err) {
    var d = err.closest("details");
    if (d) { d.open = true; }
  });
})();
