/* Trajectoires — live workshop pages of every kind (participant, facilitation, projection).
 *
 * Without JavaScript every form posts and the page comes back. With it:
 * - the stream /ateliers/{slug}/flux is read (on the debate's pages, workshop.js reads it and
 *   passes the events on as "trajectoires:sse" on document);
 * - `contribution` and `ranking` events refresh the regions concerned ([data-live-region],
 *   fetched again from their data-fragment URL, server-rendered) at most once every 1.5 s per
 *   region whatever the number of events, and dispatch "trajectoires:changed" on document
 *   (debounced the same way) so that the kind's sections refresh too;
 * - `state` shows or hides the lock and refreshes the session region (timer, table);
 *   `status` (the phase changed) reloads the page;
 * - a region is never replaced while it holds the focus or a form being typed in: it is
 *   refreshed once the focus leaves it;
 * - the generated forms, the points and the table chooser are sent with fetch; a refusal
 *   is shown above the form, what was typed stays;
 * - the timer counts down from its end time; a polite live region announces only each
 *   minute, and the end.
 * User text comes only from server-rendered fragments (escaped by Jinja2).
 */
(function () {
  "use strict";

  var GAP = 1500;

  function chooseKindSettings() {
    var form = document.getElementById("new-workshop");
    if (!form) { return; }
    function show() {
      var checked = form.querySelector('input[name="kind"]:checked');
      var kind = checked ? checked.value : "";
      form.querySelectorAll("[data-setting-kinds]").forEach(function (box) {
        box.hidden = box.getAttribute("data-setting-kinds").split(" ").indexOf(kind) < 0;
      });
    }
    form.querySelectorAll('input[name="kind"]').forEach(function (r) { r.addEventListener("change", show); });
    show();
  }
  chooseKindSettings();

  var root = document.getElementById("workshop");
  if (!root) { return; }
  var slug = root.dataset.slug;
  var role = root.dataset.role;
  var liveStatus = root.querySelector("[data-live-status]");
  var announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  root.appendChild(announcer);

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // -- regions ------------------------------------------------------------------------------
  function busy(el) {
    var active = document.activeElement;
    return el.dataset.dirty === "true" || (active && active !== document.body && el.contains(active));
  }

  function refresh(el, force) {
    if (!force && busy(el)) { el.dataset.pending = "true"; return; }
    el.dataset.pending = "";
    el._last = Date.now();
    fetch(el.dataset.fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        if (!force && busy(el)) { el.dataset.pending = "true"; return; }
        el.innerHTML = html;
        bind(el);
        if (el.dataset.liveRegion === "session") { tick(true); }
      })
      .catch(function () { el.dataset.pending = "true"; });
  }

  function schedule(el) {
    if (el._timer) { return; }
    var wait = Math.max(0, GAP - (Date.now() - (el._last || 0))) + Math.floor(Math.random() * 300);
    el._timer = window.setTimeout(function () { el._timer = null; refresh(el, false); }, wait);
  }

  function regions(kind, type) {
    return Array.prototype.filter.call(document.querySelectorAll('[data-live-region="' + kind + '"]'), function (el) {
      return type === undefined || (el.dataset.types || "").split(" ").indexOf(type) >= 0;
    });
  }

  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      document.querySelectorAll('[data-live-region][data-pending="true"]').forEach(schedule);
    }, 0);
  });

  var changedTimer = null, changedLast = 0;
  function changed() {
    if (changedTimer) { return; }
    var wait = Math.max(0, GAP - (Date.now() - changedLast));
    changedTimer = window.setTimeout(function () {
      changedTimer = null;
      changedLast = Date.now();
      document.dispatchEvent(new CustomEvent("trajectoires:changed"));
    }, wait);
  }

  // -- events ---------------------------------------------------------------------------------
  function onEvent(kind, data) {
    if (kind === "contribution") {
      regions("contributions", data.type).concat(regions("form", data.type)).forEach(schedule);
      changed();
    } else if (kind === "ranking") {
      changed();
    } else if (kind === "state") {
      if (role === "participant") {
        document.querySelectorAll("[data-lockable]").forEach(function (el) { el.hidden = !!data.locked; });
      }
      regions("session").forEach(schedule);
    } else if (kind === "status" && root.dataset.live !== "debate") {
      window.location.reload();
    }
  }

  function listen() {
    if (root.dataset.live === "debate") {
      document.addEventListener("trajectoires:sse", function (e) { onEvent(e.detail.type, e.detail.data); });
      return;
    }
    if (!window.EventSource) { return; }
    var source = new EventSource("/ateliers/" + encodeURIComponent(slug) + "/flux");
    var dropped = false;
    source.addEventListener("open", function () {
      if (liveStatus) { liveStatus.textContent = "Mise à jour en direct : active."; }
      if (dropped) {
        dropped = false;
        document.querySelectorAll("[data-live-region]").forEach(schedule);
        changed();
      }
    });
    source.addEventListener("error", function () {
      dropped = true;
      if (liveStatus) { liveStatus.textContent = "Mise à jour en direct : reconnexion…"; }
    });
    ["contribution", "ranking", "state", "status"].forEach(function (kind) {
      source.addEventListener(kind, function (e) { onEvent(kind, JSON.parse(e.data || "{}")); });
    });
  }

  // -- forms sent with fetch --------------------------------------------------------------------
  function send(form) {
    return fetch(form.action, {
      method: "POST", credentials: "same-origin", body: new FormData(form),
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.detail || "Erreur " + response.status + "."); }
        return data;
      });
    });
  }

  function errorBox(form) {
    var box = form.querySelector("[data-form-error]");
    if (!box) {
      box = document.createElement("p");
      box.className = "form-error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-form-error", "");
      form.appendChild(box);
    }
    return box;
  }

  function contributionSent(form, result) {
    var region = form.closest("[data-live-region]");
    var editing = region && region.dataset.liveRegion === "contributions";
    if (region) { region.dataset.dirty = ""; }
    if (!editing) {
      var table = form.querySelector('[name="table_id"]');
      var seat = table ? table.value : "";
      form.reset();
      if (table) { table.value = seat; }
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
    }
    regions("contributions", result.type).forEach(function (el) { refresh(el, true); });
    announce(result.status === "pending" ? "Contribution envoyée : elle attend la validation de l'animation."
      : (editing ? "Modification enregistrée." : "Contribution publiée."));
    changed();
  }

  function pointsSent(result) {
    var left = document.querySelector("[data-points-left]");
    if (left) { left.textContent = String(result.left); }
    announce("Il vous reste " + result.left + " point" + (result.left > 1 ? "s" : "") + " à répartir.");
  }

  function onSubmit(event) {
    var form = event.target;
    var kind = form.matches(".contribution-form") ? "contribution"
      : form.matches(".points-form") ? "points" : form.matches(".table-form") ? "table" : null;
    if (!kind || !window.fetch) { return; }
    event.preventDefault();
    var box = errorBox(form);
    send(form).then(function (result) {
      box.textContent = "";
      if (kind === "contribution") { contributionSent(form, result); }
      else if (kind === "points") { pointsSent(result); changed(); }
      else { regions("session").forEach(function (el) { refresh(el, true); }); announce("Table choisie."); }
    }).catch(function (e) { box.textContent = e.message; });
  }

  function bind(scope) {
    scope.querySelectorAll("form").forEach(function (form) {
      if (form._bound) { return; }
      form._bound = true;
      form.addEventListener("submit", onSubmit);
    });
  }

  document.addEventListener("input", function (event) {
    var region = event.target.closest && event.target.closest('[data-live-region="form"], [data-live-region="contributions"]');
    if (region && event.target.closest("form")) { region.dataset.dirty = "true"; }
  });

  // -- timer -------------------------------------------------------------------------------------
  var spoken = null;
  function tick(silent) {
    var timer = document.querySelector("[data-timer]");
    var voice = document.getElementById("timer-announcer");
    if (!timer) { spoken = null; return; }
    var left = Math.max(0, Math.round((Date.parse(timer.dataset.endsAt) - Date.now()) / 1000));
    var value = timer.querySelector("[data-timer-value]");
    var minutes = Math.ceil(left / 60);
    if (value) {
      value.textContent = left > 0 ? Math.floor(left / 60) + " min " + ("0" + (left % 60)).slice(-2) + " s" : "temps écoulé";
    }
    if (spoken !== null && minutes !== spoken && voice && !silent) {
      voice.textContent = left > 0 ? (timer.dataset.label + " : il reste " + minutes + " minute" + (minutes > 1 ? "s" : "") + ".")
        : (timer.dataset.label + " : temps écoulé.");
    }
    spoken = minutes;
  }

  bind(document);
  tick(true);
  window.setInterval(function () { tick(false); }, 1000);
  listen();
}());
