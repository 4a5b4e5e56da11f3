"""Build-time benchmark: the site with the plugin against the same pages built without it.

For the real dataset and for synthetic datasets of 1,000 and 5,000 models (copies of real
entries under new ids), it builds

* the site with the paramatlas plugin (load, validate, estimate, render, then MkDocs), cold
  (its cache folder emptied first, as on a fresh checkout) and warm (the Methodology page's
  cross-validation kept from the run before), and
* a plain site holding the very Markdown the plugin generates (`paramatlas render`), no plugin,

each in a fresh process, alternating the two, and prints the fastest of `--repeat` runs
(wall-clock seconds; on a shared two-core machine the minimum is the least noisy statistic),
the peak memory (max RSS) and the ratio.
Run by hand: `python benchmarks/build.py [--sizes 1000 5000] [--repeat 3] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from paramatlas.render.pages import INDEX_PAGES

ROOT = Path(__file__).resolve().parents[1]
THEME = {"name": "material", "font": False}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def run(command: list[str], cwd: Path) -> Run:
    """Run `command` in a new process; its wall time and the peak RSS the kernel reports for it."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{error[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def synthetic_data(target: Path, models: int) -> Path:
    """A dataset with `models` model files: the real ones, then copies under new ids."""
    shutil.copytree(ROOT / "data", target)
    originals = sorted((target / "models").glob("*/*.yaml"))
    for index in range(models - len(originals)):
        source = originals[index % len(originals)]
        new_id = f"{source.stem}-v{index}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}\n", f"id: {new_id}\n")
        (source.parent / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return target


def write_config(site: Path, plugin: bool) -> None:
    lines = ["site_name: benchmark", "theme:", "  name: material", "  font: false"]
    if plugin:
        lines += ["plugins:", "  - search", "  - paramatlas:", "      data_dir: data"]
    else:
        # The plugin keeps entry pages (all in folders) out of the navigation, all but the
        # index pages; the plain site does the same, so both render the same sidebar.
        lines += ["plugins:", "  - search", "not_in_nav: |", "  /*/*.md"]
        lines += [f"  !/{path}" for path in INDEX_PAGES]
    lines += [
        "markdown_extensions:",
        "  - abbr",
        "  - admonition",
        "  - attr_list",
        "  - md_in_html",
        "  - tables",
    ]
    (site / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(label: str, data: Path, work: Path, repeat: int) -> tuple[Run, Run, Run]:
    with_plugin = work / f"{label}-plugin"
    plain = work / f"{label}-plain"
    for site in (with_plugin, plain):
        (site / "docs").mkdir(parents=True)
        (site / "docs" / "index.md").write_text("# Benchmark\n", encoding="utf-8")
    shutil.copytree(data, with_plugin / "data")
    write_config(with_plugin, plugin=True)
    write_config(plain, plugin=False)
    python = sys.executable
    subprocess.run(
        [python, "-m", "paramatlas", "render", "--data", str(data), "--out", str(plain / "docs")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    mkdocs = [python, "-m", "mkdocs", "build", "-q", "-d", "site"]
    cold_runs, warm_runs, plain_runs = [], [], []
    for _ in range(repeat):
        shutil.rmtree(with_plugin / ".cache", ignore_errors=True)
        cold_runs.append(run(mkdocs, with_plugin))
        warm_runs.append(run(mkdocs, with_plugin))
        plain_runs.append(run(mkdocs, plain))
    return _best(cold_runs), _best(warm_runs), _best(plain_runs)


def _best(runs: list[Run]) -> Run:
    return Run(min(r.seconds for r in runs), max(r.peak_mib for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per build; the fastest counts")
    parser.add_argument("--keep", type=Path, help="keep the built sites in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="paramatlas-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cases = [("real", ROOT / "data")]
    real = len(list((ROOT / "data" / "models").glob("*/*.yaml")))
    for size in args.sizes:
        if size <= real:  # a subset would break the glossary's and the results' references
            print(f"size {size} skipped: the bundled data already has {real} models")
            continue
        cases.append((str(size), synthetic_data(work / f"data-{size}", size)))
    print(
        f"{'models':>8} {'cold s':>7} {'warm s':>7} {'plain s':>8} {'cold/plain':>10} "
        f"{'plugin MiB':>11} {'plain MiB':>10} {'s/model':>8}"
    )
    for label, data in cases:
        count = len(list((data / "models").glob("*/*.yaml")))
        cold, warm, plain = measure(label, data, work, args.repeat)
        print(
            f"{count:>8} {cold.seconds:>7.1f} {warm.seconds:>7.1f} {plain.seconds:>8.1f} "
            f"{cold.seconds / plain.seconds:>10.2f} {max(cold.peak_mib, warm.peak_mib):>11.0f} "
            f"{plain.peak_mib:>10.0f} {cold.seconds / count:>8.3f}",
            flush=True,
        )
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
