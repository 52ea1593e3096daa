/* touchmine dashboard — compiled into the binary (scripts/embed-assets.sh).
 * Plain JS, no network: tooltips, table sort and filter, CSV download,
 * breakdown switches, and (live page) filters that apply on change. */
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  /* Tooltips: each mark's <title> becomes data-tip, shown in a floating box. */
  document.querySelectorAll("svg title").forEach(function (t) {
    var el = t.parentNode;
    el.setAttribute("data-tip", t.textContent);
    el.setAttribute("tabindex", "0");
    el.removeChild(t);
  });
  function showTip(e) {
    var el = e.target.closest && e.target.closest("[data-tip]");
    if (!el || !tip) { if (tip) tip.hidden = true; return; }
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    var x = e.clientX || (el.getBoundingClientRect().left + 10), y = e.clientY || el.getBoundingClientRect().top;
    tip.style.left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = (y + 14) + "px";
  }
  document.addEventListener("mousemove", showTip);
  document.addEventListener("focusin", showTip);
  document.addEventListener("mouseleave", function () { if (tip) tip.hidden = true; });

  /* Sortable tables: numbers by data-v, text by locale. */
  document.querySelectorAll("table.sortable th").forEach(function (th, _) {
    th.addEventListener("click", function () {
      var table = th.closest("table"), idx = Array.prototype.indexOf.call(th.parentNode.children, th);
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows), num = th.classList.contains("n");
      rows.sort(function (a, b) {
        var x = a.cells[idx], y = b.cells[idx], r;
        if (num) r = (parseFloat(x.getAttribute("data-v")) || 0) - (parseFloat(y.getAttribute("data-v")) || 0);
        else r = x.textContent.localeCompare(y.textContent);
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  /* Filter rows by text. */
  document.querySelectorAll("input.tfilter").forEach(function (inp) {
    inp.addEventListener("input", function () {
      var q = inp.value.toLowerCase(), table = inp.closest("details").querySelector("table");
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  /* CSV download of a table, built from the cells' raw values. */
  function csvField(s) { return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  document.querySelectorAll("button.csv").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var table = btn.closest("details").querySelector("table"), lines = [];
      Array.prototype.forEach.call(table.rows, function (r) {
        lines.push(Array.prototype.map.call(r.cells, function (c) {
          var v = c.getAttribute("data-v");
          return csvField(v !== null ? v : c.textContent);
        }).join(","));
      });
      var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv" }), a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = btn.getAttribute("data-file") || "data.csv";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
  });
  /* Breakdown switches: show the chosen alternative. */
  document.querySelectorAll("select.breakdown").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var box = sel.closest(".switch");
      box.querySelectorAll(":scope > .alt").forEach(function (alt) { alt.hidden = alt.getAttribute("data-alt") !== sel.value; });
    });
  });
  /* Live page: a filter applies as soon as it changes. */
  var form = document.getElementById("filters");
  if (form) form.querySelectorAll("select, input").forEach(function (el) {
    el.addEventListener("change", function () { form.submit(); });
  });
})();
