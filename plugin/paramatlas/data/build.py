"""Turning schema-valid plain data into records, deriving the counts a file leaves out."""

from __future__ import annotations

from typing import Any

from .records import (
    AlsoReported,
    Architecture,
    Attention,
    Count,
    DecodeCoefficients,
    Encoder,
    Experts,
    Family,
    GlobalLayers,
    GlossaryTerm,
    Hardware,
    Indexer,
    LatentAttention,
    LinearAttention,
    Measurement,
    Model,
    OffloadCalibration,
    ParameterCounts,
    PrefillGroup,
    PrefillModel,
    Quantization,
    Source,
    SpeedGroup,
    SpeedModel,
    Spread,
)


def ratio(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, second = text.split(":")
    return int(first), int(second)


def sources(items: list[dict[str, Any]] | None) -> tuple[Source, ...]:
    return tuple(Source(item["id"], item["title"], item["url"]) for item in items or [])


def attention(data: dict[str, Any], hidden_size: int) -> Attention:
    heads = data["heads"]
    mla = data.get("mla")
    global_layers = data.get("global_layers")
    return Attention(
        kind=data["kind"],
        heads=heads,
        kv_heads=data.get("kv_heads", heads),
        head_dim=data.get("head_dim", hidden_size // heads),
        qkv_bias=data.get("qkv_bias", False),
        output_gate=data.get("output_gate", False),
        qk_norm=data.get("qk_norm", False),
        qk_norm_scope=data.get("qk_norm_scope", "head"),
        k_equals_v=data.get("k_equals_v", False),
        q_lora_rank=data.get("q_lora_rank"),
        o_groups=data.get("o_groups"),
        o_lora_rank=data.get("o_lora_rank"),
        sliding_window=data.get("sliding_window"),
        layer_pattern=ratio(data.get("layer_pattern")),
        global_layers=GlobalLayers(**global_layers) if global_layers else None,
        kv_shared_layers=data.get("kv_shared_layers", 0),
        compress_ratios=tuple(data.get("compress_ratios", ())),
        indexer=Indexer(**data["indexer"]) if "indexer" in data else None,
        mla=LatentAttention(q_lora_rank=mla.get("q_lora_rank"), **_without(mla, "q_lora_rank"))
        if mla
        else None,
    )


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}


def architecture(data: dict[str, Any]) -> Architecture:
    ffn = data.get("ffn", {})
    experts = data.get("experts")
    linear = data.get("linear_attention")
    ple = data.get("per_layer_embeddings")
    return Architecture(
        type=data["type"],
        layers=data["layers"],
        hidden_size=data["hidden_size"],
        vocab_size=data["vocab_size"],
        attention=attention(data["attention"], data["hidden_size"]),
        tie_word_embeddings=data.get("tie_word_embeddings", False),
        ffn_gated=ffn.get("activation", "gated") == "gated",
        intermediate_size=ffn.get("intermediate_size"),
        kv_shared_intermediate_size=ffn.get("kv_shared_layers_intermediate_size"),
        linear_attention=LinearAttention(
            layer_pattern=ratio(linear["layer_pattern"]) or (0, 1),
            **_without(linear, "layer_pattern"),
        )
        if linear
        else None,
        experts=Experts(
            gated=experts.get("expert_activation", "gated") == "gated",
            **_without(experts, "expert_activation"),
        )
        if experts
        else None,
        ple_dim=ple["dim"] if ple else None,
        ple_vocab_size=ple.get("vocab_size") if ple else None,
        altup_streams=data["altup"]["streams"] if "altup" in data else None,
        laurel_rank=data.get("laurel_rank"),
        mtp_layers=data.get("mtp_layers", 0),
        encoders=tuple(
            Encoder(item["modality"], Count.from_data(item["params"]), item.get("name"))
            for item in data.get("encoders", [])
        ),
    )


def parameter_counts(data: dict[str, Any], arch: Architecture) -> ParameterCounts:
    """Declared counts, with effective and active derived where the file leaves them out."""
    total = Count.from_data(data["total"])
    ple = Count.from_data(data["ple"]) if "ple" in data else None
    if "effective" in data:
        effective = Count.from_data(data["effective"])
    elif ple is not None:
        effective = Count(
            total.value - ple.value,
            total.approximate or ple.approximate,
            "derived",
            None,
            derived_from="total − PLE",
        )
    else:
        effective = Count(
            total.value,
            total.approximate,
            total.status,
            total.source,
            derived_from="total (no PLE)",
        )
    if "active" in data:
        active = Count.from_data(data["active"])
    else:
        rule = "effective (dense model)" if ple is not None else "total (dense model)"
        active = Count(
            effective.value,
            effective.approximate,
            effective.status,
            effective.source,
            derived_from=rule,
        )
    return ParameterCounts(
        total=total,
        effective=effective,
        active=active,
        ple=ple,
        includes_encoders=data.get("includes_encoders", False),
        includes_mtp=data.get("includes_mtp", False),
        also_reported=tuple(
            AlsoReported(
                item["count"],
                round(item["value"]),
                item.get("approximate", False),
                item["source"],
                item["note"],
            )
            for item in data.get("also_reported", [])
        ),
    )


def model(data: dict[str, Any], path: str, vendor: str) -> Model:
    arch = architecture(data["architecture"])
    return Model(
        id=data["id"],
        name=data["name"],
        family=data["family"],
        vendor=vendor,
        released=data["released"],
        license=data["license"],
        modalities=tuple(data["modalities"]),
        context_length=data["context_length"],
        context_length_extended=data.get("context_length_extended"),
        open_weights=data.get("open_weights", True),
        native_precision=data.get("native_precision"),
        architecture=arch,
        parameters=parameter_counts(data["parameters"], arch),
        sources=sources(data["sources"]),
        notes=data.get("notes", ""),
        path=path,
    )


def family(data: dict[str, Any]) -> Family:
    return Family(
        data["id"], data["name"], data["vendor"], data["url"], data.get("description", "")
    )


def hardware(data: dict[str, Any], path: str) -> Hardware:
    memory = data["memory"]
    compute = data.get("compute", {})
    cpu = data.get("cpu", {})
    return Hardware(
        id=data["id"],
        name=data["name"],
        vendor=data["vendor"],
        kind=data["kind"],
        released=data["released"],
        memory_gib=memory["size_gib"],
        bandwidth_gb_s=memory["bandwidth_gb_s"],
        memory_type=memory.get("type"),
        bus_width_bits=memory.get("bus_width_bits"),
        fp16_tflops=compute.get("fp16_tflops"),
        fp16_tflops_note=compute.get("fp16_tflops_note"),
        int8_tops=compute.get("int8_tops"),
        int8_tops_note=compute.get("int8_tops_note"),
        cpu_cores=cpu.get("cores"),
        cpu_cores_note=cpu.get("note"),
        usable_memory_gib=data.get("usable_memory_gib"),
        bandwidth_status=memory.get("bandwidth_status", "official"),
        memory_size_status=memory.get("size_status", "official"),
        fp16_status=compute.get("fp16_status", "official"),
        int8_status=compute.get("int8_status", "official"),
        usable_memory_status=data.get("usable_memory_status", "official"),
        backend=data.get("backend"),
        gpu_dies=data.get("gpu_dies", 1),
        sources=sources(data["sources"]),
        notes=data.get("notes", ""),
        path=path,
    )


def quantization(data: dict[str, Any]) -> Quantization:
    return Quantization(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        bits_per_weight=data["bits_per_weight"],
        approximate=data.get("approximate", False),
        applies_to=data["applies_to"],
        kv_cache=data.get("kv_cache", False),
        other_weights=data.get("other_weights"),
        description=data["description"],
        sources=sources(data["sources"]),
    )


def glossary_term(data: dict[str, Any], path: str) -> GlossaryTerm:
    return GlossaryTerm(
        id=data["id"],
        term=data["term"],
        summary=data["summary"],
        definition=data["definition"],
        abbreviation=data.get("abbreviation"),
        aliases=tuple(data.get("aliases", [])),
        example=data.get("example"),
        example_model=data.get("example_model"),
        related=tuple(data.get("related", [])),
        sources=sources(data.get("sources")),
        path=path,
    )


def measurement(data: dict[str, Any]) -> Measurement:
    return Measurement(
        model=data["model"],
        hardware=data["hardware"],
        quant=data["quant"],
        backend=data["backend"],
        source=Source("", data["source"]["title"], data["source"]["url"]),
        tg128=data.get("tg128"),
        pp512=data.get("pp512"),
        depth=data.get("depth", 0),
        generated=data.get("generated", 128),
        gpus=data.get("gpus", 1),
        offload_experts=data.get("offload", {}).get("n_cpu_moe"),
        gpu_layers=data.get("offload", {}).get("ngl"),
        host=data.get("host"),
        build=data.get("build"),
        date=data.get("date"),
        excluded=data.get("excluded"),
        note=data.get("note", ""),
    )


def speed_model(data: dict[str, Any]) -> SpeedModel:
    offload = data.get("offload")
    return SpeedModel(
        {group["name"]: speed_group(group) for group in data["groups"]},
        speed_group(data["pooled"]),
        OffloadCalibration(offload["host_efficiency"], offload["rows"], offload["devices"])
        if offload
        else None,
        prefill_model(data["prefill"]) if "prefill" in data else None,
    )


def prefill_model(data: dict[str, Any]) -> PrefillModel:
    return PrefillModel(
        data["expert_cost"],
        data["recurrent_layer_flops"],
        {group["name"]: prefill_group(group) for group in data["groups"]},
        prefill_group(data["pooled"]),
    )


def prefill_group(data: dict[str, Any]) -> PrefillGroup:
    return PrefillGroup(
        data["name"],
        data["utilisation"],
        Spread(*data["spread"]),
        data["rows"],
        data["devices"],
        data["calibrated"],
    )


def speed_group(data: dict[str, Any]) -> SpeedGroup:
    decode = data["decode"]
    return SpeedGroup(
        name=data["name"],
        decode=DecodeCoefficients(
            decode["efficiency"],
            decode["kv_efficiency"],
            decode["layer_seconds"],
            decode["moe_layer_seconds"],
            decode.get("delta_layer_seconds", 0.0),
            decode.get("core_gb_s", 0.0),
            decode.get("mla_layer_seconds", 0.0),
        ),
        decode_spread=Spread(*data["decode_spread"]),
        rows=data["rows"],
        devices=data["devices"],
        calibrated=data["calibrated"],
    )
