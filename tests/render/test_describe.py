"""The architecture phrase on model pages names what the counts and the cache depend on."""

from __future__ import annotations

from paramatlas import load_dataset
from paramatlas.render.describe import attention_phrase


def test_deepseek_v4_phrase_names_its_low_rank_and_compressed_attention() -> None:
    phrase = attention_phrase(load_dataset().model("deepseek-v4-flash"))
    assert phrase == (
        "multi-query attention (64 query heads, one KV head), low-rank query (rank 1,024), "
        "output in 8 groups of rank 1,024, one projection serves as key and value; every layer "
        "keeps a 128-token window; 21 layers add one entry per 4 tokens, read through an "
        "indexer (64 heads × 128); 20 layers add one entry per 128 tokens"
    )


def test_sparse_attention_names_its_indexer_and_plain_models_stay_plain() -> None:
    dataset = load_dataset()
    assert attention_phrase(dataset.model("glm-5")) == (
        "multi-head latent attention; a lightning indexer (32 heads × 128) picks the cached "
        "tokens each layer reads"
    )
    assert attention_phrase(dataset.model("qwen3-30b-a3b")) == (
        "grouped-query attention (32 query heads, 4 KV heads)"
    )
