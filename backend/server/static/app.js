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
  // Pre-review as the handler types: the draft form is checked on the server, not saved.
  document.querySelectorAll("form[data-check]").forEach(function (form) {
    var box = form.querySelector(".live-findings");
    var list = form.querySelector("#live-findings");
    if (!box || !list || !window.fetch) { return; }
    var timer = null;
    function check() {
      var body = new URLSearchParams(new FormData(form));
      if (!body.get("disposition")) { box.hidden = true; return; }
      window.fetch(form.getAttribute("data-check"), {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "content-type": "application/x-www-form-urlencoded" }
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (findings) {
        if (!findings) { return; }
        list.textContent = "";
        if (findings.length === 0) {
          var ok = document.createElement("li");
          ok.textContent = "未发现问题。";
          list.appendChild(ok);
        }
        findings.forEach(function (f) {
          var li = document.createElement("li");
          li.className = f.blocking ? "blocking" : "warning";
          var tag = document.createElement("strong");
          tag.textContent = f.blocking ? "须修改 " : "提示 ";
          li.appendChild(tag);
          li.appendChild(document.createTextNode(f.message + (f.article ? "（" + f.article + "）" : "")));
          list.appendChild(li);
        });
        box.hidden = false;
      }).catch(function () {});
    }
    function later() { window.clearTimeout(timer); timer = window.setTimeout(check, 500); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
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
// Letter verification (/verify/{code}): hash the chosen PDF in the browser and compare it with
// the SHA-256 recorded when the letter was issued. Nothing is uploaded.
(function () {
  "use strict";
  document.querySelectorAll("[data-hash-check]").forEach(function (box) {
    var input = box.querySelector("input[type=file]");
    var out = box.querySelector(".hash-result");
    if (!input || !out || !window.crypto || !window.crypto.subtle) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      file.arrayBuffer().then(function (buf) {
        return window.crypto.subtle.digest("SHA-256", buf);
      }).then(function (digest) {
        var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
        var same = hex === box.getAttribute("data-hash-check");
        out.textContent = same
          ? "一致：该文件与本机关制发的文书完全相同。"
          : "不一致：该文件与本机关制发的文书不同（指纹 " + hex + "），可能被修改过。";
        out.className = "hash-result " + (same ? "ok" : "bad");
      });
    });
  });
})();
