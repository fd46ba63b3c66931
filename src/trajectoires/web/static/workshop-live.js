/* Trajectoires — live workshop pages of every kind (participant, facilitation, projection).
 *
 * Without JavaScript every form posts and the page comes back. With it:
 * - the stream /ateliers/{slug}/flux is read (on the debate's pages, workshop.js reads it and
 *   passes the events on as "trajectoires:sse" on document);
 * - the page's live regions form a registry, window.Trajectoires.regions: the elements
 *   marked [data-region="name"] (data-types: the contribution types it shows, absent = any;
 *   data-live-on: the events that refresh it; data-digest: the digest of its body), and those a
 *   kind's script adds with Trajectoires.regions.register(name, element, {onUpdate: fn});
 * - `contribution`, `ranking` and `state` events mark the regions concerned; at most once every
 *   1.5 s (plus a little jitter), one request GET /ateliers/{slug}/fragments?regions=name:digest,…
 *   brings back the bodies whose digest changed (204: none did), server-rendered;
 * - a region is never replaced while it holds the focus or a form whose fields were changed:
 *   it is refreshed once the focus leaves it; open <details> and scroll positions are kept;
 * - `status` (the phase changed) saves what is being typed in the forms (sessionStorage, per
 *   workshop and form), then reloads the page, which puts it back; a post clears it. A
 *   refresh whose X-Workshop-Status differs from the page's does the same (missed event);
 * - `reset`, a reconnection, the page shown again and, every 60 s, a fallback round ask for
 *   every region (unchanged ones cost an empty answer);
 * - the generated forms, the points and the table chooser are sent with fetch; a refusal
 *   is shown above the form, what was typed stays;
 * - the timer counts down from its end time; a polite live region announces only each
 *   minute, and the end.
 * User text comes only from server-rendered fragments (escaped by Jinja2).
 */
(function () {
  "use strict";

  var GAP = 1500, JITTER = 300, FALLBACK = 60000;

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
  var debate = root.dataset.live === "debate";
  var view = { facilitator: "animation", projection: "projection" }[role] || "participant";
  var liveStatus = root.querySelector("[data-live-status]");
  var announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  root.appendChild(announcer);

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // -- forms being typed in, and their drafts across a reload ---------------------------------
  var DRAFT = "trajectoires:brouillon:" + slug + ":";

  function fields(form) {
    return form.querySelectorAll("input[name]:not([type=hidden]):not([type=submit]):not([type=button]), textarea[name], select[name]");
  }

  function edited(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT" && field.multiple) {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (field.tagName === "SELECT") {  // with no option marked selected, the first one is
      var first = Array.prototype.findIndex.call(field.options, function (o) { return o.defaultSelected; });
      return field.selectedIndex !== Math.max(first, field.options.length ? 0 : -1);
    }
    return field.value !== field.defaultValue;
  }

  function typedIn(form) { return Array.prototype.some.call(fields(form), edited); }

  function settle(form) {  // what was sent is now what the server holds
    fields(form).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") { field.defaultChecked = field.checked; }
      else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (o) { o.defaultSelected = o.selected; });
      } else { field.defaultValue = field.value; }
    });
  }

  function store(key, value) {
    try { if (value === null) { window.sessionStorage.removeItem(key); } else { window.sessionStorage.setItem(key, value); } }
    catch (e) { /* private browsing: drafts are not kept */ }
  }

  function saveDrafts() {
    root.querySelectorAll("form[id]").forEach(function (form) {
      if (!typedIn(form)) { store(DRAFT + form.id, null); return; }
      var values = {};
      fields(form).forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio" || field.multiple) {
          var chosen = values[field.name] = values[field.name] || [];
          if (field.multiple) {
            Array.prototype.forEach.call(field.selectedOptions, function (o) { chosen.push(o.value); });
          } else if (field.checked) { chosen.push(field.value); }
        } else { values[field.name] = field.value; }
      });
      if (document.activeElement && form.contains(document.activeElement)) { values["#focus"] = document.activeElement.id; }
      store(DRAFT + form.id, JSON.stringify(values));
    });
  }

  function restoreDraft(form, values) {
    fields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(values, field.name)) { return; }
      var value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") { field.checked = value.indexOf(field.value) >= 0; }
      else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
      } else { field.value = value; }
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
    var focused = values["#focus"] && document.getElementById(values["#focus"]);
    if (focused && form.contains(focused)) { focused.focus(); }
  }

  function restoreDrafts() {
    var restored = 0;
    root.querySelectorAll("form[id]").forEach(function (form) {
      var saved = null;
      try { saved = JSON.parse(window.sessionStorage.getItem(DRAFT + form.id) || "null"); } catch (e) { saved = null; }
      if (saved) { restoreDraft(form, saved); restored += 1; }
    });
    if (restored) { announce("La phase a changé : votre texte en cours a été conservé."); }
  }

  function reloadKeepingDrafts() {
    saveDrafts();
    window.location.reload();
  }

  // -- the registry of regions -------------------------------------------------------------------
  var entries = [];
  var wanted = {}, forced = {};
  var timer = null, last = 0, inFlight = false;

  function words(text) { return text ? text.split(" ").filter(Boolean) : []; }

  function register(name, el, options) {
    options = options || {};
    var types = el.hasAttribute("data-types") ? words(el.getAttribute("data-types")) : null;
    var entry = {
      name: name, el: el,
      types: options.types !== undefined ? options.types : types,
      on: options.on || words(el.getAttribute("data-live-on") || "contribution"),
      digest: options.digest || el.getAttribute("data-digest") || "",
      onUpdate: options.onUpdate || null
    };
    entries = entries.filter(function (e) { return e.el !== el; });
    entries.push(entry);
    return entry;
  }

  function busy(el) {
    var active = document.activeElement;
    if (active && active !== document.body && el.contains(active)) { return true; }
    return Array.prototype.some.call(el.querySelectorAll("form"), typedIn);
  }

  function concerned(event, type) {
    return entries.filter(function (e) {
      return e.on.indexOf(event) >= 0 && (event !== "contribution" || e.types === null || e.types.indexOf(type) >= 0);
    });
  }

  function want(list, now) {
    list.forEach(function (e) { wanted[e.name] = true; if (now) { forced[e.name] = true; } });
    if (now && !inFlight) { window.clearTimeout(timer); timer = null; run(); } else { schedule(); }
  }

  function everything() { want(entries, false); }

  function schedule() {
    if (timer || inFlight) { return; }
    var wait = Math.max(0, GAP - (Date.now() - last)) + Math.floor(Math.random() * JITTER);
    timer = window.setTimeout(function () { timer = null; run(); }, wait);
  }

  function place(node) {  // a name that finds the node again in the new body
    if (node.id) { return "#" + node.id; }
    var anchor = node.parentElement.closest("[id]");
    var same = anchor ? anchor.querySelectorAll(node.tagName) : [];
    return anchor ? anchor.id + " " + node.tagName + " " + Array.prototype.indexOf.call(same, node) : "";
  }

  function find(key) {
    if (key.charAt(0) === "#") { return document.getElementById(key.slice(1)); }
    var parts = key.split(" ");
    var anchor = document.getElementById(parts[0]);
    return anchor ? anchor.querySelectorAll(parts[1])[Number(parts[2])] : null;
  }

  function keepState(el, swap) {  // open <details> and scroll positions survive the swap
    var kept = [];
    el.querySelectorAll("details, [tabindex]").forEach(function (node) {
      var key = place(node);
      if (key) { kept.push({ key: key, open: node.open, left: node.scrollLeft, top: node.scrollTop }); }
    });
    swap();
    kept.forEach(function (k) {
      var node = find(k.key);
      if (!node || !el.contains(node)) { return; }
      if (node.tagName === "DETAILS") { node.open = k.open; }
      if (k.left || k.top) { node.scrollLeft = k.left; node.scrollTop = k.top; }
    });
  }

  function apply(data) {
    Object.keys(data).forEach(function (name) {
      entries.filter(function (e) { return e.name === name; }).forEach(function (e) {
        if (!forced[name] && busy(e.el)) { wanted[name] = true; e.el.dataset.pending = "true"; return; }
        keepState(e.el, function () { e.el.innerHTML = data[name].html; });
        e.digest = data[name].digest;
        e.el.dataset.pending = "";
        bind(e.el);
        if (name === "session") { tick(true); }
        if (e.onUpdate) { e.onUpdate(e); }
      });
    });
  }

  function answered(response) {
    var status = response.headers.get("X-Workshop-Status");
    if (status && status !== root.dataset.status && !debate) { reloadKeepingDrafts(); return null; }
    var locked = response.headers.get("X-Workshop-Locked");
    if (locked && role === "participant") {
      document.querySelectorAll("[data-lockable]").forEach(function (el) { el.hidden = locked === "true"; });
    }
    if (response.status === 204) { return {}; }
    return response.ok ? response.json() : {};
  }

  function run() {
    var ready = entries.filter(function (e) {
      if (!wanted[e.name] || !document.contains(e.el)) { return false; }
      if (!forced[e.name] && busy(e.el)) { e.el.dataset.pending = "true"; return false; }
      return true;
    });
    var names = {};
    ready.forEach(function (e) { names[e.name] = e.digest; delete wanted[e.name]; });
    var list = Object.keys(names);
    if (!list.length) { return; }
    var query = list.map(function (n) { return names[n] ? n + ":" + names[n] : n; }).join(",");
    var url = "/ateliers/" + encodeURIComponent(slug) + "/fragments?vue=" + view + "&regions=" + encodeURIComponent(query);
    last = Date.now();
    inFlight = true;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(answered)
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { list.forEach(function (n) { wanted[n] = true; }); })
      .then(function () {
        inFlight = false;
        list.forEach(function (n) { delete forced[n]; });
        if (Object.keys(forced).length) { run(); } else if (Object.keys(wanted).length) { schedule(); }
      });
  }

  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      if (entries.some(function (e) { return wanted[e.name] && !busy(e.el); })) { schedule(); }
    }, 0);
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { everything(); } });
  window.setInterval(function () { if (!document.hidden) { everything(); } }, FALLBACK + Math.floor(Math.random() * 5000));

  var T = window.Trajectoires = window.Trajectoires || {};
  T.regions = {
    register: register,
    refresh: function (names) {
      want(entries.filter(function (e) { return !names || names.indexOf(e.name) >= 0; }), false);
    }
  };

  // -- events ---------------------------------------------------------------------------------
  function showDetails(data) {  // the facilitator edited the title or the question
    document.querySelectorAll("[data-workshop-title]").forEach(function (el) {
      if (el.textContent !== data.title) {
        document.title = document.title.replace(el.textContent, data.title);
        el.textContent = data.title;
      }
    });
    document.querySelectorAll("[data-workshop-question]").forEach(function (el) { el.textContent = data.question; });
  }

  function onEvent(kind, data) {
    if (kind === "contribution" || kind === "ranking") {
      want(concerned(kind, data.type), false);
    } else if (kind === "state") {
      if (role === "participant") {
        document.querySelectorAll("[data-lockable]").forEach(function (el) { el.hidden = !!data.locked; });
      }
      want(concerned("state"), false);
    } else if (kind === "joined") {
      if (role === "facilitator") { want(entries.filter(function (e) { return e.name === "session"; }), false); }
    } else if (kind === "details") {
      showDetails(data);
    } else if (kind === "status" && !debate && data.status !== root.dataset.status) {
      reloadKeepingDrafts();  // a page already in that phase (the facilitator's own) stays
    } else if (kind === "reset") {
      everything();
    }
  }

  function listen() {
    if (debate) {
      document.addEventListener("trajectoires:sse", function (e) { onEvent(e.detail.type, e.detail.data); });
      return;
    }
    if (!window.EventSource) { return; }
    var url = "/ateliers/" + encodeURIComponent(slug) + "/flux";
    var source = null, dropped = false, delay = 3000;
    function open() {
      source = new EventSource(url);
      source.addEventListener("open", function () {
        delay = 3000;
        if (liveStatus) { liveStatus.textContent = "Mise à jour en direct : active."; }
        if (dropped) { dropped = false; everything(); }
      });
      source.addEventListener("error", function () {
        dropped = true;
        if (liveStatus) { liveStatus.textContent = "Mise à jour en direct : reconnexion…"; }
        if (source.readyState === EventSource.CLOSED) {  // the browser gave up: try again later
          window.setTimeout(open, delay + Math.floor(Math.random() * 1000));
          delay = Math.min(delay * 2, FALLBACK);
        }
      });
      ["contribution", "ranking", "state", "status", "details", "joined", "reset"].forEach(function (kind) {
        source.addEventListener(kind, function (e) { onEvent(kind, JSON.parse(e.data || "{}")); });
      });
    }
    open();
  }

  // -- forms sent with fetch --------------------------------------------------------------------
  function send(form) {
    return fetch(form.getAttribute("action"), {  // not form.action: a field may be named « action »
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
    var region = form.closest("[data-region]");
    var editing = !!(region && region.dataset.region.indexOf("contributions.") === 0);
    store(DRAFT + form.id, null);
    if (!editing) {
      var table = form.querySelector('[name="table_id"]');
      var seat = table ? table.value : "";
      form.reset();
      if (table) { table.value = seat; }
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
    }
    want(entries.filter(function (e) { return e.name === "contributions." + result.type; }), true);
    announce(result.status === "pending" ? "Contribution envoyée : elle attend la validation de l'animation."
      : (editing ? "Modification enregistrée." : "Contribution publiée."));
  }

  function pointsSent(result) {
    var left = document.querySelector("[data-points-left]");
    if (left) {
      left.textContent = String(result.left);
      var rest = left.nextSibling, budget = left.parentNode.getAttribute("data-budget");
      if (rest && rest.nodeType === 3 && budget) {
        rest.textContent = " point" + (result.left > 1 ? "s" : "") + " sur " + budget + " à répartir.";
      }
    }
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
      else if (kind === "points") { settle(form); pointsSent(result); }
      else { settle(form); want(concerned("state"), true); announce("Table choisie."); }
    }).catch(function (e) { box.textContent = e.message; });
  }

  function bind(scope) {
    scope.querySelectorAll("form").forEach(function (form) {
      if (form._bound) { return; }
      form._bound = true;
      form.addEventListener("submit", onSubmit);
    });
  }

  // -- timer -------------------------------------------------------------------------------------
  var spoken = null;
  function tick(silent) {
    var timerEl = document.querySelector("[data-timer]");
    var voice = document.getElementById("timer-announcer");
    if (!timerEl) { spoken = null; return; }
    var left = Math.max(0, Math.round((Date.parse(timerEl.dataset.endsAt) - Date.now()) / 1000));
    var value = timerEl.querySelector("[data-timer-value]");
    var minutes = Math.ceil(left / 60);
    if (value) {
      value.textContent = left > 0 ? Math.floor(left / 60) + " min " + ("0" + (left % 60)).slice(-2) + " s" : "temps écoulé";
    }
    if (spoken !== null && minutes !== spoken && voice && !silent) {
      voice.textContent = left > 0 ? (timerEl.dataset.label + " : il reste " + minutes + " minute" + (minutes > 1 ? "s" : "") + ".")
        : (timerEl.dataset.label + " : temps écoulé.");
    }
    spoken = minutes;
  }

  root.querySelectorAll("[data-region]").forEach(function (el) { register(el.dataset.region, el); });
  restoreDrafts();
  bind(document);
  tick(true);
  window.setInterval(function () { tick(false); }, 1000);
  listen();
}());
