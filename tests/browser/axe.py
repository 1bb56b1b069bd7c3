"""axe-core (vendored in tests/data/axe/, MPL-2.0) run inside the page under test."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js"
# WCAG 2.1 level A and AA success criteria; axe's best practices are advice, not the bar.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    """Run axe on the page as shown now; one line per serious or critical violation."""
    # The site's CSP refuses inline scripts; Playwright's evaluate runs beside it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    results: dict[str, Any] = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_21_AA,
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        where = "; ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else "?"
            for node in violation["nodes"][:3]
        )
        found.append(f"{violation['id']} ({violation['impact']}): {where}")
    return found
