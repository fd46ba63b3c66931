/* Imaginer 2030: keep the sections live. Every few seconds, while the page is shown,
 * each section body ([data-imaginer-view]) is fetched again from
 * /ateliers/{slug}/imaginer/{view} and replaced when it changed; a polite live region
 * names the sections that changed. A page may also dispatch "trajectoires:changed" on
 * document to refresh at once (after a post). */
(function () {
  "use strict";
  var root = document.querySelector("[data-imaginer-slug]");
  if (!root) { return; }
  var slug = root.getAttribute("data-imaginer-slug");
  var every = Math.max(3, parseInt(root.getAttribute("data-imaginer-every"), 10) || 10) * 1000;
  var announcer = root.querySelector("[data-imaginer-announcer]");
  var last = {};
  var busy = false;

  function update(body, html, changed) {
    var view = body.getAttribute("data-imaginer-view");
    var text = html.trim();
    if (last[view] === undefined) { last[view] = body.innerHTML.trim(); }
    if (text === last[view]) { return; }
    last[view] = text;
    body.innerHTML = html;
    changed.push(body.getAttribute("data-imaginer-title"));
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    var bodies = root.querySelectorAll("[data-imaginer-view]");
    if (!bodies.length) { return; }
    busy = true;
    var pending = bodies.length;
    var changed = [];
    Array.prototype.forEach.call(bodies, function (body) {
      var url = "/ateliers/" + encodeURIComponent(slug) + "/imaginer/" +
        body.getAttribute("data-imaginer-view");
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { update(body, html, changed); } })
        .catch(function () { /* offline for a moment: the next round retries */ })
        .then(function () {
          pending -= 1;
          if (pending) { return; }
          busy = false;
          if (changed.length && announcer) { announcer.textContent = "Mis à jour : " + changed.join(", ") + "."; }
        });
    });
  }

  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
  document.addEventListener("trajectoires:changed", refresh);
})();
