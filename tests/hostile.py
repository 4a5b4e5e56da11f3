"""Injection strings, and a dataset built in code that carries them past validation.

Each string targets one construct of HTML, Jinja or a Markdown extension that a site may enable.
The validator refuses them in files (tests/data); these tests check the second layer: pages built
from data that skipped validation still show them as text.
"""

from __future__ import annotations

from dataclasses import replace

from paramatlas import load_dataset
from paramatlas.data.records import Dataset
from tests.conftest import FIXTURES

# The strings, one per construct. `alert(n)` numbers let a failing test say which one ran.
ONE_LINE = (
    "attr colon {: onclick=alert(2) }",
    "[link](https://example.com/ok){onclick=alert(10)}",
    "<svg/onload=alert(3)>",
    "<img src=x onerror=alert(4)",
    '<a href="javascript:alert(5)">x</a>',
    "[x](javascript:alert(6))",
    "![pixel](http://remote.invalid/pixel.png)",
    "[ok](https://example.com/a)b){onclick=alert(7)}",
    "{{ config.site_name }} {% if true %}jinja{% endif %}",
    "$\\href{javascript:alert(8)}{x}$ \\(x\\)",
    "{++critic++}{--gone--}",
    "[TOC] [^1] [r][ref]",
    "| pipe | cells |",
    "bidi \u202etxt.exe zero\u200bwidth",
    "controls \x7f \x85 \u2028 end",
    # Last, so that a heading made of a name ends with it, where attr_list reads it.
    "attr { onfocus=alert(1) autofocus tabindex=1 }",
)
# Constructs that open a block at the start of a line: only prose spans lines.
BLOCK = (
    "*[MoE]: hijacked tooltip",
    "[ref]: //remote.invalid/x",
    "[^1]: footnote definition",
    '!!! danger "pwned admonition"',
    '??? note "pwned details"',
    '=== "pwned tab"',
    "/// html | div\n    attrs: {onclick: alert(9)}\n\npwned block\n///",
    '--8<-- "secret.txt"',
    "# pwned heading {#pwned}",
    "```\npwned fence\n```",
    "Term\n: pwned definition",
    "    indented code",
    "<!-- pwned comment -->",
)
ONE_LINE_TEXT = " ".join(ONE_LINE)
PROSE_TEXT = "\n\n".join(ONE_LINE + BLOCK)
URL = "https://example.com/a_(b)?c=1&d=<2>"
"""An address with a `)` that must not end its link early, and characters to escape."""
MARKERS = ("pwned", "hijacked", "SNIPPET-SECRET")
"""Text that appears in the output only if a construct took effect (besides in plain text)."""


def hostile_dataset() -> Dataset:
    """The minimal fixture dataset with every data string a page shows replaced by the corpus."""
    dataset = load_dataset(FIXTURES / "minimal")
    models = tuple(
        replace(
            model,
            name=f"Model {ONE_LINE_TEXT}",
            vendor=ONE_LINE_TEXT,
            license=ONE_LINE_TEXT,
            notes=PROSE_TEXT,
            sources=tuple(replace(s, title=ONE_LINE_TEXT, url=URL) for s in model.sources),
        )
        for model in dataset.models
    )
    hardware = tuple(
        replace(
            device,
            name=f"Device {ONE_LINE_TEXT}",
            notes=PROSE_TEXT,
            cpu_cores=4,
            cpu_cores_note=ONE_LINE_TEXT,
        )
        for device in dataset.hardware
    )
    families = tuple(
        replace(family, name=f"Family {ONE_LINE_TEXT}", description=PROSE_TEXT)
        for family in dataset.families
    )
    glossary = tuple(
        replace(term, term=f"Term {ONE_LINE_TEXT}", summary=ONE_LINE_TEXT, definition=PROSE_TEXT)
        for term in dataset.glossary
    )
    return replace(dataset, models=models, hardware=hardware, families=families, glossary=glossary)
