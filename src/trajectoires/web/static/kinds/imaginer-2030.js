/* Imaginer 2030: keep the sections live. Each section's body ([data-imaginer-view]) is
 * registered as the live region "imaginer.<view>" with the shared registry of
 * workshop-live.js (window.Trajectoires.regions), which fetches it again, with the page's
 * other regions, in one request to /ateliers/{slug}/fragments when a live event concerns it
 * (data-types, data-live-on) and its digest changed. A polite live region names the sections
 * that changed. */
(function () {
  "use strict";
  var root = document.querySelector("[data-imaginer-slug]");
  if (!root) { return; }
  var announcer = root.querySelector("[data-imaginer-announcer]");
  var changed = [];

  function announce(entry) {
    if (!announcer) { return; }
    changed.push(entry.el.getAttribute("data-imaginer-title"));
    if (changed.length > 1) { return; }
    window.setTimeout(function () {  // one message for the sections swapped by one answer
      announcer.textContent = "Mis à jour : " + changed.join(", ") + ".";
      changed = [];
    }, 0);
  }

  function start() {
    var regions = window.Trajectoires && window.Trajectoires.regions;
    if (!regions) { return; }  // not a live workshop page
    root.querySelectorAll("[data-imaginer-view]").forEach(function (body) {
      regions.register("imaginer." + body.getAttribute("data-imaginer-view"), body, {
        digest: body.getAttribute("data-imaginer-digest"),
        onUpdate: announce
      });
    });
  }

  // workshop-live.js comes later in the page: register once every deferred script ran.
  // A deferred script runs while readyState is already "interactive", before workshop-live.js
  // (deferred too, later in the page) has defined window.Trajectoires: wait for the DOM.
  if (document.readyState !== "complete") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
