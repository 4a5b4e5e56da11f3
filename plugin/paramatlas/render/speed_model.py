"""The fitted speed model as data/speed-model.yaml: what `paramatlas calibrate --write` stores."""

from __future__ import annotations

from typing import Any

import yaml

from ..data.records import PrefillGroup, SpeedGroup, SpeedModel, Spread

HEADER = """\
# yaml-language-server: $schema=../plugin/paramatlas/schemas/speed-model.schema.json
# Written by `paramatlas calibrate --write` from measurements.yaml: do not edit by hand.
# After adding or changing measurements, run it again; the tests check that this file matches.
# Formulas and the meaning of every coefficient: the site's Methodology page.
"""
SIGNIFICANT = 4


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT}g}")


def _group(group: SpeedGroup) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": group.name,
        "calibrated": group.calibrated,
        "rows": group.rows,
        "devices": group.devices,
        "decode": {
            "efficiency": _round(group.decode.efficiency),
            "kv_efficiency": _round(group.decode.kv_efficiency),
            "layer_seconds": _round(group.decode.layer_seconds),
            "moe_layer_seconds": _round(group.decode.moe_layer_seconds),
            "delta_layer_seconds": _round(group.decode.delta_layer_seconds),
            "mla_layer_seconds": _round(group.decode.mla_layer_seconds),
        },
        "decode_spread": _spread(group.decode_spread),
    }
    if group.decode.core_gb_s:
        data["decode"]["core_gb_s"] = _round(group.decode.core_gb_s)
    return data


def _spread(spread: Spread) -> list[float]:
    return [_round(spread.low), _round(spread.high)]


def _prefill_group(group: PrefillGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "calibrated": group.calibrated,
        "rows": group.rows,
        "devices": group.devices,
        "utilisation": _round(group.utilisation),
        "spread": _spread(group.spread),
    }


def speed_model_document(model: SpeedModel) -> dict[str, Any]:
    document: dict[str, Any] = {
        "groups": [_group(group) for group in model.groups.values()],
        "pooled": _group(model.pooled),
    }
    if model.offload is not None:
        document["offload"] = {
            "host_efficiency": _round(model.offload.host_efficiency),
            "rows": model.offload.rows,
            "devices": model.offload.devices,
        }
    if model.prefill is not None:
        document["prefill"] = {
            "expert_cost": _round(model.prefill.expert_cost),
            "recurrent_layer_flops": _round(model.prefill.recurrent_layer_flops),
            "groups": [_prefill_group(group) for group in model.prefill.groups.values()],
            "pooled": _prefill_group(model.prefill.pooled),
        }
    return document


def speed_model_yaml(model: SpeedModel) -> str:
    body = yaml.safe_dump(speed_model_document(model), sort_keys=False, width=100)
    return HEADER + body
