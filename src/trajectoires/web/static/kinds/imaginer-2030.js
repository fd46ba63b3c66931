/* Imaginer 2030: keep the sections live. Every few seconds, while the page is shown,
 * the bodies of the sections ([data-imaginer-view]) are fetched again in one request
 * (/ateliers/{slug}/imaginer?vues=…) and replaced when their digest changed; a polite live
 * region names the sections that changed. A page may also dispatch
 * "trajectoires:changed" on document to refresh at once (after a post, on a live event). */
(function () {
  "use strict";
  var root = document.querySelector("[data-imaginer-slug]");
  if (!root) { return; }
  var slug = root.getAttribute("data-imaginer-slug");
  var every = Math.max(3, parseInt(root.getAttribute("data-imaginer-every"), 10) || 10) * 1000;
  var announcer = root.querySelector("[data-imaginer-announcer]");
  var busy = false;

  function bodies() {
    var found = {};
    Array.prototype.forEach.call(root.querySelectorAll("[data-imaginer-view]"), function (body) {
      found[body.getAttribute("data-imaginer-view")] = body;
    });
    return found;
  }

  function apply(found, fragments) {
    var changed = [];
    Object.keys(fragments).forEach(function (view) {
      var body = found[view];
      var fragment = fragments[view];
      if (!body || !fragment || fragment.digest === body.getAttribute("data-imaginer-digest")) {
        return;
      }
      body.setAttribute("data-imaginer-digest", fragment.digest);
      body.innerHTML = fragment.html;
      changed.push(body.getAttribute("data-imaginer-title"));
    });
    if (changed.length && announcer) {
      announcer.textContent = "Mis à jour : " + changed.join(", ") + ".";
    }
  }

  function refresh() {
    var found = bodies();
    var views = Object.keys(found);
    if (busy || document.hidden || !views.length) { return; }
    busy = true;
    var url = "/ateliers/" + encodeURIComponent(slug) + "/imaginer?vues=" + views.join(",");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (fragments) { apply(found, fragments); })
      .catch(function () { /* offline for a moment: the next round retries */ })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
  document.addEventListener("trajectoires:changed", refresh);
})();
