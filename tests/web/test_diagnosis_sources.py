"""The diagnosis web page: every block of figures has its source line, as in the report (#10)."""

from __future__ import annotations

import re

import pytest

from tests.diagnosis.test_report_sources import BLOCKS, EXEMPT_SECTIONS, tree

pytestmark = pytest.mark.db


def test_every_number_on_the_diagnosis_page_has_a_source_line(client):
    response = client.get("/territoires/departement/29/diagnostic")
    assert response.status_code == 200
    root = tree(response.text)
    [main] = [n for n in root.walk() if n.tag == "main"]
    ids = {n.attrs["id"] for n in main.walk() if n.attrs.get("class") == "ligne-source"}
    assert len(ids) >= 12
    unsourced, checked = [], 0
    for container in [main, *(n for n in main.walk() if n.tag in {"section", "div"}
                              and n.attrs.get("aria-labelledby") not in EXEMPT_SECTIONS)]:
        blocks = container.elements()
        for position, block in enumerate(blocks):
            if block.tag not in BLOCKS or block.attrs.get("class") == "ligne-source":
                continue
            if block.tag == "div" or block.walk().__next__().tag == "form":
                continue
            if not re.search(r"\d", block.all_text(skip=("code", "form", "select", "option"))):
                continue
            checked += 1
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if block.attrs.get("data-source") in ids or (
                    following is not None and following.attrs.get("class") == "ligne-source"):
                continue
            unsourced.append(f"<{block.tag} {block.attrs}> {block.all_text()[:100]}")
    assert checked >= 15
    assert unsourced == []
