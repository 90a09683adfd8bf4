// Sorting and filtering for the front page's table of briefings. The table works without this script;
// it reads what to sort and filter by from the rows' data- attributes and holds no data of its own.
(function () {
  "use strict";
  var table = document.getElementById("briefings");
  var controls = document.getElementById("controls");
  if (!table || !controls || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = Array.prototype.slice.call(controls.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var menu = document.getElementById("sort");

  function values(row, key) {
    var text = row.getAttribute("data-" + key) || "";
    return text ? text.split("|") : [];
  }

  function filtering() {
    return selects.some(function (select) { return !!select.value; });
  }

  // The briefings of several policies (the portfolio, a topic) are in a table of their own, outside the filters.
  function matches(row) {
    return selects.every(function (select) {
      return !select.value || values(row, select.getAttribute("data-filter")).indexOf(select.value) >= 0;
    });
  }

  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      var keep = matches(row);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    // The sentence in the page's language, from the template's data-words ("Showing {count} of {total} ...").
    shown.textContent = (shown.getAttribute("data-words") || "{count} / {total}")
      .replace("{count}", String(count)).replace("{total}", String(rows.length));
  }

  // Sort by a column: the other way round on a second click, or as the sort menu says (a phone, where the
  // table's headings are not shown). The headings and the menu always agree.
  function sortBy(th, direction) {
    var key = th.getAttribute("data-sort");
    var numeric = th.getAttribute("data-numeric") === "true";
    var ascending = direction ? direction === "ascending" : th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var choice = key + ":" + (ascending ? "ascending" : "descending");
    menu.value = Array.prototype.some.call(menu.options, function (o) { return o.value === choice; }) ? choice : "";
    rows.sort(function (a, b) {
      var x = a.getAttribute("data-sort-" + key) || "";
      var y = b.getAttribute("data-sort-" + key) || "";
      if (!x !== !y) { return x ? -1 : 1; }  // an unknown value (no issue date, no period) sorts last either way
      var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      if (order === 0) {
        order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return order;
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  headers.forEach(function (th) {
    if (!th.getAttribute("data-sort")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th); });
  });
  selects.forEach(function (select) { select.addEventListener("change", filter); });
  menu.addEventListener("change", function () {
    var parts = menu.value.split(":");
    var th = headers.filter(function (h) { return h.getAttribute("data-sort") === parts[0]; })[0];
    if (th) { sortBy(th, parts[1]); return; }
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });  // list order
    rows.sort(function (a, b) { return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")); });
    rows.forEach(function (row) { body.appendChild(row); });
  });
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (select) { select.value = ""; });
    filter();
  });
  controls.hidden = false;
  filter();
}());
