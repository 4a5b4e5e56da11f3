"""WCAG 2.1 AA in a real browser: axe-core on every kind of page, light and dark, desktop and
phone width; no serious or critical violation. axe-core comes from the npm registry
(`.ci/run` installs it into tests/.node); it is never part of the published site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser import launch_browser

AXE = Path(
    os.environ.get(
        "PARAMATLAS_AXE",
        Path(__file__).resolve().parents[1] / ".node/node_modules/axe-core/axe.min.js",
    )
)
PAGES = (
    "",
    "guide/",
    "models/",
    "models/qwen3-30b-a3b/?device=rtx-3060-12gb",
    "hardware/rtx-4090/",
    "glossary/kv-cache/",
    "methodology/",
    "what-can-i-run/?device=rtx-4090",
    "compare/?models=qwen3-30b-a3b,gpt-oss-20b&device=rtx-4090",
    "hardware/",
    "families/gemma-4/",
    "glossary/",
    "glossary/mixture-of-experts/",
    "plugin/",
    "contributing/",
    "reference/schema/",
    "about/",
)
VIEWS = [(scheme, width) for scheme in ("light", "dark") for width in (1280, 390)]
RUN = """async () => {
    const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ' (' + v.nodes.length + '): ' +
             v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not AXE.is_file():
        reason = f"axe-core not installed ({AXE}); .ci/run installs it with npm"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield from launch_browser()


@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=[f"{s}-{w}" for s, w in VIEWS])
def test_no_serious_violation_on_any_page_kind(
    browser: Browser, served: str, scheme: str, width: int
) -> None:
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for url in PAGES:
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{served}/{url}")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=script)
        violations = page.evaluate(RUN)
        context.close()
        if violations:
            found[url or "home"] = violations
    print(f"axe-core, {scheme} at {width}px: {found or 'no serious or critical violation'}")
    assert found == {}
