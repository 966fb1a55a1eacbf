"""Built-in packs compile their regexes on first use; company packs at load; same matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pack_helpers import write_pack

from firewarden.checks.draft import analyse_field
from firewarden.errors import ConfigError
from firewarden.guidelines.loader import builtin_packs, load_guidelines
from firewarden.guidelines.matcher import CompiledMatch, LazyPattern, build_match, compile_phrase


def _blocks() -> list[CompiledMatch]:
    out = []
    for pack in builtin_packs():
        for rule in pack.rules:
            for block in (rule.match, rule.unless):
                if isinstance(block, CompiledMatch):
                    out.append(block)
    return out


def test_every_builtin_regex_compiles() -> None:
    blocks = _blocks()
    assert blocks
    for block in blocks:
        for pattern in block.patterns():
            assert isinstance(pattern.compile(), re.Pattern)


def test_lazy_pattern_compiles_on_first_search_then_searches_directly() -> None:
    pattern = LazyPattern("a+b")
    assert [m.group() for m in pattern.finditer("xaab ab")] == ["aab", "ab"]
    assert pattern.finditer.__self__ is not pattern  # now the compiled pattern's own method
    assert [m.span() for m in pattern.finditer("ab")] == [(0, 2)]


def test_lazy_and_eager_blocks_find_the_same_spans() -> None:
    parts = {
        "phrases": ["get married", "クソ", "joke"],
        "regexes": [r"\bbad\s+deal\b"],
        "tokens": [["when|will", "*{0,3}", "marry"]],
        "near": [(["women|girls", "kitchen"], 30)],
    }
    field = analyse_field(
        "text", "Jokes! When will they marry? クッソー bad deal; girls in the kitchen, get-married"
    )
    eager = build_match(**parts)  # type: ignore[arg-type]
    lazy = build_match(**parts, lazy=True)  # type: ignore[arg-type]
    assert eager.anchors == lazy.anchors
    assert lazy.find(field) == eager.find(field)
    assert len(eager.find(field)) >= 5


def test_a_bad_regex_in_a_company_pack_is_reported_at_load_with_its_line(tmp_path: Path) -> None:
    body = """pack: acme/test
rules:
  - id: acme.one
    category: profanity
    severity: medium
    match:
      regex: ['(unclosed']
    message: "x"
"""
    with pytest.raises(ConfigError) as info:
        load_guidelines([write_pack(tmp_path, body)], builtin=False)
    assert info.value.where == f"{tmp_path / 'pack.yaml'}:7"
    assert "regular expression" in str(info.value)


_JA_TEXT = st.text(alphabet="くそばかしねーっ・ 　xー", max_size=16)


@settings(max_examples=2000)
@given(st.sampled_from(["くそ", "くっそ", "ばか", "しね", "そー", "ばかー"]), _JA_TEXT)
def test_japanese_gap_matches_like_the_plain_character_class(phrase: str, text: str) -> None:
    plain = re.compile("[ーっ・ ]*".join(re.escape(c) for c in phrase))
    [source], _ = compile_phrase(phrase)
    assert [m.span() for m in re.finditer(source, text)] == [m.span() for m in plain.finditer(text)]
