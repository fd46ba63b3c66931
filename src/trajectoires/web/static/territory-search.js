// Live suggestions for the territory search form (progressive enhancement:
// without JavaScript the form submits to /recherche and still works).
(function () {
  "use strict";
  const form = document.querySelector("[data-territory-search]");
  if (!form) { return; }
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector("#suggestions");
  const status = form.querySelector("#suggestions-etat");
  let timer = null;
  let controller = null;

  function fmt(n) {
    return n === null || n === undefined ? "—" : n.toLocaleString("fr-FR");
  }

  function show(results) {
    list.replaceChildren();
    for (const unit of results) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = unit.url;
      link.textContent = unit.name;
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = unit.kind_label + " " + unit.code + " — " + fmt(unit.population) + " hab.";
      link.append(hint);
      item.append(link);
      list.append(item);
    }
    list.hidden = results.length === 0;
    status.textContent = results.length === 0
      ? "Aucune suggestion."
      : results.length + " suggestion" + (results.length > 1 ? "s" : "") + " sous le champ.";
  }

  async function fetchSuggestions() {
    const q = input.value.trim();
    if (q.length < 2) { show([]); status.textContent = ""; return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    try {
      const url = "/api/v1/territories?limit=8&q=" + encodeURIComponent(q);
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) { return; }
      const data = await response.json();
      show(data.results);
    } catch (error) {
      if (error.name !== "AbortError") { status.textContent = "Suggestions indisponibles."; }
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) {
      const first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape") {
      show([]);
    }
  });
  list.addEventListener("keydown", function (event) {
    const links = Array.from(list.querySelectorAll("a"));
    const index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < links.length - 1) {
      event.preventDefault(); links[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index > 0) { links[index - 1].focus(); } else { input.focus(); }
    } else if (event.key === "Escape") {
      show([]); input.focus();
    }
  });
})();
