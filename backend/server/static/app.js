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
  // Redaction: a box drawn over a page image becomes a checked box of the form, in points
  // (the overlay's own coordinates).
  document.querySelectorAll(".redact-page").forEach(function (fig) {
    var sheet = fig.querySelector(".sheet");
    var svg = fig.querySelector("svg.overlay");
    var list = document.getElementById("box-list");
    if (!sheet || !svg || !list) { return; }
    var page = fig.getAttribute("data-page");
    var pw = parseFloat(fig.getAttribute("data-width")), ph = parseFloat(fig.getAttribute("data-height"));
    var start = null, el = null, last = null;
    function at(e) {
      var r = sheet.getBoundingClientRect();
      var p = e.touches ? e.touches[0] : e;
      return { x: Math.min(Math.max(p.clientX - r.left, 0), r.width) / r.width * pw,
               y: Math.min(Math.max(p.clientY - r.top, 0), r.height) / r.height * ph };
    }
    function down(e) {
      e.preventDefault();
      start = last = at(e);
      el = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      el.setAttribute("class", "rbox");
      svg.appendChild(el);
    }
    function move(e) {
      if (!start) { return; }
      last = at(e);
      el.setAttribute("x", Math.min(start.x, last.x));
      el.setAttribute("y", Math.min(start.y, last.y));
      el.setAttribute("width", Math.abs(last.x - start.x));
      el.setAttribute("height", Math.abs(last.y - start.y));
    }
    function up() {
      if (!start) { return; }
      var s = start, p = last;
      start = null;
      var w = Math.abs(p.x - s.x), h = Math.abs(p.y - s.y);
      if (w < 2 || h < 2) { svg.removeChild(el); return; }
      var v = [page, Math.min(s.x, p.x).toFixed(2), Math.min(s.y, p.y).toFixed(2), w.toFixed(2), h.toFixed(2)].join(",");
      var li = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "box"; box.checked = true; box.value = v;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" 第" + page + "页 手动画出的遮盖框"));
      li.appendChild(label);
      var mark = el;
      box.addEventListener("change", function () { mark.classList.toggle("off", !box.checked); });
      list.appendChild(li);
    }
    sheet.addEventListener("mousedown", down);
    sheet.addEventListener("touchstart", down, { passive: false });
    window.addEventListener("mousemove", move);
    sheet.addEventListener("touchmove", function (e) { e.preventDefault(); move(e); }, { passive: false });
    window.addEventListener("mouseup", up);
    sheet.addEventListener("touchend", up);
  });
  document.querySelectorAll("input[data-box]").forEach(function (box) {
    var mark = document.querySelector('.rbox[data-box="' + box.getAttribute("data-box") + '"]');
    if (mark) { box.addEventListener("change", function () { mark.classList.toggle("off", !box.checked); }); }
  });
})();
// Deflection on the filing page: published answers (常见问题, the reading room) that match what
// the applicant types, each with a link; the form reports once that it showed them.
(function () {
  "use strict";
  var box = document.querySelector("[data-suggest]");
  var content = document.getElementById("content");
  var agency = document.getElementById("agency");
  if (!box || !content || !window.fetch) { return; }
  var timer = null;
  var reported = "";
  function link(href, text, note) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = href; a.textContent = text; a.target = "_blank"; a.rel = "noopener";
    li.appendChild(a);
    if (note) { var s = document.createElement("span"); s.className = "hint"; s.textContent = "（" + note + "）"; li.appendChild(s); }
    return li;
  }
  function render(faq, room) {
    box.textContent = "";
    if (!faq.length && !room.length) { box.hidden = true; return; }
    var p = document.createElement("p");
    p.textContent = "您要找的信息可能已经公开或已有答复，提交申请前可以先看看：";
    box.appendChild(p);
    var ul = document.createElement("ul");
    faq.forEach(function (e) { ul.appendChild(link("/faq?q=" + encodeURIComponent(e.question.slice(0, 40)) + "#faq-" + e.id, e.question, "常见问题 · " + e.agency_name)); });
    room.forEach(function (e) { ul.appendChild(link(e.url, e.title, "公开阅览室 · " + e.agency_name)); });
    box.appendChild(ul);
    box.hidden = false;
    var key = (agency ? agency.value : "") + "|" + faq.length + "|" + room.length;
    if (key !== reported) {
      reported = key;
      window.fetch("/api/v1/filing-drafts/" + encodeURIComponent(box.getAttribute("data-token")) + "/suggestions", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ agency: agency && agency.value ? agency.value : null, faq: faq.length, reading_room: room.length })
      }).catch(function () {});
    }
  }
  function lookup() {
    var q = content.value.trim();
    if (q.length < 6) { box.hidden = true; return; }
    q = q.slice(0, 200);
    var scope = agency && agency.value ? "&agency=" + encodeURIComponent(agency.value) : "";
    var get = function (path) {
      return window.fetch(path + "?q=" + encodeURIComponent(q) + scope, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (b) { return (b.items || []).filter(function (i) { return (i.score || 0) >= 0.15; }).slice(0, 3); });
    };
    Promise.all([get("/api/v1/faq"), get("/api/v1/reading-room")])
      .then(function (found) { render(found[0], found[1]); })
      .catch(function () { box.hidden = true; });
  }
  function later() { window.clearTimeout(timer); timer = window.setTimeout(lookup, 600); }
  content.addEventListener("input", later);
  if (agency) { agency.addEventListener("change", later); }
  if (content.value.trim()) { later(); }
})();
