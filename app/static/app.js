/* Small page behaviours: search as you type, copy the incident summary as Markdown,
 * load slow page parts after the page, and Ctrl+Enter in the console. Text from the
 * server is always placed with textContent, never parsed as HTML, except fragments the
 * server itself rendered and escaped. */
(function () {
  "use strict";

  function encodePath(uid) {
    return uid.split("/").map(encodeURIComponent).join("/");
  }

  // -- search as you type -------------------------------------------------------------
  var search = document.getElementById("search");
  var box = document.getElementById("suggest");
  if (search && box) {
    var artifactBase = search.getAttribute("data-artifact-base").replace(/x$/, "");
    var artifactQuery = search.getAttribute("data-artifact-query");
    var artifactHref = function (uid) {
      var dots = uid.split("/").some(function (seg) { return seg === "." || seg === ".."; });
      return dots ? artifactQuery + "?uid=" + encodeURIComponent(uid) : artifactBase + encodePath(uid);
    };
    var timer = null, seq = 0;
    var render = function (results) {
      box.textContent = "";
      if (!results.length) { box.hidden = true; return; }
      results.forEach(function (r) {
        var a = document.createElement("a");
        a.className = "sugg";
        a.href = artifactHref(r.uid);
        var uid = document.createElement("span");
        uid.className = "uid";
        uid.textContent = r.uid;
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent = [r.kind, r.owner_name || r.owner || "no owner", r.team_name || ""]
          .filter(Boolean).join(" · ");
        a.appendChild(uid);
        a.appendChild(meta);
        box.appendChild(a);
      });
      box.hidden = false;
    };
    search.addEventListener("input", function () {
      clearTimeout(timer);
      var q = search.value.trim();
      if (q.length < 2) { box.hidden = true; return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch(search.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (body) { if (mine === seq) { render(body.results || []); } })
          .catch(function () { box.hidden = true; });
      }, 180);
    });
    document.addEventListener("click", function (e) {
      if (!box.contains(e.target) && e.target !== search) { box.hidden = true; }
    });
  }

  // -- copy as Markdown ---------------------------------------------------------------
  var copy = document.getElementById("copy-md");
  if (copy) {
    copy.addEventListener("click", function () {
      var source = document.getElementById(copy.getAttribute("data-source"));
      var status = document.getElementById("copy-md-status");
      var text = source.value;
      var fallback = function () {
        source.classList.remove("visually-hidden");
        source.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        source.classList.add("visually-hidden");
        status.textContent = ok ? "Copied to the clipboard" : "Select the text and copy it";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = "Copied to the clipboard";
        }, fallback);
      } else {
        fallback();
      }
    });
  }

  // -- parts loaded after the page ----------------------------------------------------
  document.querySelectorAll("[data-fragment]").forEach(function (el) {
    fetch(el.getAttribute("data-fragment"))
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) { el.innerHTML = html; })   // rendered and escaped by the server
      .catch(function () { el.textContent = "Could not load this part of the page."; });
  });

  // -- console ------------------------------------------------------------------------
  var form = document.getElementById("console-form");
  if (form) {
    form.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }   // requestSubmit fires "submit" (the history listens)
      }
    });
  }
})();
