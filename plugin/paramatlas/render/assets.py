"""The stylesheet and scripts the generated pages use, as files for a site to serve.

The MkDocs plugin adds them to the build and to `extra_css`/`extra_javascript`; `paramatlas
render` writes them beside the pages, for a generator that links them itself.
"""

from __future__ import annotations

from importlib import resources

ASSET_DIR = "assets/paramatlas"
ASSETS = ("paramatlas.css", "paramatlas.js", "paramatlas-calculator.js")


def asset_files() -> dict[str, str]:
    """`{"assets/paramatlas/paramatlas.css": text, …}`."""
    return {
        f"{ASSET_DIR}/{name}": (resources.files("paramatlas") / "assets" / name).read_text("utf-8")
        for name in ASSETS
    }
