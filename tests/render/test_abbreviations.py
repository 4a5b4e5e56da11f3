"""Tooltips for abbreviations in the tables written as HTML."""

from __future__ import annotations

from markupsafe import Markup

from paramatlas.render.abbreviations import Abbreviator


def test_whole_words_get_an_escaped_title() -> None:
    abbreviator = Abbreviator({"MoE": "Mixture of experts: <a> & b", "KV": "Key-value"})
    marked = abbreviator.mark(Markup("MoE: 8 experts; KV cache; MoEs and SKV stay"))
    assert marked == (
        '<abbr title="Mixture of experts: &lt;a&gt; &amp; b">MoE</abbr>: 8 experts; '
        '<abbr title="Key-value">KV</abbr> cache; MoEs and SKV stay'
    )


def test_the_longest_abbreviation_wins() -> None:
    marked = Abbreviator({"KV": "short", "KVQ": "long"}).mark(Markup("KVQ"))
    assert marked == '<abbr title="long">KVQ</abbr>'


def test_no_abbreviations_leave_the_text_alone() -> None:
    assert Abbreviator({}).mark(Markup("MoE")) == "MoE"
