/* paramatlas: sortable tables and filters for tables that follow a .pa-table-tools marker.
   Without JavaScript every table is still complete; this only adds sorting and filtering. */
(function () {
  "use strict";

  // "30.5B", "~2.3B", "800M", "1.04T", "17.4 GiB", "~42 (30–55)", "2025-04-29" -> sortable keys
  var UNITS = { T: 1e12, B: 1e9, M: 1e6, K: 1e3 };
  function sortKey(text) {
    var clean = text.replace(/[~,]/g, "").trim();
    var match = clean.match(/^(-?\d+(?:\.\d+)?)\s*([TBMK])?\b/);
    if (match) return { number: parseFloat(match[1]) * (UNITS[match[2]] || 1) };
    if (/^[—–-]?$/.test(clean)) return { number: -Infinity };
    return { text: clean.toLowerCase() };
  }

  function compare(a, b) {
    if ("number" in a && "number" in b) return a.number - b.number;
    if ("number" in a) return -1;
    if ("number" in b) return 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var order = compare(sortKey(x.cells[column].textContent), sortKey(y.cells[column].textContent));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function columnIndex(table, name) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) if (cells[i].textContent.trim() === name) return i;
    return -1;
  }

  function addFilters(marker, table) {
    var names = (marker.dataset.filters || "").split(",").filter(Boolean);
    var sizeColumn = marker.dataset.sizeColumn ? columnIndex(table, marker.dataset.sizeColumn) : -1;
    if (!names.length && sizeColumn < 0) return;
    var form = document.createElement("form");
    form.className = "pa-tools";
    form.setAttribute("role", "search");
    var controls = [];
    names.forEach(function (name) {
      var column = columnIndex(table, name);
      if (column < 0) return;
      var values = {};
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        values[row.cells[column].textContent.trim()] = true;
      });
      var label = document.createElement("label");
      label.textContent = name;
      var select = document.createElement("select");
      select.name = name;
      select.add(new Option("All", ""));
      Object.keys(values).sort().forEach(function (value) { select.add(new Option(value, value)); });
      label.appendChild(select);
      form.appendChild(label);
      controls.push({ column: column, input: select, exact: true });
    });
    var bounds = [];
    if (sizeColumn >= 0) {
      ["at least", "at most"].forEach(function (word, index) {
        var label = document.createElement("label");
        label.textContent = marker.dataset.sizeColumn + " " + word + " (billions)";
        var input = document.createElement("input");
        input.type = "number"; input.min = "0"; input.step = "any"; input.size = 6;
        input.name = index ? "max" : "min";
        label.appendChild(input);
        form.appendChild(label);
        bounds.push(input);
      });
    }
    var count = document.createElement("output");
    count.setAttribute("aria-live", "polite");
    form.appendChild(count);
    function apply() {
      var shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (row) {
        var visible = controls.every(function (control) {
          return !control.input.value || row.cells[control.column].textContent.trim() === control.input.value;
        });
        if (visible && bounds.length) {
          var size = sortKey(row.cells[sizeColumn].textContent).number / 1e9;
          var low = parseFloat(bounds[0].value), high = parseFloat(bounds[1].value);
          if (!isNaN(low) && size < low) visible = false;
          if (!isNaN(high) && size > high) visible = false;
        }
        row.hidden = !visible;
        if (visible) shown++;
      });
      count.value = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    marker.appendChild(form);
    apply();
  }

  // A table wider than the page scrolls inside its wrapper: keyboard users must reach it too.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap, .pa-compare-table").forEach(function (wrap) {
      if (wrap.hasAttribute("tabindex")) return;
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = wrap.querySelector("caption, th");
      wrap.setAttribute("aria-label", "Table" + (caption ? ": " + caption.textContent.trim() : ""));
    });
    // A chart scrolls sideways on a phone (see paramatlas.css): the same applies.
    document.querySelectorAll(".pa-figure").forEach(function (figure) {
      if (figure.hasAttribute("tabindex") || figure.scrollWidth <= figure.clientWidth) return;
      var title = figure.querySelector("svg title");
      figure.setAttribute("tabindex", "0");
      figure.setAttribute("role", "region");
      figure.setAttribute("aria-label", "Chart" + (title ? ": " + title.textContent.trim() : ""));
    });
  }

  function enhance() {
    focusableScrollers();
    document.querySelectorAll(".pa-table-tools").forEach(function (marker) {
      var next = marker.nextElementSibling;
      var table = next && (next.tagName === "TABLE" ? next : next.querySelector("table"));
      if (!table || table.dataset.paEnhanced) return;
      table.dataset.paEnhanced = "true";
      makeSortable(table);
      addFilters(marker, table);
    });
  }

  // The calculator's pages build tables after load and make them sortable themselves.
  window.paramatlasTables = { makeSortable: makeSortable };

  // Material's instant navigation swaps pages without a reload: re-run on every page.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
