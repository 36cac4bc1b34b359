// git opentraces serve: a little behaviour on top of server-rendered pages.
// Writes go to /api/... as POST with the per-run token in the X-OT-Token header
// (read from <meta name="ot-token">), which a cross-site page cannot set.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="ot-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function typing(e) {
    var t = e.target;
    return e.ctrlKey || e.metaKey || e.altKey ||
      (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable));
  }

  // Traces: "/" focuses the search box.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || typing(e)) return;
    var q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); q.select(); }
  });

  // Dataset review: buttons and keys a/r/u (approve, reject, reset), j/k (next, previous).
  var review = document.getElementById("review");
  if (!review) return;
  var dataset = review.getAttribute("data-dataset");
  var row = review.getAttribute("data-row");
  var msg = document.getElementById("review-msg");
  var busy = false;

  function say(text, isError) {
    if (!msg) return;
    msg.textContent = text;
    msg.className = isError ? "msg error" : "msg";
  }

  function act(action) {
    if (busy || !row) return;
    busy = true;
    say(action + "…", false);
    fetch("/api/datasets/" + encodeURIComponent(dataset) + "/review", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-OT-Token": token },
      body: JSON.stringify({ action: action, row_ids: [row] }),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      busy = false;
      if (!res.ok) {
        var err = res.body && res.body.error ? res.body.error : {};
        say((err.code || "ERROR") + ": " + (err.message || "the action failed"), true);
        return;
      }
      var changed = res.body.row_ids && res.body.row_ids.length > 0;
      say(changed ? action + "d" : "unchanged (blocked or published rows cannot move)", !changed);
      // Show the same row again, as the server now has it.
      window.location.replace("/datasets/" + encodeURIComponent(dataset) + "?row=" + encodeURIComponent(row));
    }).catch(function (e) {
      busy = false;
      say("request failed: " + e, true);
    });
  }

  function go(id) {
    var a = document.getElementById(id);
    if (a && a.getAttribute("href")) window.location.href = a.getAttribute("href");
  }

  var buttons = review.querySelectorAll("button[data-action]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (e) { act(e.currentTarget.getAttribute("data-action")); });
  }
  var keys = { a: "approve", r: "reject", u: "reset" };
  document.addEventListener("keydown", function (e) {
    if (typing(e)) return;
    if (keys[e.key]) { e.preventDefault(); act(keys[e.key]); }
    else if (e.key === "j") { e.preventDefault(); go("next-row"); }
    else if (e.key === "k") { e.preventDefault(); go("prev-row"); }
  });
})();
