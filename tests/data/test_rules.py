"""Every validation rule, each with a broken copy of a valid dataset and the exact place expected.

A case names a file of the fixture dataset, a text to replace in it, and the problem that must be
reported: `file:line:column` and a fragment of the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paramatlas import Severity, check_dataset
from tests.conftest import replace_once

QWEN = "models/qwen3/qwen3-30b-a3b.yaml"
GEMMA = "models/gemma-4/gemma-4-e2b.yaml"
LLAMA = "models/llama-3/llama-3.1-8b.yaml"
GPU = "hardware/nvidia/rtx-4090.yaml"
ACTIVE = "glossary/active-parameters.yaml"
TOTAL = "glossary/total-parameters.yaml"
QWEN_ACTIVE = "active: {value: 3_300_000_000,  approximate: false, status: official, source: card}"

# fmt: off
CASES = [
    # YAML pitfalls
    ("number read as a string", QWEN, "value: 30_500_000_000", "value: 3.05e10",
     "38:19", "'3.05e10' is read as a string, not a number", "write 3.05e+10"),
    ("ambiguous boolean", QWEN, "open_weights: true", "open_weights: yes",
     "10:15", "'yes' is ambiguous", "write true or false"),
    ("duplicate key", QWEN, "license: Apache-2.0\n", "license: Apache-2.0\nlicense: MIT\n",
     "7:1", "duplicate key 'license' (first at line 6)", "keep only the last value"),
    ("unsafe tag", QWEN, "license: Apache-2.0", "license: !!python/object/apply:os.system [ls]",
     "6:10", "the YAML tag !!python/object/apply:os.system is not allowed", "remove the tag"),
    ("anchor", QWEN, "modalities: [text]", "modalities: &m [text]",
     "7:13", "anchor &m is not allowed", "write the value out"),
    ("alias", QWEN, "context_length: 32768", "context_length: *big",
     "8:17", "alias *big is not allowed", "write the value out"),
    ("invalid YAML", QWEN, "modalities: [text]", "modalities: [text",
     "8:15", "invalid YAML", "indentation"),
    # schema
    ("unknown key", QWEN, "  hidden_size: 2048", "  hiden_size: 2048",
     "16:3", "architecture: unknown key 'hiden_size'", "did you mean 'hidden_size'?"),
    ("missing key", QWEN, "license: Apache-2.0\n", "",
     "2:1", "(top level): missing required key 'license'", "SPDX"),
    ("enum", QWEN, "  type: moe", "  type: sparse",
     "14:9", "architecture.type: \"sparse\" is not one of: dense, moe", ""),
    ("wrong type", QWEN, "context_length: 32768", 'context_length: "32k"',
     "8:17", 'context_length: "32k" is not a whole number', "plain number"),
    ("non-http url", QWEN, "url: https://huggingface.co/Qwen/Qwen3-30B-A3B\n",
     "url: javascript:alert(1)\n",
     "45:10", "sources[0].url: \"javascript:alert(1)\" has the wrong form", "http"),
    ("bad date", QWEN, 'released: "2025-04-29"', 'released: "April 2025"',
     "5:11", "released: \"April 2025\" has the wrong form", "YYYY-MM-DD"),
    # identity and references
    ("id differs from file", QWEN, "id: qwen3-30b-a3b", "id: qwen3-30b",
     "2:5", "id 'qwen3-30b' differs from the file name 'qwen3-30b-a3b.yaml'", "rename"),
    ("family differs from folder", QWEN, "family: qwen3", "family: llama-3",
     "4:9", "family 'llama-3' differs from the folder 'qwen3'", "move the file"),
    ("unknown quantization", QWEN, "native_precision: BF16", "native_precision: Q4_K_X",
     "11:19", "unknown quantization 'Q4_K_X'", "closest: Q4_K_M"),
    ("unknown source", QWEN, QWEN_ACTIVE, QWEN_ACTIVE.replace("source: card", "source: cardd"),
     "39:81", "source 'cardd' is not in this file's sources", "card, config"),
    ("unknown related term", ACTIVE, "related: [total-parameters]", "related: [total-params]",
     "11:11", "unknown glossary term 'total-params'", "closest: total-parameters"),
    ("unknown example model", ACTIVE, "example_model: qwen3-30b-a3b",
     "example_model: qwen3-30b", "10:16", "unknown model 'qwen3-30b'", "closest: qwen3-30b-a3b"),
    ("duplicate abbreviation", TOTAL, "term: Total parameters",
     "term: Total parameters\nabbreviation: A", "4:15", "abbreviation 'A' is already used", ""),
    # counts
    ("active above total", QWEN, "value: 3_300_000_000", "value: 33_000_000_000",
     "39:19", "active 33B exceeds total 30.5B", "wrong field"),
    ("effective is not total minus PLE", GEMMA, "effective: {value: 2_300_000_000",
     "effective: {value: 3_300_000_000", "45:22", "effective 3.3B is not total − PLE", ""),
    ("MoE without active", QWEN, "  " + QWEN_ACTIVE + "\n", "",
     "37:1", "an MoE model needs its active count", "activated parameters"),
    ("dense model with active below total", LLAMA, "  includes_encoders: false",
     "  active: {value: 1_000_000_000, approximate: false, status: official, source: card}\n"
     "  includes_encoders: false",
     "30:19", "a dense model without PLE uses every weight", "leave active out"),
    ("PLE count without PLE architecture", GEMMA, "  per_layer_embeddings:\n    dim: 256\n", "",
     "44:3", "a PLE count and architecture.per_layer_embeddings go together", ""),
    ("top-k above routed experts", QWEN, "routed_per_token: 8", "routed_per_token: 200",
     "30:23", "routed_per_token (200) exceeds the routed experts (128)", ""),
    ("QK norm scope without a QK norm", QWEN, "qk_norm: true", "qk_norm_scope: projection",
     "27:20", "qk_norm_scope describes a QK norm, but qk_norm is not true", "add qk_norm: true"),
    ("attention kind contradicts heads", QWEN, "kind: gqa", "kind: mha",
     "22:11", "kind mha does not match 32 heads with 4 KV heads", "that layout is gqa"),
    ("name claim", QWEN, "name: Qwen3-30B-A3B", "name: Qwen3-30B-A13B",
     "3:7", "the name says A13B (about 13B active) but the active count is 3.3B", "names round"),
    # prose
    ("HTML in notes", QWEN, "notes: >\n", "notes: >\n  <script>alert(1)</script>\n",
     "57:3", "HTML is not allowed in data", "Markdown"),
    ("template syntax in notes", QWEN, "notes: >\n", "notes: >\n  {{ config.site_name }}\n",
     "57:3", "template syntax", ""),
    ("javascript link in notes", QWEN, "notes: >\n", "notes: >\n  [click](javascript:alert(1))\n",
     "56:8", "link target 'javascript:alert(1' is not an http(s) address", "https://"),
    # Markdown-extension syntax and hidden characters (rendered inert too: tests/render)
    ("attribute list in a name", QWEN, "name: Qwen3-30B-A3B",
     "name: Qwen3-30B-A3B { onfocus=alert(1) autofocus tabindex=1 }",
     "3:21", "curly braces are not allowed", "parentheses"),
    ("attribute list in notes", QWEN, "notes: >\n", "notes: >\n  text {: onclick=alert(1) }\n",
     "57:8", "curly braces are not allowed", ""),
    ("svg without a space", GPU, "name: NVIDIA GeForce RTX 4090", "name: <svg/onload=alert(1)>",
     "3:7", "HTML is not allowed in data", ""),
    ("unclosed img tag", GPU, "name: NVIDIA GeForce RTX 4090", "name: x <img src=x onerror=y",
     "3:9", "HTML is not allowed in data", ""),
    ("remote image in notes", QWEN, "notes: >\n", "notes: >\n  ![p](https://remote.test/p.png)\n",
     "57:3", "images are not allowed in data", "link to the image"),
    ("reference-style link", QWEN, "notes: >\n", "notes: >\n  see [the card][card]\n",
     "57:16", "reference-style links are not allowed", "inline"),
    ("link reference definition", QWEN, "notes: >\n", "notes: |\n  [r]: //remote.test\n",
     "57:1", "Markdown definitions and block syntax are not allowed", ""),
    ("abbreviation definition", QWEN, "notes: >\n", "notes: |\n  *[MoE]: hijacked\n",
     "57:1", "Markdown definitions and block syntax are not allowed", ""),
    ("admonition", QWEN, "notes: >\n", 'notes: |\n  !!! danger "x"\n',
     "57:1", "Markdown definitions and block syntax are not allowed", ""),
    ("html block", QWEN, "notes: >\n", "notes: |\n  /// html | div\n",
     "57:1", "Markdown definitions and block syntax are not allowed", ""),
    ("snippet inclusion", QWEN, "notes: >\n", 'notes: |\n  --8<-- "/etc/passwd"\n',
     "57:1", "Markdown definitions and block syntax are not allowed", ""),
    ("newline in a one-line field", GPU, "vendor: NVIDIA", 'vendor: "NVIDIA\\n# injected"',
     "4:9", "'vendor' is a one-line field but the text spans lines", "on one line"),
    ("right-to-left override", GPU, "vendor: NVIDIA", 'vendor: "NVI\\u202eDIA"',
     "4:9", "invisible formatting character U+202E", "look-alike"),
    ("zero-width space", QWEN, "name: Qwen3-30B-A3B", 'name: "Qwen3\\u200b-30B-A3B"',
     "3:7", "invisible formatting character U+200B", ""),
    ("control character", GPU, "vendor: NVIDIA", 'vendor: "NVIDIA\\u0085"',
     "4:9", "'vendor' is a one-line field", ""),
    ("delete character", GPU, "vendor: NVIDIA", 'vendor: "NVIDIA\\x7f"',
     "4:9", "control character U+007F", "invisible"),
    # hardware
    ("usable above installed", GPU, "released: 2022", "released: 2022\nusable_memory_gib: 30",
     "7:20", "usable memory 30 GiB exceeds installed memory 24 GiB", ""),
]
# fmt: on


@pytest.mark.parametrize(
    ("file", "old", "new", "place", "message", "hint"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule_reports_problem_at_place(
    minimal_data: Path, file: str, old: str, new: str, place: str, message: str, hint: str
) -> None:
    replace_once(minimal_data / file, old, new)
    dataset, problems = check_dataset(minimal_data)
    expected_prefix = f"{minimal_data / file}:{place}: "
    matching = [
        p for p in problems if p.format().startswith(expected_prefix) and message in p.message
    ]
    assert matching, "\n".join(p.format() for p in problems)
    assert hint in matching[0].hint
    assert matching[0].severity is Severity.ERROR
    assert dataset is None


def test_fixture_is_valid(minimal_data: Path) -> None:
    dataset, problems = check_dataset(minimal_data)
    assert dataset is not None, "\n".join(p.format() for p in problems)
    assert [m.id for m in dataset.models] == ["gemma-4-e2b", "llama-3.1-8b", "qwen3-30b-a3b"]


def test_duplicate_id_in_another_family(minimal_data: Path) -> None:
    source = minimal_data / QWEN
    copy = minimal_data / "models/llama-3/qwen3-30b-a3b.yaml"
    copy.write_text(source.read_text().replace("family: qwen3", "family: llama-3"))
    _, problems = check_dataset(minimal_data)
    duplicates = [p for p in problems if "duplicate model id 'qwen3-30b-a3b'" in p.message]
    assert len(duplicates) == 1
    # files are read in path order, so the copy under llama-3/ is the first holder of the id
    assert duplicates[0].path == str(source)
    assert (duplicates[0].line, duplicates[0].column) == (2, 5)
    assert f"(also in {copy}:2)" in duplicates[0].message


def test_stray_and_misnamed_files(minimal_data: Path) -> None:
    (minimal_data / "models/stray.yaml").write_text("id: stray\n")
    (minimal_data / "glossary/kv-cache.yml").write_text("id: kv-cache\n")
    _, problems = check_dataset(minimal_data)
    by_path = {Path(p.path).name: p for p in problems}
    assert "not part of any collection" in by_path["stray.yaml"].message
    assert by_path["kv-cache.yml"].hint == "rename it to .yaml"


def test_oversized_file_is_refused_unread(minimal_data: Path) -> None:
    path = minimal_data / QWEN
    path.write_text(path.read_text() + "#" * 300_000 + "\n")
    _, problems = check_dataset(minimal_data)
    assert any(p.path == str(path) and "larger than 262,144 bytes" in p.message for p in problems)


def test_alias_bomb_is_refused_quickly(minimal_data: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    path = minimal_data / "glossary/bomb.yaml"
    path.write_text(bomb)
    _, problems = check_dataset(minimal_data)
    assert any(p.path == str(path) and "alias" in p.message for p in problems)


def test_derived_disagreement_is_a_warning_with_both_numbers(minimal_data: Path) -> None:
    replace_once(minimal_data / QWEN, "  hidden_size: 2048", "  hidden_size: 4096")
    dataset, problems = check_dataset(minimal_data)
    warnings = [p for p in problems if p.severity is Severity.WARNING and p.path.endswith(QWEN)]
    assert dataset is not None
    total = next(p for p in warnings if p.message.startswith("total "))
    assert total.line == 38
    assert "total 30.5B disagrees with" in total.message
    assert "derived from the hyperparameters" in total.message


def test_every_problem_reported_in_one_run(minimal_data: Path) -> None:
    replace_once(minimal_data / QWEN, "routed_per_token: 8", "routed_per_token: 200")
    replace_once(minimal_data / LLAMA, "id: llama-3.1-8b", "id: llama-3.1-8")
    replace_once(minimal_data / GPU, "kind: discrete-gpu", "kind: gpu")
    replace_once(minimal_data / ACTIVE, "related: [total-parameters]", "related: [nothing]")
    _, problems = check_dataset(minimal_data)
    places = {(Path(p.path).name, p.line) for p in problems if p.severity is Severity.ERROR}
    assert {
        ("qwen3-30b-a3b.yaml", 30),
        ("llama-3.1-8b.yaml", 2),
        ("rtx-4090.yaml", 5),
        ("active-parameters.yaml", 11),
    } <= places


def test_second_document_is_refused(minimal_data: Path) -> None:
    path = minimal_data / QWEN
    path.write_text(path.read_text() + "---\nid: other\n")
    _, problems = check_dataset(minimal_data)
    assert any(
        p.path == str(path) and "one YAML document, not several" in p.message for p in problems
    )
