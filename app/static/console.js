/* The console page's behaviours: the Cypher editor over the query box, the schema
 * panel's names inserted at the cursor, a per-browser query history, the result views
 * (plan, table, graph, JSON) and CSV/JSON downloads of the capped result.
 *
 * Everything here is an addition: without this file (or the editor bundle) the page is
 * a form with a textarea that posts the query, and every result view is shown. Text
 * from the server or the history is placed with textContent, never parsed as HTML. */
(function () {
  "use strict";

  var HISTORY_KEY = "ownergraph.console.history";
  var script = document.getElementById("console-script");
  var HISTORY_SIZE = parseInt((script && script.getAttribute("data-history-size")) || "50", 10);
  var form = document.getElementById("console-form");
  var textarea = document.getElementById("query");
  var paramsBox = document.getElementById("params");
  if (!form || !textarea) { return; }

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  // -- the editor -----------------------------------------------------------------------
  var editor = null;
  if (window.OwnergraphCypherEditor) {
    try {
      editor = window.OwnergraphCypherEditor.attach(textarea, {schema: readJson("console-schema") || {}});
    } catch (e) {
      editor = null;   // the textarea stays, as without the bundle
      textarea.hidden = false;
    }
  }

  function setQuery(text) {
    if (editor) { editor.value = text; } else { textarea.value = text; }
    textarea.value = text;
  }

  function insertAtCursor(text) {
    if (editor) {
      var view = editor.view;
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
      return;
    }
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.focus();
  }

  document.querySelectorAll("#schema-panel .schema-name").forEach(function (b) {
    b.addEventListener("click", function () { insertAtCursor(b.getAttribute("data-insert")); });
  });

  // -- history (this browser only, bounded) ---------------------------------------------
  function loadHistory() {
    try {
      var list = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (h) { return h && typeof h.query === "string"; }) : [];
    } catch (e) {
      return [];   // storage disabled or damaged: no history, the console still works
    }
  }

  function saveHistory(list) {
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_SIZE))); } catch (e) { /* full or disabled */ }
  }

  function remember(query, params) {
    if (!query.trim()) { return; }
    var list = loadHistory().filter(function (h) { return !(h.query === query && (h.params || "") === params); });
    list.unshift({query: query, params: params, at: Date.now()});
    saveHistory(list);
  }

  function renderHistory() {
    var panel = document.getElementById("history-panel");
    var ol = document.getElementById("history-list");
    if (!panel || !ol) { return; }
    var list = loadHistory();
    ol.textContent = "";
    list.forEach(function (h) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "history-item";
      b.title = h.query;
      b.textContent = h.query.replace(/\s+/g, " ").slice(0, 140);
      b.addEventListener("click", function () {
        setQuery(h.query);
        if (paramsBox) { paramsBox.value = h.params || ""; }
      });
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = new Date(h.at).toLocaleString();
      li.appendChild(b);
      li.appendChild(when);
      ol.appendChild(li);
    });
    panel.hidden = list.length === 0;
  }

  form.addEventListener("submit", function () {
    remember(editor ? editor.value : textarea.value, paramsBox ? paramsBox.value : "");
  });
  var clear = document.getElementById("history-clear");
  if (clear) {
    clear.addEventListener("click", function () { saveHistory([]); renderHistory(); });
  }
  renderHistory();

  // -- result views ---------------------------------------------------------------------
  var result = document.getElementById("console-result");
  if (!result) { return; }
  var views = result.querySelector(".views");
  var buttons = result.querySelectorAll(".views [data-view]");

  function show(name) {
    result.querySelectorAll(".result-view").forEach(function (v) {
      v.classList.toggle("active", v.getAttribute("data-view") === name);
    });
    buttons.forEach(function (b) {
      var on = b.getAttribute("data-view") === name;
      b.classList.toggle("primary", on);
      b.setAttribute("aria-selected", on ? "true" : "false");
    });
    var json = document.getElementById("console-json");
    if (name === "json" && !json.textContent) {   // made on first view: the page carries the rows once, as data
      json.textContent = JSON.stringify(records(readJson("console-result-data") || {columns: [], rows: []}), null, 1);
    }
    var net = window.ownergraphNetworks && window.ownergraphNetworks["console-graph"];
    if (name === "graph" && net) { net.redraw(); net.fit({maxZoomLevel: 1.35}); }
    result.setAttribute("data-active-view", name);
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-view")); });
  });
  result.classList.add("tabbed");
  document.getElementById("view-json").hidden = false;
  views.hidden = false;
  show(result.querySelector('.result-view[data-view="plan"]') ? "plan"
       : result.querySelector('.result-view[data-view="graph"]') ? "graph" : "table");

  // -- downloads of the capped result ---------------------------------------------------
  var data = readJson("console-result-data");
  var downloads = result.querySelector(".downloads");
  if (!data || !downloads) { return; }
  downloads.hidden = false;

  // A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a
  // formula: such text gets a leading apostrophe, which shows it as text.
  function csvCell(v) {
    var text;
    if (v === null || v === undefined) { text = ""; }
    else if (typeof v === "string") { text = /^[=+\-@\t\r]/.test(v) ? "'" + v : v; }
    else if (typeof v === "number" || typeof v === "boolean") { text = String(v); }
    else { text = JSON.stringify(v); }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function toCsv(d) {
    var lines = [d.columns.map(csvCell).join(",")];
    d.rows.forEach(function (row) { lines.push(row.map(csvCell).join(",")); });
    return lines.join("\r\n") + "\r\n";
  }

  function records(d) {
    return d.rows.map(function (row) {
      var o = {};
      d.columns.forEach(function (c, i) { o[c] = row[i]; });
      return o;
    });
  }

  function save(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  window.ownergraphConsole = {csvCell: csvCell, toCsv: toCsv};
  document.getElementById("download-csv").addEventListener("click", function () {
    save("ownergraph-result.csv", "text/csv;charset=utf-8", "\ufeff" + toCsv(data));
  });
  document.getElementById("download-json").addEventListener("click", function () {
    save("ownergraph-result.json", "application/json", JSON.stringify(records(data), null, 1) + "\n");
  });
})();
