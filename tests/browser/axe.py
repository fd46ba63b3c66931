"""Accessibility checks with axe-core (RGAA 4 builds on WCAG 2.1 AA) in a Playwright page.

axe-core comes from the npm registry, pinned in ``package-lock.json`` and installed in
``./node_modules`` by ``make install`` (``make test`` does it too).

Injection and the Content-Security-Policy: the pages forbid inline scripts
(``script-src 'self'``), so ``page.add_script_tag(content=...)`` is refused by the browser,
and ``add_script_tag(path=...)`` inlines the file the same way. ``page.evaluate`` of the
source is not subject to the page's policy: Playwright runs it through the DevTools
protocol (``Runtime.evaluate``), like a console command, and axe-core itself needs no
``eval``. The page keeps its real policy, so a test also sees what the policy would block;
a context with ``bypass_csp=True`` would work too but would test a page without its policy.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SHOWN_TARGETS = 3

# axe leaves these to a human ("incomplete") as it cannot tell whether they harm; here they
# do: an id referenced by aria-labelledby or aria-describedby that is not unique makes the
# browser take the first element with it, so a control or a figure gets another one's name.
REVIEW_AS_VIOLATIONS = ("duplicate-id-aria",)

# Runs in the page: axe.run limited to the tags; only the fields a report needs come back.
_RUN = """async ([tags, reviewed]) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  const found = results.violations.concat(
    results.incomplete.filter((r) => reviewed.includes(r.id)));
  return found.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT}): run `make install` "
            "(it runs `npm ci`, which installs the version pinned in package-lock.json)",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page, *, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations of the rules tagged ``tags``
    (with the results of ``REVIEW_AS_VIOLATIONS`` that axe leaves to review).

    Each violation is a dict with ``id``, ``impact``, ``help``, ``helpUrl``, ``tags`` and
    ``nodes`` (each with ``target`` selectors, ``html`` and axe's ``summary``).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN, [list(tags), list(REVIEW_AS_VIOLATIONS)])


def describe(violations: list[dict]) -> str:
    """One readable line per violation: rule, impact, help, its first target selectors."""
    lines = []
    for v in violations:
        targets = [" ".join(node["target"]) for node in v["nodes"][:SHOWN_TARGETS]]
        more = len(v["nodes"]) - len(targets)
        shown = ", ".join(targets) + (f" (+{more} more)" if more > 0 else "")
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {shown}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    """Fail with the list of violations when axe finds any WCAG 2.1 A/AA violation on the page."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{label} ({page.url}): {len(violations)} accessibility rule(s) violated\n"
            + describe(violations),
            pytrace=False,
        )
