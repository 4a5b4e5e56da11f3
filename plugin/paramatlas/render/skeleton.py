"""A new model entry to fill in: `paramatlas new ID --family F --kind dense|dense-ple|moe`.

The skeleton is schema-valid, so an editor completes and checks it from the first keystroke, but
every value to fill holds the marker `FILL-IN` (in text) or a comment saying where the figure
comes from, and the validator refuses the file until no marker is left: an unfinished entry can
never pass for a finished one.
"""

from __future__ import annotations

from typing import Literal

from ..data.safe_text import UNFINISHED as MARKER

Kind = Literal["dense", "dense-ple", "moe"]

_ARCHITECTURE = {
    "dense": "",
    "dense-ple": """\
  per_layer_embeddings:
    dim: 1                    # FILL-IN: hidden_size_per_layer_input
""",
    "moe": """\
  experts:
    routed: 2                 # FILL-IN: num_experts / n_routed_experts / num_local_experts
    routed_per_token: 1       # FILL-IN: num_experts_per_tok (the router's top-k)
    shared: 0                 # FILL-IN: n_shared_experts (0 if none)
    expert_intermediate_size: 1   # FILL-IN: moe_intermediate_size
""",
}
_COUNTS = {
    "dense": "",
    "dense-ple": """\
  ple:   {value: 1, approximate: true, status: official, source: card}     # FILL-IN
  effective: {value: 1, approximate: true, status: official, source: card}  # FILL-IN
""",
    "moe": """\
  active: {value: 1, approximate: true, status: official, source: card}  # FILL-IN: activated
""",
}


def model_skeleton(model_id: str, family: str, kind: Kind) -> str:
    """The text of `models/<family>/<model_id>.yaml`."""
    arch_type = "moe" if kind == "moe" else "dense"
    return f"""\
# yaml-language-server: $schema=../../../plugin/paramatlas/schemas/model.schema.json
# Fill every FILL-IN from the model's config.json and model card, cite both under sources, then
# run `paramatlas validate`: it refuses this file until no FILL-IN is left. See the site's
# Contributing page; `paramatlas from-hf config.json` fills the architecture for you.
id: {model_id}
name: "{MARKER}: the vendor's own spelling of the name"
family: {family}
released: "2000-01-01"            # FILL-IN: public release date, quoted
license: "{MARKER}: SPDX id such as Apache-2.0, else the licence's name"
modalities: [text]
context_length: 512               # FILL-IN: max_position_embeddings or the card's context
open_weights: true
native_precision: BF16            # FILL-IN: BF16, F16, FP8, MXFP4… as released

architecture:
  type: {arch_type}
  layers: 1                       # FILL-IN: num_hidden_layers
  hidden_size: 1                  # FILL-IN: hidden_size
  vocab_size: 1                   # FILL-IN: vocab_size
  tie_word_embeddings: false      # FILL-IN: tie_word_embeddings
  ffn:
    activation: gated
    intermediate_size: 1          # FILL-IN: intermediate_size (leave out if every layer is MoE)
  attention:
    kind: mha                     # FILL-IN: mha, gqa, mqa or mla
    heads: 1                      # FILL-IN: num_attention_heads
    kv_heads: 1                   # FILL-IN: num_key_value_heads
    head_dim: 1                   # FILL-IN: head_dim (or hidden_size / heads)
    qkv_bias: false
{_ARCHITECTURE[kind]}
parameters:
  # FILL-IN: the card's total, then any other count it gives
  total: {{value: 1, approximate: true, status: official, source: card}}
{_COUNTS[kind]}  includes_encoders: false

sources:
  - id: card
    title: "{MARKER}: OWNER/NAME model card"
    url: https://huggingface.co/OWNER/NAME
  - id: config
    title: "{MARKER}: OWNER/NAME config.json"
    url: https://huggingface.co/OWNER/NAME/blob/main/config.json

notes: >
  {MARKER}: where each figure comes from, and any disagreement between sources.
"""
