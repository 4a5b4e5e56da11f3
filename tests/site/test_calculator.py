"""The calculator in headless Chromium against `paramatlas estimate --json`: one engine.

A grid of inputs over models of every architecture, devices of every kind (and custom ones),
offload and no-fit cases, one to four GPUs and every KV cache type; every output's data-value
must equal the CLI's number for the same input. Also: the URL keeps the state, the form works
from the keyboard, and nothing is requested from another host.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from paramatlas import load_dataset
from paramatlas.cli import main
from paramatlas.estimate.report import model_max_context
from tests.browser import launch_browser

OUTPUTS = (
    "weights_bytes",
    "kv_cache_bytes",
    "overhead_bytes",
    "total_bytes",
    "accelerator_bytes",
    "host_bytes",
    "fit",
    "max_context",
    "decode_tokens_per_s",
    "decode_tokens_per_s_bound",
    "prefill_tokens_per_s",
    "decode_low",
    "decode_high",
)
# Models of every architecture: dense, dense + PLE, MoE, MLA, hybrid linear attention,
# sliding window, multi-modal encoders, MXFP4 experts.
MODELS = (
    "llama-3.1-8b",
    "gemma-4-e2b",
    "gemma-4-26b-a4b",
    "qwen3-30b-a3b",
    "deepseek-v3",
    "qwen3-next-80b-a3b",
    "mistral-7b-v0.1",
    "gpt-oss-20b",
    "gemma-3-27b",
    "llama-3.1-405b",
    "deepseek-v4-flash",
)
DEVICES = (
    "rtx-3060-12gb",
    "rtx-4090",
    "m4-max-128gb",
    "m2-ultra-192gb",
    "h100-sxm",
    "galaxy-s25-ultra",
    "epyc-9654-ddr5-4800",
    "ryzen-ai-max-plus-395-128gb",
    "core-ultra-7-258v-32gb",  # the CPU backend on cores slower than the memory
    "custom:24:936:discrete-gpu",
    "custom:64:273:unified-memory",
)
CONTEXTS = (1024, 8192, 32768, 131072)
KV_TYPES = ("F16", "Q8_0", "Q4_0")


MAX_CONTEXT = {m.id: model_max_context(m) for m in load_dataset().models if m.id in MODELS}


def _quant(model: str) -> str:
    return "MXFP4" if model.startswith("gpt-oss") else "Q4_K_M"


def grid() -> list[dict[str, Any]]:
    inputs = []
    for index, (model, device) in enumerate(itertools.product(MODELS, DEVICES)):
        gpus = 1 + index % 4 if device in ("rtx-3060-12gb", "rtx-4090", "h100-sxm") else 1
        inputs.append(
            {
                "model": model,
                "device": device,
                "gpus": gpus,
                "quant": _quant(model) if index % 3 else "Q8_0",
                "context": min(CONTEXTS[index % len(CONTEXTS)], MAX_CONTEXT[model]),
                "kv": KV_TYPES[index % len(KV_TYPES)],
            }
        )
        inputs.append(inputs[-1] | {"context": 4096, "kv": "F16", "quant": "Q2_K", "gpus": 1})
        if device in ("rtx-4090", "h100-sxm"):
            # Float weights: CUDA prices them against the FP16 peak, in a group of their own.
            inputs.append(inputs[-1] | {"quant": "F16"})
    return inputs


GRID = grid()


def _hardware_file(tmp: Path, device: str) -> str:
    """A custom device as the CLI takes it: a hardware YAML file."""
    _, memory, bandwidth, kind = device.split(":")
    path = tmp / f"custom-{kind}-{memory}.yaml"
    path.write_text(
        f"id: {path.stem}\nname: Custom device\nvendor: Custom\nkind: {kind}\nreleased: 2025\n"
        f"memory:\n  size_gib: {memory}\n  bandwidth_gb_s: {bandwidth}\n"
        "sources:\n  - {id: own, title: my own device, url: 'https://example.com'}\n"
    )
    return str(path)


def _cli(case: dict[str, Any], tmp: Path) -> dict[str, Any]:
    device = case["device"]
    hardware = _hardware_file(tmp, device) if device.startswith("custom") else device
    args = ["estimate", case["model"], "--hardware", hardware, "--quant", case["quant"]]
    args += ["--context", str(case["context"]), "--kv-quant", case["kv"], "--json"]
    if case["gpus"] > 1:
        args += ["--gpus", str(case["gpus"])]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    data = json.loads(out.getvalue())
    return {**data, **data["memory"]}


def _set_inputs(page: Page, case: dict[str, Any]) -> None:
    device = case["device"]
    values = {"quant": case["quant"], "context": case["context"], "kv": case["kv"]}
    if device.startswith("custom"):
        _, memory, bandwidth, kind = device.split(":")
        values |= {"device": "custom", "mem": memory, "bw": bandwidth, "kind": kind}
    else:
        values["device"] = device
    values["gpus"] = case["gpus"]
    page.evaluate(
        """values => {
            const form = document.querySelector('.pa-calculator form');
            for (const [name, value] of Object.entries(values)) {
                form.elements[name].value = String(value);
            }
            form.dispatchEvent(new Event('change'));
        }""",
        values,
    )


def _outputs(page: Page) -> dict[str, str]:
    shown: dict[str, str] = page.eval_on_selector_all(
        "[data-pa-output]",
        "els => Object.fromEntries(els.map(el => [el.dataset.paOutput, el.dataset.value]))",
    )
    decode = page.query_selector('[data-pa-output="decode_tokens_per_s"]')
    assert decode is not None
    low, _, high = (decode.get_attribute("data-range") or " ").partition(" ")
    return shown | {"decode_low": low, "decode_high": high}


def _same(cli: Any, shown: str) -> bool:
    if cli is None:
        return shown == ""
    if isinstance(cli, str):
        return cli == shown
    return math.isclose(float(shown), float(cli), rel_tol=1e-12)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_browser()


@pytest.fixture(scope="module")
def pages(browser: Browser, served: str) -> Iterator[dict[str, Page]]:
    context = browser.new_context()
    opened = {}
    for model in MODELS:
        page = context.new_page()
        page.goto(f"{served}/models/{model}/")
        page.wait_for_selector(".pa-calculator:not([hidden])")
        opened[model] = page
    yield opened
    context.close()


def test_the_grid_is_large_and_varied() -> None:
    assert len(GRID) >= 200
    assert {case["gpus"] for case in GRID} == {1, 2, 3, 4}
    assert {"MXFP4", "Q4_K_M", "Q8_0", "Q2_K", "F16"} <= {case["quant"] for case in GRID}


def test_every_output_equals_the_cli(pages: dict[str, Page], tmp_path: Path) -> None:
    mismatches = []
    verdicts = set()
    for case in GRID:
        page = pages[case["model"]]
        _set_inputs(page, case)
        shown = _outputs(page)
        cli = _cli(case, tmp_path)
        decode_range = cli["decode_tokens_per_s_range"] or [None, None]
        cli |= {"decode_low": decode_range[0], "decode_high": decode_range[1]}
        verdicts.add(cli["fit"])
        for key in OUTPUTS:
            if not _same(cli[key], shown[key]):
                mismatches.append(f"{case}: {key} page={shown[key]!r} cli={cli[key]!r}")
    assert verdicts == {"fits", "offload", "no"}
    assert mismatches == [], "\n".join(mismatches[:20])


def test_the_address_restores_and_follows_the_state(browser: Browser, served: str) -> None:
    page = browser.new_page()
    page.goto(
        f"{served}/models/qwen3-30b-a3b/?device=rtx-4090&gpus=2&quant=Q8_0&context=32768&kv=Q8_0"
    )
    page.wait_for_selector(".pa-calculator:not([hidden])")
    form = {
        name: page.eval_on_selector(f"[name={name}]", "el => el.value")
        for name in ("device", "gpus", "quant", "context", "kv")
    }
    assert form == {
        "device": "rtx-4090",
        "gpus": "2",
        "quant": "Q8_0",
        "context": "32768",
        "kv": "Q8_0",
    }
    page.select_option("[name=quant]", "Q4_K_M")
    assert "quant=Q4_K_M" in page.url and "gpus=2" in page.url
    page.goto(f"{served}/models/qwen3-30b-a3b/?mem=24&bw=936&kind=discrete-gpu")
    page.wait_for_selector(".pa-calculator:not([hidden])")
    assert page.eval_on_selector("[name=device]", "el => el.value") == "custom"
    assert page.is_visible(".pa-custom")
    page.close()


def test_the_calculator_says_why_the_cpu_backend_has_no_prompt_speed(
    browser: Browser, served: str
) -> None:
    page = browser.new_page()
    for device, says_why in (("core-ultra-7-258v-32gb", True), ("rtx-4090", False)):
        page.goto(f"{served}/models/{MODELS[0]}/?device={device}")
        page.wait_for_selector(".pa-calculator:not([hidden])")
        page.wait_for_function(
            "document.querySelector('[data-pa-output=decode_tokens_per_s]').textContent !== '—'"
        )
        note = page.inner_text(".pa-calculator-note")
        prefill = page.inner_text("[data-pa-output=prefill_tokens_per_s]")
        assert ("CPU backend computes prompts on the CPU cores" in note) is says_why
        assert (prefill.startswith("~")) is not says_why
    page.close()


def test_keyboard_alone_changes_the_result(browser: Browser, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/models/llama-3.1-8b/?device=rtx-4090&quant=Q4_K_M")
    page.wait_for_selector(".pa-calculator:not([hidden])")
    before = page.get_attribute("[data-pa-output=weights_bytes]", "data-value")
    page.focus("[name=quant]")
    page.keyboard.press("ArrowUp")  # a more precise format
    after = page.get_attribute("[data-pa-output=weights_bytes]", "data-value")
    assert before != after
    assert page.get_attribute(".pa-calculator-results", "aria-live") == "polite"
    labels = page.eval_on_selector_all(
        ".pa-calculator select, .pa-calculator input",
        "els => els.map(el => el.closest('label') ? el.closest('label').textContent.trim() : '')",
    )
    assert all(labels)
    page.close()


def test_no_console_error_and_no_request_elsewhere(browser: Browser, served: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda r: None if r.url.startswith(served) else foreign.append(r.url))
    for model in MODELS[:4]:
        page.goto(f"{served}/models/{model}/?device=m4-max-128gb")
        page.wait_for_selector(".pa-calculator:not([hidden])")
    page.close()
    assert errors == []
    assert [url for url in foreign if not url.startswith("data:")] == []


def test_without_javascript_the_calculator_stays_hidden(site: Path) -> None:
    from tests.site.building import page as built_page

    html = built_page(site, "models/qwen3-30b-a3b")
    calculator = html.find(class_="pa-calculator")
    assert calculator is not None and calculator.has_attr("hidden")
    assert html.find(id="will-it-run-on-my-hardware").find_next("table") is not None


@pytest.mark.parametrize(
    ("device", "context"), [("rtx-3060-12gb", 8192), ("m4-max-128gb", 32768), ("h100-sxm", 8192)]
)
def test_what_can_i_run_recommends_what_the_pages_do(
    browser: Browser, served: str, device: str, context: int
) -> None:
    from paramatlas.render.guidance import Guide

    page = browser.new_page()
    page.goto(f"{served}/what-can-i-run/?device={device}&context={context}")
    page.wait_for_selector(".pa-runner:not([hidden]) tbody tr")
    shown = dict(
        page.eval_on_selector_all(
            ".pa-runner tbody tr",
            "rows => rows.map(r => [r.dataset.model, r.cells[3].dataset.value])",
        )
    )
    page.close()
    dataset = load_dataset()
    guide = Guide(dataset)
    expected = {}
    for model in dataset.models:
        if model.context_length and context > model_max_context(model):
            continue
        advice = guide.best(model, dataset.device(device), context)
        if advice.quant is not None and advice.fit != "no":
            expected[model.id] = advice.quant.id
    assert shown == expected


def test_what_can_i_run_asks_for_a_device_before_answering(browser: Browser, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/what-can-i-run/")
    page.wait_for_selector(".pa-runner:not([hidden])")
    prompt = page.text_content(".pa-runner .pa-calculator-message")
    before = page.locator(".pa-runner tbody tr").count()
    page.select_option(".pa-runner select[name=device]", "rtx-4090")
    page.wait_for_selector(".pa-runner tbody tr")
    after = page.locator(".pa-runner tbody tr").count()
    address = page.url
    page.close()
    assert prompt is not None and prompt.startswith("Choose a device")
    assert before == 0 < after
    assert "?device=rtx-4090&" in address


@pytest.mark.parametrize(("width", "stacked"), [(390, True), (1280, False)])
def test_what_can_i_run_is_a_theme_table_that_stacks_on_a_phone(
    browser: Browser, served: str, width: int, stacked: bool
) -> None:
    """The list is built after load: it must still get Material's frame on a desktop and become
    cards whose values carry their column's name on a phone, like the device pages' tables."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{served}/what-can-i-run/?device=rtx-3060-12gb")
    page.wait_for_selector(".pa-runner:not([hidden]) tbody tr")
    table = page.locator(".pa-runner table")
    framed = table.evaluate(
        "el => el.parentElement.classList.contains('md-typeset__table')"
        " && getComputedStyle(el.querySelector('td')).borderTopStyle === 'solid'"
    )
    labels = table.locator("tbody tr").first.evaluate(
        "row => [...row.cells].slice(1).map(c => getComputedStyle(c, '::before').content)"
    )
    overflow = table.evaluate("el => el.scrollWidth - el.clientWidth")
    context.close()
    assert framed is not stacked
    if stacked:
        assert labels == [
            f'"{name}"'
            for name in (
                "Total",
                "Active",
                "Recommended",
                "Verdict",
                "Decode tokens/s",
                "Longest context",
            )
        ]
        assert overflow <= 1
    else:
        assert set(labels) == {"none"}


@pytest.mark.parametrize("width", [390, 1280])
def test_compare_keeps_its_row_labels_in_view(browser: Browser, served: str, width: int) -> None:
    """Three models fit a desktop's column; on a phone they scroll sideways under labels that
    stay put."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"{served}/compare/?models=gemma-4-26b-a4b,qwen3-30b-a3b,gpt-oss-20b")
    page.wait_for_selector(".pa-compare:not([hidden]) table")
    # Material's tables scroll themselves (an inline block with overflow: auto).
    table = page.locator(".pa-compare-table table")
    overflow = table.evaluate("el => el.scrollWidth - el.clientWidth")
    table.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    label_left = table.locator("th[scope=row]").first.evaluate(
        "el => el.getBoundingClientRect().left - el.closest('table').getBoundingClientRect().left"
    )
    context.close()
    if width == 1280:
        assert overflow <= 1
    else:
        assert overflow > 0
        assert abs(label_left) <= 1


def test_compare_keeps_its_models_in_the_address(browser: Browser, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/compare/?models=gemma-4-26b-a4b,qwen3-30b-a3b&quant=Q4_K_M&context=4096")
    page.wait_for_selector(".pa-compare:not([hidden]) table")
    headers = page.eval_on_selector_all(
        ".pa-compare thead th a", "els => els.map(e => e.textContent)"
    )
    assert headers == ["Gemma 4 26B-A4B", "Qwen3-30B-A3B"]
    page.select_option("[name=add]", "gpt-oss-20b")
    assert "models=gemma-4-26b-a4b%2Cqwen3-30b-a3b%2Cgpt-oss-20b" in page.url
    page.click("button[aria-label='Remove Gemma 4 26B-A4B']")
    assert "models=qwen3-30b-a3b%2Cgpt-oss-20b" in page.url
    totals = page.eval_on_selector_all(
        "[data-pa-output=total_bytes]", "els => els.map(e => Number(e.dataset.value))"
    )
    cli = [
        _cli(
            {"model": m, "device": "rtx-4090", "gpus": 1, "quant": q, "context": 4096, "kv": "F16"},
            Path("."),
        )
        for m, q in (("qwen3-30b-a3b", "Q4_K_M"), ("gpt-oss-20b", "MXFP4"))
    ]
    assert totals[0] == cli[0]["total_bytes"]
    page.close()


def test_the_calculator_starts_after_instant_navigation(browser: Browser, served: str) -> None:
    """Material swaps pages without reloading them: the script must start on the new page."""
    page = browser.new_page()
    page.goto(f"{served}/models/")
    page.wait_for_function("() => window.document$ !== undefined")
    page.click("a[href$='models/qwen3-30b-a3b/']")
    page.wait_for_url("**/models/qwen3-30b-a3b/**")
    page.wait_for_selector(".pa-calculator:not([hidden])", timeout=10_000)
    assert page.get_attribute("[data-pa-output=weights_bytes]", "data-value")
    page.close()
