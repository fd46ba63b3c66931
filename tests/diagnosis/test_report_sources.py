"""Every figure of a diagnosis carries its source, vintage and method (issue #10, defects 3, 4, 6).

The HTML report of a real diagnosis (``trajectoires diagnose 29`` on the shared files) is
parsed into a tree: every block that shows a number is followed by a source line or points
to one, and each source line names a source, a vintage and a method.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd
import pytest
from typer.testing import CliRunner

from trajectoires.diagnosis import diagnose
from trajectoires.diagnosis.maps import DiagnosisMaps
from trajectoires.diagnosis.provenance import source_lines
from trajectoires.diagnosis.report import french_number, render_html

pytestmark = pytest.mark.db

BLOCKS = {"p", "ul", "ol", "table", "figure", "div", "dl"}
EXEMPT_SECTIONS = {"sources-titre", "fichiers-titre", "manquants-titre"}
"""The list of sources itself, the list of files, and the commands that bring missing data."""
VOID = {"meta", "link", "br", "img", "input", "hr", "path", "rect", "circle", "line",
        "polygon", "use", "stop"}


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    text: list = field(default_factory=list)

    def elements(self):
        return [c for c in self.children if isinstance(c, Node)]

    def all_text(self, skip=("code",)) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag not in skip:
                    parts.append(child.all_text(skip))
            else:
                parts.append(child)
        return " ".join(" ".join(parts).split())

    def walk(self):
        yield self
        for child in self.elements():
            yield from child.walk()


class Tree(HTMLParser):
    """A small DOM of an HTML document (the report has no unclosed elements but void ones)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def tree(html: str) -> Node:
    parser = Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def source_parts(node: Node) -> dict[str, str]:
    """The three fields of a source line (text after « Source : », « Millésime : »…)."""
    parts = {}
    for span in node.elements():
        label, _, value = span.all_text(skip=()).partition(" : ")
        parts[span.attrs.get("class", "")] = (label, value.strip())
    return parts


@pytest.fixture(scope="module")
def report(loaded, tmp_path_factory):
    from trajectoires.cli import app

    output = tmp_path_factory.mktemp("rapport-sources-29")
    result = CliRunner().invoke(app, ["diagnose", "29", "--output", str(output),
                                      "--workspace", str(loaded.path)], env=loaded.env)
    assert result.exit_code == 0, result.output
    return output, (output / "diagnostic.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lines(report) -> dict[str, dict[str, str]]:
    _, html = report
    return {node.attrs["id"]: {k: v for k, (_, v) in source_parts(node).items()}
            for node in tree(html).walk()
            if node.tag == "p" and node.attrs.get("class") == "ligne-source"}


def test_every_source_line_names_a_source_a_vintage_and_a_method(report):
    _, html = report
    found = [n for n in tree(html).walk() if n.attrs.get("class") == "ligne-source"]
    assert len(found) >= 12
    for node in found:
        parts = source_parts(node)
        assert [label for label, _ in parts.values()] == ["Source", "Millésime", "Méthode"]
        origin, vintage, method = (value for _, value in parts.values())
        assert origin and method, node.attrs["id"]
        assert re.search(r"\b(19|20)\d\d\b", vintage), (node.attrs["id"], vintage)


def test_every_number_in_the_report_has_a_source_line(report):
    _, html = report
    root = tree(html)
    ids = {n.attrs["id"] for n in root.walk() if n.attrs.get("class") == "ligne-source"}
    containers = [n for n in root.walk() if n.tag in {"header", "footer"}
                  or (n.tag == "section" and n.attrs.get("aria-labelledby") not in EXEMPT_SECTIONS)]
    checked, unsourced = 0, []
    for container in containers:
        blocks = container.elements()
        for position, element in enumerate(blocks):
            # a table in its scrolling box counts as the table
            block = (element.elements()[0] if element.attrs.get("class") == "table-scroll"
                     else element)
            if block.tag not in BLOCKS or block.attrs.get("class") == "ligne-source":
                continue
            if not re.search(r"\d", block.all_text()):
                continue
            checked += 1
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            linked = block.attrs.get("data-source") in ids
            if not linked and not (following is not None
                                   and following.attrs.get("class") == "ligne-source"):
                unsourced.append(f"{container.attrs.get('aria-labelledby', container.tag)}: "
                                 f"<{block.tag}> {block.all_text()[:80]}")
    assert checked >= 20  # maps, tables, paragraphs of figures: the check is not vacuous
    assert unsourced == []


def test_sources_are_credited_to_who_made_them(report):
    """The Data For Good census table is not INSEE's « Dossier complet », IRCOM not Filosofi."""
    _, html = report
    rows = [[cell.all_text() for cell in row.elements()] for row in tree(html).walk()
            if row.tag == "tr"]
    census = [r for r in rows if "data_scol_menage_demandeurEmplois.csv" in " ".join(r)]
    poverty = [r for r in rows if "taux_pauvrete.csv" in " ".join(r)]
    assert census and poverty
    label, producer = census[0][:2]  # the dataset and its producer
    assert "Data For Good" in label + producer and "INSEE" not in producer
    assert "Dossier complet" not in label
    label, producer = poverty[0][:2]
    assert "IRCOM" in label and "Filosofi" not in label and "INSEE" not in producer
    assert "Dossier complet" not in html  # nothing of it is loaded


def test_the_eleven_groups_of_figures_have_their_source(report, lines):
    _, html = report
    access = lines["source-acces"]
    assert all(v in access["source-millesime"] for v in ("2024-08-01", "2022-07-06", "2023"))
    population = re.search(r"habitants \((populations légales [^)]*\))", html).group(1)
    assert population.rstrip(")") in access["source-methode"]  # the vintage of « à plus de »
    assert "non pondérée" in access["source-methode"]  # the plain mean distance
    assert "CnFS" in access["source-origine"]  # the mediation places are the CnFS extract
    for kind in ("france-services", "mediation-places", "libraries"):
        assert "contours" in lines[f"source-carte-acces-{kind}"]["source-origine"]
    assert "contours" in lines["source-carte-indice"]["source-origine"]
    assert "pondérés par leur population" in lines["source-inegalites"]["source-methode"]
    assert "pondérée par leur population" in lines["source-comparaison"]["source-methode"]
    assert "pondérée par leur population" in html.split('class="graphique"')[1].split(
        "</figure>")[0]  # the bar chart says its means are weighted
    moran = lines["source-moran"]["source-methode"]
    assert "standardisés en ligne" in moran and "4 communes sans voisin" in moran
    assert "ni testées ni comptées dans la correction" in lines["source-lisa"]["source-methode"]


def test_overseas_figures_carry_the_caveat(loaded, territory_reference):
    ref = territory_reference
    with loaded.database.session() as session:
        reunion = diagnose(session, ref, ref.resolve("974"), cache_dir=loaded.path / "analysis")
    method = source_lines(reunion)["acces"].method
    assert "Outre-mer" in method and "La Réunion" in method


def test_one_definition_per_indicator(loaded, territory_reference):
    """The report's broadband non-coverage of the Finistère is the territory page's (premises)."""
    from trajectoires.indicators.store import compare_with_parents

    ref = territory_reference
    unit = ref.resolve("29")
    with loaded.database.session() as session:
        result = diagnose(session, ref, unit, cache_dir=loaded.path / "analysis")
        page = compare_with_parents(session, ref, unit, ["arcep_taux_non_thd30"])
    report_value = result.comparison[0]["no_thd_coverage"]
    page_value = float(page["arcep_taux_non_thd30"].iloc[0])
    assert report_value == pytest.approx(page_value, rel=1e-12)
    assert round(report_value, 1) == 57.8
    france = [r for r in result.comparison if r["code"] == "FR"][0]
    assert france["no_thd_coverage"] == pytest.approx(
        float(page.loc[page["code"] == "FR", "arcep_taux_non_thd30"].iloc[0]), rel=1e-12)
    assert "rapport des sommes" in source_lines(result)["comparaison"].method


def test_wording_of_the_data_dictionary(report):
    output, _ = report
    dictionary = pd.read_csv(output / "dictionnaire.csv")
    text = " ".join(dictionary["description"].tolist())
    assert "à le " not in text and "de le " not in text
    assert "relatif au département" in text and "moyen du département" in text
    assert dictionary[["source", "millesime", "methode"]].notna().all().all()
    communes = pd.read_csv(output / "communes.csv", nrows=1)
    described = dictionary.loc[dictionary["fichier"] == "communes.csv", "column"].tolist()
    assert described == communes.columns.tolist()
    comparison = pd.read_csv(output / "comparaison.csv", nrows=1)
    described = dictionary.loc[dictionary["fichier"] == "comparaison.csv", "column"].tolist()
    assert sorted(described) == sorted(comparison.columns)


def test_the_title_uses_the_departement_article(report):
    _, html = report
    assert "<h1>Diagnostic numérique du Finistère" in html
    assert "<title>Diagnostic numérique du Finistère</title>" in html


@pytest.mark.parametrize(("query", "title"), [("50", "de la Manche"), ("01", "de l'Ain"),
                                              ("78", "des Yvelines")])
def test_titles_of_other_departements(loaded, territory_reference, query, title):
    ref = territory_reference
    with loaded.database.session() as session:
        result = diagnose(session, ref, ref.resolve(query), cache_dir=loaded.path / "analysis")
    html = render_html(result, DiagnosisMaps(None, None, {}))
    assert f"<h1>Diagnostic numérique {title} " in html.replace("&#39;", "'")


def test_counts_have_thousands_separators(loaded, territory_reference):
    ref = territory_reference
    with loaded.database.session() as session:
        result = diagnose(session, ref, ref.resolve("reg:53"), cache_dir=loaded.path / "analysis")
    html = render_html(result, DiagnosisMaps(None, None, {}))
    assert "1\u202f202 communes sur 1\u202f202 ont un indice" in html
    assert "1\u202f202 communes ·" in html
    assert not re.search(r">[^<]*\b\d{4,}\s+communes", html)


def test_no_negative_zero():
    assert french_number(-0.00003, 3) == "0,000"
    assert french_number(-1 / 34_874, 3) == "0,000"  # E[I] of Moran over all of France
    assert french_number(-0.004, 3) == "-0,004"
    assert french_number(float("nan"), 3) == "—" and not math.isnan(0.0)


def test_the_tie_rule_and_its_effect_are_in_the_method_section(report):
    _, html = report
    section = html.split('id="methode-titre"')[1]
    assert "rang le plus élevé" in section
    rows = [r for r in tree(section).walk() if r.tag == "tr"]
    thd = [r.all_text() for r in rows if "Très Haut Débit" in r.all_text()]
    # (the text is whitespace-normalised: the thin spaces of « 11 782 » read as spaces)
    assert thd == ["Taux de non-couverture Très Haut Débit (≥ 30 Mbit/s) 100,0 % 11 782 10 9 "
                   "11 782 34"]
