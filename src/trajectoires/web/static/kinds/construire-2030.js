/* Trajectoires — Construire 2030: « et si… ? » on the trajectory page.
 *
 * Without JavaScript the facilitator ticks the actions and presses « Mettre à jour la trajectoire »
 * (the form posts, the page comes back). With it, each change of a box sends the form with fetch
 * (Accept: application/json), then asks workshop-live.js to refresh the region
 * construire.trajectory at once; the server also announces the change on the workshop's stream, so
 * every page showing the trajectory (projection, participants) refreshes it too.
 */
(function () {
  "use strict";
  var form = document.getElementById("trajectoire-actions");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-switch-status]");
  var sending = null, again = false;

  function say(text) { if (status) { status.textContent = text; } }

  function send() {
    if (sending) { again = true; return; }
    say("Mise à jour de la trajectoire…");
    sending = fetch(form.getAttribute("action"), {
      method: "POST", credentials: "same-origin", body: new FormData(form),
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.detail || "Erreur " + response.status + "."); }
        return data;
      });
    }).then(function () {
      form.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.defaultChecked = box.checked; });
      var T = window.Trajectoires;
      if (T && T.regions) { T.regions.refresh(["construire.trajectory"]); }
      say("Trajectoire mise à jour.");
    }).catch(function (e) { say(e.message); }).then(function () {
      sending = null;
      if (again) { again = false; send(); }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches('input[type="checkbox"]')) { send(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
}());
