"""The interactive parts in a real headless browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from paramatlas import load_dataset
from tests.browser import launch_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_browser()


@pytest.fixture
def models_page(browser: Browser, served: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{served}/models/")
    page.wait_for_selector(".pa-tools")
    yield page
    context.close()


def _visible_column(page: Page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        ".pa-table-tools + * table tbody tr:not([hidden])",
        f"rows => rows.map(row => row.cells[{column}].textContent.trim())",
    )


def test_filter_by_architecture(models_page: Page) -> None:
    moe = sum(model.architecture.is_moe for model in load_dataset().models)
    total = len(load_dataset().models)
    models_page.select_option("select[name=Architecture]", "MoE")
    assert set(_visible_column(models_page, 3)) == {"MoE"}
    assert models_page.text_content(".pa-tools output") == f"{moe} of {total} shown"


def test_filter_by_size(models_page: Page) -> None:
    models_page.fill("input[name=max]", "10")
    totals = _visible_column(models_page, 4)
    assert totals
    for text in totals:
        value = float(text.strip("~").rstrip("BMT")) * {"B": 1, "M": 1e-3, "T": 1e3}[text[-1]]
        assert value <= 10


def test_sort_by_total(models_page: Page) -> None:
    header = models_page.locator(".pa-table-tools + * table th", has_text="Total")
    header.click()
    header.click()  # descending
    assert header.get_attribute("aria-sort") == "descending"
    largest = max(load_dataset().models, key=lambda m: m.parameters.total.value)
    assert _visible_column(models_page, 0)[0] == largest.name


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_follow_the_colour_scheme(browser: Browser, served: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{served}/models/")
    fill = page.eval_on_selector(".pa-chart .pa-tick", "el => getComputedStyle(el).fill")
    background = page.eval_on_selector("body", "el => getComputedStyle(el).backgroundColor")
    kinds = {
        kind: page.eval_on_selector(f".pa-chart .pa-{kind}", "el => getComputedStyle(el).fill")
        for kind in ("dense", "ple", "moe")
    }
    context.close()
    assert len(set(kinds.values())) == 3, kinds
    assert fill != background
    dark_text = fill in ("rgba(0, 0, 0, 0.87)", "rgb(0, 0, 0)")
    assert dark_text == (scheme == "light")


def test_phone_width_has_no_horizontal_page_scroll(browser: Browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/models/gemma-4-e2b/", "/hardware/rtx-4090/"):
        page.goto(f"{served}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, path
    context.close()


@pytest.mark.parametrize(("width", "stacked"), [(390, True), (1280, False)])
def test_guidance_rows_stack_as_cards_on_a_phone(
    browser: Browser, served: str, width: int, stacked: bool
) -> None:
    """On a phone each device row becomes a card whose values carry their column's name, so
    the format and the speed are readable without scrolling the table sideways."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{served}/hardware/rtx-4090/")
    table = page.locator("table[data-pa-stack]").first
    header_shown = table.locator("thead").evaluate("el => el.getBoundingClientRect().height > 1")
    # On a desktop it is one of the theme's tables: Material's frame, rules and padding.
    framed = table.evaluate(
        "el => el.parentElement.classList.contains('md-typeset__table')"
        " && parseFloat(getComputedStyle(el.querySelector('td')).paddingLeft) > 8"
        " && getComputedStyle(el.querySelector('td')).borderTopStyle === 'solid'"
    )
    overflow = table.evaluate("el => el.scrollWidth - el.clientWidth")
    label = table.locator("td[data-label]").first.evaluate(
        "el => getComputedStyle(el, '::before').content"
    )
    context.close()
    assert header_shown is not stacked
    assert framed is not stacked
    assert (label == '"Architecture"') is stacked
    if stacked:
        assert overflow <= 1


def test_models_index_keeps_the_three_counts_on_screen_on_a_phone(
    browser: Browser, served: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{served}/models/")
    page.wait_for_selector(".pa-tools")
    shown = page.eval_on_selector_all(
        ".pa-table-tools + * table thead th",
        "cells => cells.filter(c => c.getBoundingClientRect().width > 0 &&"
        " c.getBoundingClientRect().right <= window.innerWidth)"
        ".map(c => c.textContent.trim())",
    )
    context.close()
    assert [name for name in shown if name[:1] in "TEA"] == [
        "Architecture",
        "Total",
        "E (Effective)",
        "A (Active)",
    ]
    assert shown[0] == "Model"


def test_stacked_cards_take_the_full_width_of_a_phone(browser: Browser, served: str) -> None:
    """Material wraps tables in an inline block that shrinks to its content: cards with short
    names must still span the column, not half of it."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{served}/hardware/m2-max-32gb/")
    share = page.locator("#published-results ~ div table[data-pa-stack]").first.evaluate(
        "el => el.getBoundingClientRect().width"
        " / el.closest('.md-content__inner').getBoundingClientRect().width"
    )
    context.close()
    assert share > 0.9
