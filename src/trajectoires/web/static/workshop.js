/* Trajectoires — live workshop (participant and facilitator views).
 *
 * Without JavaScript the forms POST and the page reloads. With it:
 * - statements and votes are sent with fetch() to /api/v1/workshops/{slug}/…,
 *   with the session's CSRF token in the X-CSRF-Token header;
 * - an EventSource on /ateliers/{slug}/flux receives `statement`, `votes`,
 *   `hidden`, `status` and `reset` events and updates the board in place;
 * - new statements are announced in the polite live region #announcer;
 * - an `opinions` event carries the server-rendered body of the "Carte des opinions"
 *   section (without a viewer): it replaces #opinions-body, then this script marks the
 *   viewer's own dot ("Vous") and group, and announces "Les groupes ont été recalculés"
 *   in #opinions-announcer only when the groups changed (not on every computation).
 * - one statement at a time (#next-vote, as Pol.is): the card shows the first statement of the
 *   list the participant has not voted on; a vote there is sent like the list's, then the next
 *   one is shown (a statement arriving live fills an empty card, never replaces a shown one);
 *   a statement's counts stay hidden until the participant has voted on it;
 * - `contribution`, `ranking`, `state`, `details` and `joined` events are passed on to workshop-live.js as
 *   "trajectoires:sse" events on document (timer, lock, tables: one stream per page).
 * User text is only ever inserted with textContent.
 */
(function () {
  "use strict";

  var root = document.getElementById("workshop");
  if (!root) { return; }
  var slug = root.dataset.slug;
  var me = root.dataset.participantId;
  var role = root.dataset.role;
  var list = document.getElementById("statements");
  var template = document.getElementById("statement-template");
  var announcer = document.getElementById("announcer");
  var liveStatus = document.getElementById("live-status");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var api = "/api/v1/workshops/" + encodeURIComponent(slug);
  var LIMIT = 280;

  function announce(text) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function setLive(text) { if (liveStatus) { liveStatus.textContent = text; } }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.detail || "Erreur " + response.status + ".");
        }
        return data;
      });
    });
  }

  function setCounts(item, counts) {
    ["agree", "disagree", "pass"].forEach(function (key) {
      var cell = item.querySelector('[data-count="' + key + '"]');
      if (cell && counts && counts[key] !== undefined) { cell.textContent = String(counts[key]); }
    });
    var passes = item.querySelector('[data-plural="pass"]');  // « 1 passe », « 2 passent »
    if (passes && counts && counts.pass !== undefined) { passes.textContent = counts.pass > 1 ? "passent" : "passe"; }
  }

  function renumber(node, id) {
    node.querySelectorAll("[id], [aria-describedby], [action], [value]").forEach(function (el) {
      ["id", "aria-describedby", "action"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.replace(/statement-0(?=\b|-)/g, "statement-" + id).replace("/propositions/0/", "/propositions/" + id + "/")); }
      });
      if (el.name === "statement_id") { el.value = String(id); }
    });
  }

  function addStatement(s, fresh) {
    if (!list || !template || list.querySelector('[data-statement-id="' + s.id + '"]')) { return; }
    var item = template.content.firstElementChild.cloneNode(true);
    item.id = "statement-" + s.id;
    item.dataset.statementId = String(s.id);
    item.dataset.participantId = String(s.participant_id);
    renumber(item, s.id);
    item.querySelector(".statement-text").textContent = s.text;
    item.querySelector(".statement-author").textContent = s.author;
    var own = me && String(s.participant_id) === me;
    if (own) {
      item.classList.add("own");
      item.querySelector(".own-badge").hidden = false;
      var form = item.querySelector(".vote-form");
      if (form) { form.remove(); }
    }
    setCounts(item, s.counts);
    bindVoteForm(item.querySelector(".vote-form"));
    if (fresh) { item.classList.add("is-new"); }
    if (own) { revealCounts(item); }
    list.appendChild(item);
    if (card && !card.dataset.current) { showNext(); } else { countLeft(); }
    var empty = document.getElementById("no-statements");
    if (empty) { empty.hidden = true; }
    if (fresh && !own) { announce("Nouvelle proposition de " + s.author + " : " + s.text); }
  }

  function bindVoteForm(form) {
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (!button) { return; }
      var id = form.querySelector('[name="statement_id"]').value;
      var item = form.closest("li");
      postJson(api + "/statements/" + id + "/vote", { value: Number(button.value) })
        .then(function (result) {
          form.querySelectorAll("button").forEach(function (b) {
            b.setAttribute("aria-pressed", b === button ? "true" : "false");
          });
          setCounts(item, result.counts);
          revealCounts(item);
          if (card && card.dataset.current === id) { showNext(); }
          else { countLeft(); }
        })
        .catch(function (error) { showError(error.message); });
    });
  }

  function showError(message) {
    var box = document.getElementById("statement-error") || document.getElementById("page-error");
    if (box) { box.textContent = message; } else { announce(message); }
  }

  function bindStatementForm() {
    var form = document.getElementById("statement-form");
    if (!form) { return; }
    var area = document.getElementById("statement-text");
    var length = document.getElementById("statement-length");
    var error = document.getElementById("statement-error");
    area.addEventListener("input", function () {
      length.textContent = String(area.value.trim().length);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = area.value;
      if (text.trim().length > LIMIT) {
        error.textContent = "La proposition dépasse " + LIMIT + " caractères (" + text.trim().length + " reçus).";
        return;
      }
      postJson(api + "/statements", { text: text })
        .then(function (statement) {
          error.textContent = "";
          area.value = "";
          length.textContent = "0";
          addStatement(statement, true);
          announce("Votre proposition est publiée.");
          area.focus();
        })
        .catch(function (e) { error.textContent = e.message; });
    });
  }

  function setStatus(data) {
    root.dataset.status = data.status;
    var phase = document.getElementById("workshop-phase");
    if (phase) { phase.textContent = data.label; }
    document.querySelectorAll("[data-phase-label]").forEach(function (el) { el.textContent = data.label; });
    document.querySelectorAll("[data-draft-only]").forEach(function (el) { el.hidden = data.status !== "draft"; });
    if (role === "facilitator") { return; }
    var open = data.status === "open";
    var form = document.getElementById("statement-form");
    if (form) { form.hidden = !open; }
    var note = document.getElementById("phase-closed-note");
    if (note) { note.hidden = open; }
    document.querySelectorAll(".vote-form").forEach(function (f) { f.hidden = !open; });
    if (card) { card.hidden = !open; }
    announce("Phase de l'atelier : " + data.label + ".");
  }

  function reload() {
    if (!list) { return; }
    fetch(api + "/statements", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (statements) {
        statements.forEach(function (s) {
          var item = list.querySelector('[data-statement-id="' + s.id + '"]');
          if (item) { setCounts(item, s.counts); } else { addStatement(s, false); }
        });
      });
  }

  // -- one statement at a time ------------------------------------------------------------------
  var card = document.getElementById("next-vote");

  function revealCounts(item) {
    if (!item) { return; }
    var counts = item.querySelector(".counts"), hint = item.querySelector(".counts-hint");
    if (counts) { counts.hidden = false; }
    if (hint) { hint.hidden = true; }
  }

  function unvoted() {
    if (!list) { return []; }
    return Array.prototype.filter.call(list.querySelectorAll("li[data-statement-id]"), function (item) {
      var form = item.querySelector(".vote-form");
      return !item.classList.contains("own") && !item.classList.contains("is-hidden") && !!form
        && !form.querySelector('[aria-pressed="true"]');
    });
  }

  function countLeft() {
    var left = document.getElementById("next-vote-left");
    if (!card || !left) { return []; }
    var todo = unvoted();
    left.textContent = todo.length ? todo.length + " proposition" + (todo.length > 1 ? "s" : "") + " sans votre vote." : "";
    return todo;
  }

  function showNext() {
    if (!card) { return; }
    var next = countLeft()[0];
    document.getElementById("next-vote-card").hidden = !next;
    document.getElementById("next-vote-done").hidden = !!next;
    card.dataset.current = next ? next.dataset.statementId : "";
    if (!next) { return; }
    var text = next.querySelector(".statement-text").textContent;
    document.getElementById("next-vote-text").textContent = text;
    document.getElementById("next-vote-author").textContent = next.querySelector(".statement-author").textContent;
    card.querySelector('[name="statement_id"]').value = next.dataset.statementId;
  }

  function bindNextVote() {
    var form = document.getElementById("next-vote-form");
    if (!card || !form) { return; }
    card.dataset.current = form.querySelector('[name="statement_id"]').value;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (!button) { return; }
      var id = form.querySelector('[name="statement_id"]').value;
      var item = list ? list.querySelector('[data-statement-id="' + id + '"]') : null;
      postJson(api + "/statements/" + id + "/vote", { value: Number(button.value) })
        .then(function (result) {
          if (item) {
            item.querySelectorAll(".vote-form button").forEach(function (b) {
              b.setAttribute("aria-pressed", b.value === button.value ? "true" : "false");
            });
            setCounts(item, result.counts);
            revealCounts(item);
          }
          showNext();
          announce(card.dataset.current ? "Vote enregistré. Proposition suivante : "
            + document.getElementById("next-vote-text").textContent
            : "Vote enregistré. Vous avez voté sur toutes les propositions.");
        })
        .catch(function (error) { showError(error.message); });
    });
  }

  function listen() {
    if (!window.EventSource) { return; }
    var source = new EventSource("/ateliers/" + encodeURIComponent(slug) + "/flux");
    var dropped = false;
    source.addEventListener("open", function () {
      setLive("Mise à jour en direct : active.");
      if (dropped) { reload(); dropped = false; }
    });
    source.addEventListener("error", function () {
      dropped = true;
      setLive("Mise à jour en direct : reconnexion…");
    });
    source.addEventListener("statement", function (e) { addStatement(JSON.parse(e.data), true); });
    source.addEventListener("votes", function (e) {
      if (!list) { return; }
      var counts = JSON.parse(e.data).counts;
      Object.keys(counts).forEach(function (id) {
        var item = list.querySelector('[data-statement-id="' + id + '"]');
        if (item) { setCounts(item, counts[id]); }
      });
    });
    source.addEventListener("hidden", function (e) {
      if (!list) { return; }
      var item = list.querySelector('[data-statement-id="' + JSON.parse(e.data).id + '"]');
      if (!item) { return; }
      if (role === "facilitator") { item.classList.add("is-hidden"); } else { item.remove(); }
      if (card && card.dataset.current === String(JSON.parse(e.data).id)) { showNext(); } else { countLeft(); }
    });
    source.addEventListener("status", function (e) { setStatus(JSON.parse(e.data)); });
    source.addEventListener("reset", reload);
    source.addEventListener("opinions", function (e) { showOpinions(JSON.parse(e.data)); });
    // workshop-live.js handles these for every kind: pass them on rather than open a 2nd stream
    ["contribution", "ranking", "state", "details", "joined"].forEach(function (type) {
      source.addEventListener(type, function (e) {
        document.dispatchEvent(new CustomEvent("trajectoires:sse", { detail: { type: type, data: JSON.parse(e.data || "{}") } }));
      });
    });
  }

  var opinions = document.getElementById("opinions");
  var SVG_NS = "http://www.w3.org/2000/svg";

  function groupShape(body) {
    var rows = body.querySelectorAll("#opinion-groups tbody tr[data-group]");
    return Array.prototype.map.call(rows, function (r) {
      return r.dataset.group + ":" + r.cells[1].textContent;
    }).join(",") + "|" + body.dataset.ready;
  }

  function markMe(body) {
    var oid = opinions.dataset.opinionId;
    var mine = body.querySelector("#my-group");
    if (!oid) { return ""; }
    var dot = body.querySelector('[data-participant="' + oid + '"]');
    var group = dot ? (dot.getAttribute("data-group") || "") : "";
    if (mine && body.dataset.ready === "true") {
      mine.textContent = group ? mine.dataset.inGroup.replace("{group}", group) : mine.dataset.noGroup;
      mine.hidden = false;
    }
    if (dot && !body.querySelector(".me")) {
      var box = dot.getBBox();
      var x = box.x + box.width / 2, y = box.y + box.height / 2;
      var mark = document.createElementNS(SVG_NS, "g");
      mark.setAttribute("class", "me");
      var ring = document.createElementNS(SVG_NS, "circle");
      [["cx", x], ["cy", y], ["r", 9], ["fill", "none"], ["stroke", "black"], ["stroke-width", 2.5]]
        .forEach(function (a) { ring.setAttribute(a[0], String(a[1])); });
      var label = document.createElementNS(SVG_NS, "text");
      [["x", x], ["y", y + 25], ["text-anchor", "middle"], ["font-family", "sans-serif"], ["font-size", 14],
        ["font-weight", "bold"], ["stroke", "white"], ["stroke-width", 3], ["paint-order", "stroke"]]
        .forEach(function (a) { label.setAttribute(a[0], String(a[1])); });
      label.textContent = opinions.dataset.meLabel || "Vous";
      mark.appendChild(ring);
      mark.appendChild(label);
      dot.parentNode.appendChild(mark);
    }
    return group;
  }

  function showOpinions(data) {
    var current = document.getElementById("opinions-body");
    if (!opinions || !current || !data.html) { return; }
    // Versions are per server process; the computation time orders events from any process.
    if ((current.dataset.computedAt || "") >= data.computed_at) { return; }
    var before = groupShape(current) + "|" + (current.dataset.myGroup || "");
    var holder = document.createElement("div");
    holder.innerHTML = data.html;  // server-rendered, escaped by Jinja2
    var body = holder.firstElementChild;
    current.replaceWith(body);
    body.dataset.myGroup = markMe(body);
    var after = groupShape(body) + "|" + body.dataset.myGroup;
    var T = window.Trajectoires;  // who has not voted yet: the facilitator's session region
    if (role === "facilitator" && T && T.regions) { T.regions.refresh(["session"]); }
    var region = document.getElementById("opinions-announcer");
    if (region && before !== after) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = opinions.dataset.recomputed; }, 50);
    }
  }

  if (opinions) {
    var first = document.getElementById("opinions-body");
    if (first) { first.dataset.myGroup = markMe(first); }
  }

  document.querySelectorAll(".vote-form").forEach(function (form) {
    if (!form.closest("template")) { bindVoteForm(form); }
  });
  bindStatementForm();
  bindNextVote();
  listen();
}());
