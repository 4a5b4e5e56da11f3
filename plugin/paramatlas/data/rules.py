"""Consistency rules beyond the schema: ids, references, arithmetic between counts, name claims,
agreement with hyperparameters, and prose that could not be rendered safely.

Each rule reads schema-valid documents and returns problems placed at the value they concern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from .names import read_name
from .problems import Problem, Severity
from .safe_text import UNFINISHED, TextIssue, strings, text_issues
from .suggest import closest
from .yaml_source import JsonPath, YamlDocument

# Relative tolerances. Exact figures must agree to rounding; "~" figures to their rounding.
EXACT_TOLERANCE = 0.005
APPROXIMATE_TOLERANCE = 0.05
# A size in a name may round: "7B" for 7.24B, "1B" for 1.24B, "20b" for 20.9B.
NAME_RATIO_RANGE = (0.7, 1.4)


Documents = dict[str, list[YamlDocument]]


Rule = Callable[[Documents], Iterator[Problem]]


def check_documents(
    by_kind: Documents,
    unreadable: Mapping[str, set[str]] | None = None,
    extra_rules: Sequence[Rule] = (),
) -> list[Problem]:
    """Every rule over the schema-valid documents. `unreadable` holds, per kind, the ids of files
    that exist but failed to read or validate: those are reported in their own file, and a
    reference to them elsewhere is not reported again as unknown. `extra_rules` come from layers
    above the data (the counts recomputed by the engine: `paramatlas.validation`)."""
    failed = unreadable or {}
    problems: list[Problem] = []
    for rule in (*_RULES, *extra_rules):
        problems.extend(rule(by_kind))
    problems.extend(_references(by_kind, failed))
    problems.extend(_measurement_references(by_kind, failed))
    return problems


def problem_at(
    document: YamlDocument,
    path: JsonPath,
    message: str,
    hint: str = "",
    severity: Severity = Severity.ERROR,
    *,
    at_key: bool = False,
) -> Problem:
    position = document.key_position_of(path) if at_key else document.position_of(path)
    return Problem(document.path, position.line, position.column, message, hint, severity)


def _closest(word: str, options: list[str]) -> str:
    close = closest(word, options)
    return f"closest: {', '.join(close)}" if close else ""


# -- identity ---------------------------------------------------------------------------------


def _ids_match_files(by_kind: Documents) -> Iterator[Problem]:
    for kind in ("model", "hardware", "glossary"):
        for document in by_kind.get(kind, []):
            stem = PurePath(document.path).stem
            if document.value["id"] != stem:
                yield problem_at(
                    document,
                    ("id",),
                    f"id '{document.value['id']}' differs from the file name '{stem}.yaml'",
                    f"rename the file to {document.value['id']}.yaml or change the id",
                )
    for document in by_kind.get("model", []):
        parent = PurePath(document.path).parent
        folder = parent.name
        # A file given on its own (paramatlas estimate path.yaml) need not sit in a family folder.
        if parent.parent.name == "models" and document.value["family"] != folder:
            yield problem_at(
                document,
                ("family",),
                f"family '{document.value['family']}' differs from the folder '{folder}'",
                f"move the file to models/{document.value['family']}/ or change the family",
            )


def _entries(
    by_kind: Documents, kind: str, key: str
) -> Iterator[tuple[YamlDocument, JsonPath, dict[str, Any]]]:
    """(document, path, entry) for files holding one entry or a list of entries under `key`."""
    for document in by_kind.get(kind, []):
        if key:
            for index, entry in enumerate(document.value[key]):
                yield document, (key, index), entry
        else:
            yield document, (), document.value


_COLLECTIONS = (
    ("model", "", "model"),
    ("hardware", "", "device"),
    ("glossary", "", "glossary term"),
    ("families", "families", "family"),
    ("quantizations", "quantizations", "quantization"),
)


def _unique_ids(by_kind: Documents) -> Iterator[Problem]:
    for kind, key, label in _COLLECTIONS:
        seen: dict[str, tuple[YamlDocument, JsonPath]] = {}
        for document, path, entry in _entries(by_kind, kind, key):
            entry_id = entry["id"]
            if entry_id in seen:
                first_doc, first_path = seen[entry_id]
                first = first_doc.position_of((*first_path, "id"))
                yield problem_at(
                    document,
                    (*path, "id"),
                    f"duplicate {label} id '{entry_id}' (also in {first_doc.path}:{first.line})",
                    "every id must be unique",
                )
            else:
                seen[entry_id] = (document, path)


def _source_references(by_kind: Documents) -> Iterator[Problem]:
    """Every `source:` names an entry of the same file's `sources`, and source ids are unique."""
    for kind, key, _ in _COLLECTIONS:
        for document, path, entry in _entries(by_kind, kind, key):
            declared: list[str] = []
            for index, source in enumerate(entry.get("sources", [])):
                if source["id"] in declared:
                    yield problem_at(
                        document,
                        (*path, "sources", index, "id"),
                        f"duplicate source id '{source['id']}'",
                    )
                declared.append(source["id"])
            for ref_path, ref in _source_refs(entry, path):
                if ref not in declared:
                    yield problem_at(
                        document,
                        ref_path,
                        f"source '{ref}' is not in this file's sources",
                        f"add it under sources, or use one of: {', '.join(declared) or '(none)'}",
                    )


def _source_refs(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source" and isinstance(item, str):
                yield (*path, key), item
            elif key != "sources":
                yield from _source_refs(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _source_refs(item, (*path, index))


def _references(by_kind: Documents, failed: Mapping[str, set[str]]) -> Iterator[Problem]:
    def ids(kind: str, key: str) -> list[str]:
        return [entry["id"] for _, _, entry in _entries(by_kind, kind, key)]

    families = ids("families", "families")
    quantizations = ids("quantizations", "quantizations")
    models = ids("model", "")
    terms = ids("glossary", "")
    for document in by_kind.get("model", []):
        data = document.value
        if by_kind.get("families") and data["family"] not in families:
            yield problem_at(
                document,
                ("family",),
                f"unknown family '{data['family']}'",
                f"add it to families.yaml; {_closest(data['family'], families)}".rstrip("; "),
            )
        precision = data.get("native_precision")
        if (
            precision is not None
            and by_kind.get("quantizations")
            and precision not in quantizations
        ):
            yield problem_at(
                document,
                ("native_precision",),
                f"unknown quantization '{precision}'",
                _closest(precision, quantizations) or "see quantizations.yaml",
            )
    for document, path, entry in _entries(by_kind, "quantizations", "quantizations"):
        other = entry.get("other_weights")
        if other is not None and other not in quantizations:
            yield problem_at(
                document,
                (*path, "other_weights"),
                f"unknown quantization '{other}'",
                _closest(other, quantizations),
            )
    for document in by_kind.get("glossary", []):
        data = document.value
        example_model = data.get("example_model")
        if (
            example_model is not None
            and models
            and example_model not in models
            and example_model not in failed.get("model", set())
        ):
            yield problem_at(
                document,
                ("example_model",),
                f"unknown model '{example_model}'",
                _closest(example_model, models),
            )
        if (example_model is None) != (data.get("example") is None):
            yield problem_at(
                document,
                ("example" if example_model is None else "example_model",),
                "example and example_model go together",
                "give both, or neither",
                at_key=True,
            )
        for index, related in enumerate(data.get("related", [])):
            if related == data["id"]:
                yield problem_at(document, ("related", index), "a term cannot be related to itself")
            elif related not in terms and related not in failed.get("glossary", set()):
                yield problem_at(
                    document,
                    ("related", index),
                    f"unknown glossary term '{related}'",
                    _closest(related, terms),
                )


def _measurement_references(
    by_kind: Documents, failed: Mapping[str, set[str]]
) -> Iterator[Problem]:
    collections = {
        "model": [entry["id"] for _, _, entry in _entries(by_kind, "model", "")],
        "hardware": [entry["id"] for _, _, entry in _entries(by_kind, "hardware", "")],
        "quant": [e["id"] for _, _, e in _entries(by_kind, "quantizations", "quantizations")],
    }
    for document, path, entry in _entries(by_kind, "measurements", "measurements"):
        for key, known in collections.items():
            if entry[key] in failed.get(key, set()):
                continue
            if known and entry[key] not in known:
                yield problem_at(
                    document,
                    (*path, key),
                    f"unknown {key} '{entry[key]}'",
                    _closest(entry[key], known),
                )


def _unique_abbreviations(by_kind: Documents) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for document in by_kind.get("glossary", []):
        abbreviation = document.value.get("abbreviation")
        if abbreviation is None:
            continue
        if abbreviation in seen:
            yield problem_at(
                document,
                ("abbreviation",),
                f"abbreviation '{abbreviation}' is already used by '{seen[abbreviation]}'",
                "a tooltip can explain an abbreviation only one way",
            )
        seen[abbreviation] = document.value["id"]


# -- architecture -----------------------------------------------------------------------------


def _architecture_shape(by_kind: Documents) -> Iterator[Problem]:
    for document in by_kind.get("model", []):
        arch = document.value["architecture"]
        at = ("architecture",)
        is_moe = arch["type"] == "moe"
        if is_moe and "experts" not in arch:
            yield problem_at(document, (*at, "type"), "an MoE model needs an 'experts' block")
        if not is_moe and "experts" in arch:
            yield problem_at(
                document,
                (*at, "experts"),
                "a dense model has no experts",
                "set type: moe",
                at_key=True,
            )
        experts = arch.get("experts")
        if experts and experts["routed_per_token"] > experts["routed"]:
            yield problem_at(
                document,
                (*at, "experts", "routed_per_token"),
                f"routed_per_token ({experts['routed_per_token']}) exceeds the routed experts "
                f"({experts['routed']})",
            )
        if experts and experts.get("dense_layers", 0) >= arch["layers"]:
            yield problem_at(
                document, (*at, "experts", "dense_layers"), "dense_layers must be fewer than layers"
            )
        yield from _attention_shape(document, arch)
        ple_declared = "ple" in document.value["parameters"]
        if ple_declared != ("per_layer_embeddings" in arch):
            yield problem_at(
                document,
                ("parameters", "ple") if ple_declared else (*at, "per_layer_embeddings"),
                "a PLE count and architecture.per_layer_embeddings go together",
                "give both for a model with per-layer embeddings, neither otherwise",
                at_key=True,
            )
        if arch.get("ffn", {}).get("intermediate_size") is None and _has_dense_layers(arch):
            yield problem_at(
                document,
                (*at, "ffn"),
                "the model has dense layers but no ffn.intermediate_size",
                "copy intermediate_size from config.json",
                at_key=True,
            )


def _has_dense_layers(arch: dict[str, Any]) -> bool:
    experts = arch.get("experts")
    if experts is None:
        return True
    return bool(experts.get("dense_layers", 0) > 0 or experts.get("moe_layer_interval", 1) > 1)


def _attention_shape(document: YamlDocument, arch: dict[str, Any]) -> Iterator[Problem]:
    attention = arch["attention"]
    at = ("architecture", "attention")
    kind = attention["kind"]
    heads = attention["heads"]
    yield from _low_rank_attention_shape(document, arch)
    if kind == "mla":
        if "mla" not in attention:
            yield problem_at(document, (*at, "kind"), "kind mla needs an 'mla' block of ranks")
        return
    if "mla" in attention:
        yield problem_at(document, (*at, "mla"), "an 'mla' block needs kind: mla", at_key=True)
    kv_heads = attention.get("kv_heads")
    if kv_heads is None:
        yield problem_at(
            document,
            at,
            "kv_heads is required unless kind is mla",
            "copy num_key_value_heads",
            at_key=True,
        )
        return
    expected = {"mha": kv_heads == heads, "mqa": kv_heads == 1, "gqa": 1 < kv_heads < heads}
    if not expected[kind]:
        actual = "mha" if kv_heads == heads else "mqa" if kv_heads == 1 else "gqa"
        yield problem_at(
            document,
            (*at, "kind"),
            f"kind {kind} does not match {heads} heads with {kv_heads} KV heads",
            f"that layout is {actual}",
        )
    if heads % kv_heads:
        yield problem_at(
            document, (*at, "kv_heads"), f"{heads} heads cannot be grouped over {kv_heads} KV heads"
        )
    if "head_dim" not in attention and arch["hidden_size"] % heads:
        yield problem_at(
            document,
            at,
            "head_dim is needed: hidden_size is not a multiple of heads",
            "copy head_dim from config.json",
            at_key=True,
        )
    if "layer_pattern" in attention and "sliding_window" not in attention:
        yield problem_at(
            document, (*at, "layer_pattern"), "a local:global pattern needs sliding_window"
        )
    if "qk_norm_scope" in attention and not attention.get("qk_norm"):
        yield problem_at(
            document,
            (*at, "qk_norm_scope"),
            "qk_norm_scope describes a QK norm, but qk_norm is not true",
            "add qk_norm: true, or remove qk_norm_scope",
        )
    kv_shared = attention.get("kv_shared_layers", 0)
    if kv_shared >= arch["layers"]:
        yield problem_at(
            document, (*at, "kv_shared_layers"), "kv_shared_layers must be fewer than layers"
        )


def _low_rank_attention_shape(document: YamlDocument, arch: dict[str, Any]) -> Iterator[Problem]:
    """DeepSeek-V4's fields: low-rank query and output, per-layer compression, indexer."""
    attention = arch["attention"]
    at = ("architecture", "attention")
    if attention["kind"] == "mla":
        for key in ("q_lora_rank", "o_groups", "o_lora_rank", "compress_ratios"):
            if key in attention:
                yield problem_at(
                    document,
                    (*at, key),
                    f"{key} is not used with kind mla",
                    "MLA's query rank goes in the mla block" if key == "q_lora_rank" else "",
                    at_key=True,
                )
    if ("o_groups" in attention) != ("o_lora_rank" in attention):
        present = "o_groups" if "o_groups" in attention else "o_lora_rank"
        yield problem_at(
            document,
            (*at, present),
            "o_groups and o_lora_rank go together",
            "copy both from config.json",
            at_key=True,
        )
    groups = attention.get("o_groups")
    if groups and attention["heads"] % groups:
        yield problem_at(
            document, (*at, "o_groups"), f"{attention['heads']} heads cannot form {groups} groups"
        )
    ratios = attention.get("compress_ratios")
    if ratios is not None:
        if len(ratios) != arch["layers"]:
            yield problem_at(
                document,
                (*at, "compress_ratios"),
                f"compress_ratios has {len(ratios)} entries for {arch['layers']} layers",
                "give one entry per layer; leave out the config's trailing entries for MTP layers",
            )
        if "sliding_window" not in attention:
            yield problem_at(
                document,
                (*at, "compress_ratios"),
                "compressed layers need sliding_window",
                at_key=True,
            )
    if "indexer" in attention:
        query_rank = attention.get("q_lora_rank") or attention.get("mla", {}).get("q_lora_rank")
        if not query_rank:
            yield problem_at(
                document,
                (*at, "indexer"),
                "an indexer reads the low-rank query: it needs q_lora_rank",
                at_key=True,
            )


# -- counts -----------------------------------------------------------------------------------


def _tolerance(*counts: dict[str, Any]) -> float:
    approximate = any(count.get("approximate", False) for count in counts)
    return APPROXIMATE_TOLERANCE if approximate else EXACT_TOLERANCE


def billions(value: float) -> str:
    """A count as a reader writes it: 30.5B, 350M, or the plain number below a million."""
    if value >= 1e9:
        return f"{value / 1e9:.3g}B"
    return f"{value / 1e6:.3g}M" if value >= 1e6 else f"{value:,.0f}"


def _count_arithmetic(by_kind: Documents) -> Iterator[Problem]:
    for document in by_kind.get("model", []):
        params = document.value["parameters"]
        at = ("parameters",)
        total = params["total"]
        ple = params.get("ple")
        effective = params.get("effective")
        active = params.get("active")
        is_moe = document.value["architecture"]["type"] == "moe"
        if is_moe and active is None:
            yield problem_at(
                document,
                at,
                "an MoE model needs its active count",
                "copy the activated parameters from the model card",
                at_key=True,
            )
        if ple is not None and effective is not None:
            expected = total["value"] - ple["value"]
            slack = _tolerance(total, ple, effective) * total["value"]
            if abs(effective["value"] - expected) > slack:
                yield problem_at(
                    document,
                    (*at, "effective", "value"),
                    f"effective {billions(effective['value'])} is not total − PLE = "
                    f"{billions(total['value'])} − {billions(ple['value'])} "
                    f"= {billions(expected)}",
                    "fix one of the three counts, or mark approximate figures approximate: true",
                )
        effective_value = (
            effective["value"]
            if effective is not None
            else total["value"] - (ple["value"] if ple else 0)
        )
        upper = [("total", total["value"], total)]
        if effective is not None or ple is not None:
            upper.append(("effective", effective_value, effective or total))
        if active is not None:
            for name, bound, count in upper:
                slack = _tolerance(active, count) * bound
                if active["value"] > bound + slack:
                    yield problem_at(
                        document,
                        (*at, "active", "value"),
                        f"active {billions(active['value'])} exceeds {name} {billions(bound)}",
                        "active ≤ effective ≤ total; is a count in the wrong field?",
                    )
        if ple is not None and ple["value"] >= total["value"]:
            yield problem_at(
                document, (*at, "ple", "value"), "the PLE count must be smaller than total"
            )
        if effective is not None and effective["value"] > total["value"] * (
            1 + _tolerance(effective, total)
        ):
            yield problem_at(
                document,
                (*at, "effective", "value"),
                f"effective {billions(effective['value'])} "
                f"exceeds total {billions(total['value'])}",
            )
        if not is_moe and active is not None and ple is None:
            slack = _tolerance(active, total) * total["value"]
            if abs(active["value"] - total["value"]) > slack:
                yield problem_at(
                    document,
                    (*at, "active", "value"),
                    "a dense model without PLE uses every weight: "
                    f"active {billions(active['value'])} "
                    f"should equal total {billions(total['value'])}",
                    "leave active out; it is derived",
                )
        if not is_moe and ple is None and effective is not None:
            yield problem_at(
                document,
                (*at, "effective"),
                "a dense model without PLE has effective = total",
                "leave effective out; it is derived",
                at_key=True,
            )


def _name_claims(by_kind: Documents) -> Iterator[Problem]:
    low, high = NAME_RATIO_RANGE
    for document in by_kind.get("model", []):
        data = document.value
        params = data["parameters"]
        counts = {
            "total": params["total"]["value"],
            "effective": params.get("effective", {}).get("value")
            or params["total"]["value"] - params.get("ple", {}).get("value", 0),
            "active": params.get("active", {}).get("value"),
        }
        if counts["active"] is None and data["architecture"]["type"] == "dense":
            counts["active"] = counts["effective"]
        experts = data["architecture"].get("experts")
        for claim in read_name(data["name"]):
            if claim.kind == "experts":
                if experts is None:
                    yield problem_at(
                        document,
                        ("name",),
                        f"the name says {claim.token} (experts) but the model has no experts block",
                    )
                elif experts["routed"] != int(claim.value):
                    yield problem_at(
                        document,
                        ("name",),
                        f"the name says {claim.token}: {int(claim.value)} experts, "
                        f"but architecture.experts.routed is {experts['routed']}",
                    )
                continue
            if claim.kind == "expert-size":
                continue
            actual = counts.get(claim.kind)
            if actual is None:
                continue
            ratio = actual / claim.value
            if not low <= ratio <= high:
                yield problem_at(
                    document,
                    ("name",),
                    f"the name says {claim.token} (about {billions(claim.value)} {claim.kind}) "
                    f"but the {claim.kind} count is {billions(actual)}",
                    "names round, but not this far: is a count wrong or in the wrong field?",
                )


# -- text -----------------------------------------------------------------------------------


def _safe_text(by_kind: Documents) -> Iterator[Problem]:
    """No HTML, template or Markdown-extension syntax, hidden characters or non-http links."""
    for documents in by_kind.values():
        for document in documents:
            for path, text in strings(document.value):
                for issue in text_issues(path, text):
                    yield _text_problem(document, path, issue)


def _text_problem(document: YamlDocument, path: JsonPath, issue: TextIssue) -> Problem:
    """A text problem at its own line: in a folded block (`notes: >`) the value starts lines
    above what was found."""
    start = document.position_of(path)
    if issue.pattern is None or not document.text:
        return problem_at(document, path, issue.message, issue.hint)
    lines = document.text.splitlines()
    indent = len(lines[start.line - 1]) - len(lines[start.line - 1].lstrip()) if lines else 0
    for number in range(start.line, len(lines) + 1):
        line = lines[number - 1]
        if number > start.line and line.strip() and len(line) - len(line.lstrip()) <= indent:
            break  # past the end of this value
        offset = start.column - 1 if number == start.line else 0
        found = issue.pattern.search(line, offset)
        if found:
            return Problem(
                document.path, number, found.start() + 1, issue.message, issue.hint, Severity.ERROR
            )
    return problem_at(document, path, issue.message, issue.hint)


# A comment after a value (`layers: 1   # FILL-IN: …`); a file's opening comment lines, which
# start at the first column, may name the marker when they explain it.
_FILL_IN_COMMENT = re.compile(r"\s#.*?(" + re.escape(UNFINISHED) + ")")


def _unfinished_comments(by_kind: Documents) -> Iterator[Problem]:
    """`paramatlas new` marks each value to fill with a FILL-IN comment; none may be left."""
    for documents in by_kind.values():
        for document in documents:
            for number, line in enumerate(document.text.splitlines(), start=1):
                found = _FILL_IN_COMMENT.search(line)
                if found:
                    yield Problem(
                        document.path,
                        number,
                        found.start(1) + 1,
                        "a FILL-IN comment of a new entry is left",
                        "fill the value on this line from the source, then delete the comment",
                        Severity.ERROR,
                    )


# -- dates and names of pages ----------------------------------------------------------------

# Ids that would take the place of a page of the site: every folder has an index page.
RESERVED_IDS = frozenset({"index"})
EARLIEST_YEAR = 2010
_DATE_FIELDS = (("model", "", "released"), ("measurements", "measurements", "date"))


def _dates(by_kind: Documents) -> Iterator[Problem]:
    """Dates are real calendar dates, and not in the future."""
    latest = date.today() + timedelta(days=1)  # a release dated in another time zone
    for kind, key, field_name in _DATE_FIELDS:
        for document, path, entry in _entries(by_kind, kind, key):
            text = entry.get(field_name)
            if not isinstance(text, str):
                continue
            parts = [int(part) for part in text.split("-")]
            try:
                day = date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
            except ValueError as error:
                yield problem_at(
                    document,
                    (*path, field_name),
                    f"{text} is not a date: {error}",
                    "write a date that exists, YYYY-MM-DD",
                )
                continue
            if day > latest or day.year < EARLIEST_YEAR:
                yield problem_at(
                    document,
                    (*path, field_name),
                    f"{text} is {'in the future' if day > latest else 'implausibly early'}",
                    "give the date it was published",
                )
    for document in by_kind.get("hardware", []):
        year = document.value["released"]
        if year > latest.year + 1:
            yield problem_at(
                document, ("released",), f"{year} is in the future", "give the year of release"
            )


def _reserved_ids(by_kind: Documents) -> Iterator[Problem]:
    for kind, key, label in _COLLECTIONS:
        for document, path, entry in _entries(by_kind, kind, key):
            if entry["id"] in RESERVED_IDS:
                yield problem_at(
                    document,
                    (*path, "id"),
                    f"'{entry['id']}' cannot be a {label} id: it is the name of the index page",
                    "choose another id (and file name)",
                )


def _hardware_memory(by_kind: Documents) -> Iterator[Problem]:
    for document in by_kind.get("hardware", []):
        data = document.value
        usable = data.get("usable_memory_gib")
        if usable is not None and usable > data["memory"]["size_gib"]:
            yield problem_at(
                document,
                ("usable_memory_gib",),
                f"usable memory {usable} GiB exceeds installed memory "
                f"{data['memory']['size_gib']} GiB",
            )


_FIGURE_STATUSES = (
    (("memory", "size_status"), "the memory size"),
    (("memory", "bandwidth_status"), "the bandwidth"),
    (("compute", "fp16_status"), "the FP16 figure"),
    (("compute", "int8_status"), "the INT8 figure"),
    (("usable_memory_status",), "the usable memory"),
)


def _hardware_figure_status(by_kind: Documents) -> Iterator[Problem]:
    """A figure the vendor does not state needs its arithmetic or reasoning in the notes."""
    for document in by_kind.get("hardware", []):
        data = document.value
        for path, figure in _FIGURE_STATUSES:
            holder = data
            for key in path[:-1]:
                holder = holder.get(key, {})
            status = holder.get(path[-1], "official")
            if status != "official" and not data.get("notes"):
                yield problem_at(
                    document,
                    path,
                    f"{figure} is {status}: say how in notes",
                    "give the arithmetic (derived) or the reasoning (estimated)",
                )


_RULES: tuple[Rule, ...] = (
    _ids_match_files,
    _unique_ids,
    _source_references,
    _unique_abbreviations,
    _architecture_shape,
    _count_arithmetic,
    _name_claims,
    _safe_text,
    _dates,
    _reserved_ids,
    _hardware_memory,
    _hardware_figure_status,
    _unfinished_comments,
)
