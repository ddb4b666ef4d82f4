"""axe-core (from npm, see package.json) injected into a Playwright page: the WCAG 2.2 A/AA rules it can check."""

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page) -> list[str]:
    """One line per violation on the page as it stands: rule, impact, and the elements that break it."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (make test does it)")
    # Evaluated through the DevTools protocol: a <script> tag with axe's code inline would be blocked, rightly, by
    # the shop's Content-Security-Policy (no inline script).
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) + " " + node["failureSummary"].replace("\n", " ")
                    for node in v["nodes"][:5])
        for v in result["violations"]
    ]
