"""Which weight formats a model page offers, given the format its checkpoint was released in."""

from __future__ import annotations

import pytest

from paramatlas import load_dataset
from paramatlas.estimate.memory import weight_bytes
from paramatlas.render.guidance import Guide


@pytest.fixture(scope="module")
def guide() -> Guide:
    return Guide(load_dataset())


def _offered(guide: Guide, model_id: str) -> list[str]:
    return [quant.id for quant in guide.candidates(guide.dataset.model(model_id))]


def test_mxfp4_experts_are_offered_alone(guide: Guide) -> None:
    # llama.cpp keeps gpt-oss's MXFP4 experts as released: requantizing them gains nothing.
    assert _offered(guide, "gpt-oss-20b") == ["MXFP4"]


def test_kimi_int4_experts_leave_room_for_gguf_formats(guide: Guide) -> None:
    # Kimi's INT4 experts (4.5 bpw) are converted to GGUF, so Q4_K_M (4.89) is offered; formats
    # well above the release's precision are not.
    offered = _offered(guide, "kimi-k2-thinking")
    assert offered[:2] == ["Q4_K_M", "INT4_G32_EXPERTS"]
    assert "Q5_K_M" not in offered and "Q8_0" not in offered


def test_kimi_checkpoint_is_larger_than_int4_on_every_weight(guide: Guide) -> None:
    quants = {quant.id: quant for quant in guide.dataset.quantizations}
    model = guide.dataset.model("kimi-k2-thinking")
    experts_only = weight_bytes(model, quants["INT4_G32_EXPERTS"], quants).total
    every_weight = weight_bytes(model, quants["INT4"], quants).total
    # BF16 attention, shared expert, dense layer, embedding and head: about 11 % above INT4 on
    # every weight (594 GB against 534 GB).
    assert experts_only / every_weight == pytest.approx(1.11, abs=0.01)
