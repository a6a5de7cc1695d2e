"""axe-core checks for the WCAG 2.0 and 2.1 success criteria of levels A and AA."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def violations(page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def settle(page) -> None:
    """Wait until CSS transitions have ended, so axe does not judge a colour half-way through a
    hover or focus transition. (Not wait_for_function: it evaluates a string, which the strict
    CSP refuses.) A transition that another replaces is cancelled: look again until none runs."""
    for _attempt in range(20):
        running = page.evaluate(
            "Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))"
            ".then((done) => done.length)"
        )
        if not running:
            return
    raise AssertionError(f"animations still running on {page.url}")


def assert_accessible(page) -> None:
    """Fail with a readable list when axe finds WCAG 2.1 A/AA violations on the current page."""
    settle(page)
    found = violations(page)
    assert not found, f"axe found {len(found)} problem(s) on {page.url}:\n{describe(found)}"
