"""A device page's own published results: measured, estimated, and estimated without it."""

from __future__ import annotations

import re
import statistics
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup, Tag

from paramatlas import load_dataset
from paramatlas.data.records import Dataset
from paramatlas.render.pages import Site


def _table(page: str) -> list[list[Tag]]:
    section = page[page.index("## Published results") :]
    table = BeautifulSoup(section[: section.index("\n## ")], "html.parser").find("table")
    assert table is not None
    return [row.find_all("td") for row in table.find_all("tr")[1:]]


def test_each_decode_result_of_the_device_is_listed_with_its_held_out_error(
    five_device_dataset: Dataset,
) -> None:
    site = Site(five_device_dataset)
    page = site.hardware_page(five_device_dataset.device("rtx-3090"))
    rows = _table(page)
    published = [
        m
        for m in five_device_dataset.measurements
        if m.hardware == "rtx-3090" and m.tg128 and not m.excluded
    ]
    assert len(rows) == len(published) >= 3
    published_links = {(f"{m.tg128:.1f}", m.source.url) for m in published}
    assert {(row[5].get_text(), row[5].a["href"]) for row in rows} == published_links
    errors = []
    for row in rows:
        assert row[0].a["href"] in {f"../../models/{m.model}/" for m in published}
        held = re.fullmatch(r"([\d.]+) \(([+-]\d+)%\)", row[7].get_text())
        assert held is not None, row[7]
        measured, held_out = float(row[5].get_text()), float(held[1])
        # the error printed is the held-out estimate against the measurement
        assert int(held[2]) == pytest.approx(100 * (held_out / measured - 1), abs=1)
        errors.append(abs(held_out / measured - 1))
    summary = re.search(r"the median error was\s+(\d+)% and\s+(\d+)% of the results", page)
    assert summary is not None
    assert int(summary[1]) == pytest.approx(100 * statistics.median(errors), abs=1)
    hits = sum(row[8].get_text() == "yes" for row in rows)
    assert int(summary[2]) == round(100 * hits / len(rows))


def test_multi_gpu_results_say_how_many_cards(five_device_dataset: Dataset) -> None:
    four = next(
        m
        for m in load_dataset().measurements
        if m.gpus == 4 and m.hardware == "rtx-6000-ada" and m.tg128
    )
    dataset = replace(five_device_dataset, measurements=(*five_device_dataset.measurements, four))
    rows = _table(Site(dataset).hardware_page(dataset.device("rtx-6000-ada")))
    assert [row[2].get_text() for row in rows] == ["CUDA ×4"]


def test_a_device_without_published_results_has_no_such_section(
    five_device_dataset: Dataset,
) -> None:
    page = Site(five_device_dataset).hardware_page(five_device_dataset.device("rtx-5090"))
    assert "## Published results" not in page


def test_a_model_page_lists_the_model_s_results_on_every_device(
    five_device_dataset: Dataset,
) -> None:
    page = Site(five_device_dataset).model_page(five_device_dataset.model("llama-2-7b"))
    rows = _table(page)
    published = [
        m
        for m in five_device_dataset.measurements
        if m.model == "llama-2-7b" and m.tg128 and not m.excluded
    ]
    assert len(rows) == len(published) >= 5
    names = {five_device_dataset.device(m.hardware).name: m.hardware for m in published}
    for row in rows:
        device = names[row[0].get_text()]  # the device by name, linked to its page
        assert row[0].a["href"] == f"../../hardware/{device}/"
    errors = [
        abs(float(row[7].get_text().split()[0]) / float(row[5].get_text()) - 1) for row in rows
    ]
    summary = re.search(r"the median error was\s+(\d+)%", page)
    assert summary is not None
    assert int(summary[1]) == pytest.approx(100 * statistics.median(errors), abs=1)


def test_a_hostile_source_address_and_title_stay_inert(five_device_dataset: Dataset) -> None:
    """The measured figure's link takes the one path every data address takes: http(s) only,
    escaped for the attribute."""
    first = next(m for m in five_device_dataset.measurements if m.hardware == "rtx-3090")
    hostile = replace(
        first,
        source=replace(first.source, url='javascript:alert(1)" onmouseover="x', title="<b>x</b>"),
    )
    dataset = replace(
        five_device_dataset,
        measurements=tuple(hostile if m is first else m for m in five_device_dataset.measurements),
    )
    page = Site(dataset).hardware_page(dataset.device("rtx-3090"))
    links = [row[5].a for row in _table(page)]
    assert "#" in [link["href"] for link in links]
    assert all(link.get("onmouseover") is None for link in links)
    assert all(link["href"].startswith(("https://", "#")) for link in links)


def _excluded_table(page: str) -> list[list[Tag]]:
    section = page[page.index("### Results the model does not describe") :]
    table = BeautifulSoup(section, "html.parser").find("table")
    assert table is not None
    return [row.find_all("td") for row in table.find_all("tr")[1:]]


def _with_excluded(dataset: Dataset, device: str, reason: str) -> tuple[Dataset, object]:
    """The dataset with the first decode result of `device` marked excluded for `reason`."""
    first = next(m for m in dataset.measurements if m.hardware == device and m.tg128)
    left_out = replace(first, excluded=reason)
    measurements = tuple(left_out if m is first else m for m in dataset.measurements)
    return replace(dataset, measurements=measurements), left_out


def test_a_result_left_out_of_the_fit_is_still_shown_on_its_device_page(
    five_device_dataset: Dataset,
) -> None:
    """Readers of a device page see every published result: those the speed model leaves out
    in a table of their own, with the reason, and not in the held-out figures."""
    dataset, left_out = _with_excluded(
        five_device_dataset, "rtx-3090", "A <script>alert(1)</script> configuration & more."
    )
    page = Site(dataset).hardware_page(dataset.device("rtx-3090"))
    measured = f"{left_out.tg128:.1f}"  # type: ignore[attr-defined]
    main = _table(page)
    assert len(main) == len(
        [m for m in dataset.measurements if m.hardware == "rtx-3090" and m.tg128 and not m.excluded]
    )
    assert (measured, left_out.source.url) not in {  # type: ignore[attr-defined]
        (row[5].get_text(), row[5].a["href"]) for row in main
    }
    already = [
        m for m in five_device_dataset.measurements if m.hardware == "rtx-3090" and m.excluded
    ]
    rows = _excluded_table(page)
    assert len(rows) == len(already) + 1
    [row] = [row for row in rows if row[6].get_text().startswith("A <script>")]
    assert row[0].a["href"] == f"../../models/{left_out.model}/"  # type: ignore[attr-defined]
    assert (row[4].get_text(), row[4].a["href"]) == (measured, left_out.source.url)  # type: ignore[attr-defined]
    assert float(row[5].get_text()) > 0
    assert row[6].get_text() == "A <script>alert(1)</script> configuration & more."
    assert row[6].find("script") is None  # the reason is text, never markup


def test_a_device_whose_only_results_are_left_out_shows_them_without_accuracy(
    five_device_dataset: Dataset,
) -> None:
    only = next(m for m in five_device_dataset.measurements if m.hardware == "rtx-3090" and m.tg128)
    dataset = replace(
        five_device_dataset,
        measurements=(replace(only, excluded="A setting it does not describe."),),
    )
    page = Site(dataset).hardware_page(dataset.device("rtx-3090"))
    assert "## Published results" in page
    assert "median error" not in page
    [row] = _excluded_table(page)
    assert row[6].get_text() == "A setting it does not describe."
