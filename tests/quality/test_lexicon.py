"""The discrimination lexicon flags each of its examples and none of its counter-examples.

Standards VAC-SEX-01, VAC-AGE-01, VAC-MAR-01, VAC-REL-01, VAC-ETH-01 and VAC-APP-01: every example
in quality/vacancies/lexicon.yml is a failing input (the rule must flag it) and every
counter-example and mask example a passing input (the rule must not).
"""

from __future__ import annotations

import polars as pl
import pytest

from quality.vacancies.text_rules import flag_text_rules, load_lexicon

RULES = load_lexicon()


def _cases(kind: str) -> list:
    cases = []
    for rule in RULES:
        for pattern in rule.patterns:
            texts = pattern.examples if kind == "flagged" else pattern.counter_examples
            cases += [(rule.name, pattern.field, text) for text in texts]
        if kind == "clear":
            cases += [(rule.name, "text", text) for mask in rule.masks for text in mask.examples]
    return cases


def _flag(rule_name: str, field: str, text: str) -> tuple[bool | None, str | None]:
    rule = next(r for r in RULES if r.name == rule_name)
    frame = pl.DataFrame(
        {
            "title": [text if field == "title" else "Staf"],
            "description": [None if field == "title" else text],
        }
    )
    out = flag_text_rules(frame, rules=(rule,))
    return out[f"has_{rule_name}"][0], out[f"{rule_name}_evidence"][0]


@pytest.mark.parametrize(("rule_name", "field", "text"), _cases("flagged"))
def test_lexicon_example_is_flagged_with_evidence(rule_name, field, text):
    flagged, evidence = _flag(rule_name, field, text)
    assert flagged is True, text
    assert evidence  # the matched phrase is kept


@pytest.mark.parametrize(("rule_name", "field", "text"), _cases("clear"))
def test_lexicon_counter_example_is_not_flagged(rule_name, field, text):
    flagged, evidence = _flag(rule_name, field, text)
    assert flagged is False, f"{text!r} flagged by {evidence!r}"


def test_every_rule_has_examples_and_counter_examples():
    for rule in RULES:
        assert any(p.examples for p in rule.patterns), rule.name
        assert any(p.counter_examples for p in rule.patterns) or rule.masks, rule.name


def test_evidence_is_the_matched_phrase_not_the_whole_text():
    frame = pl.DataFrame(
        {
            "title": ["Admin Gudang"],
            "description": ["Kami perusahaan distribusi. Kualifikasi: Pria/Wanita, jujur."],
        }
    )
    out = flag_text_rules(frame)
    assert out["sex_requirement_evidence"][0] == "Pria/Wanita"


def test_religion_rule_does_not_apply_to_a_teacher_of_religion():
    frame = pl.DataFrame({"title": ["Guru Agama Islam"], "description": ["Beragama Islam"]})
    out = flag_text_rules(frame)
    assert out["has_religion_requirement"][0] is None
    assert out["religion_requirement_evidence"][0].startswith("not applicable")


def test_a_posting_without_description_is_judged_on_its_title():
    frame = pl.DataFrame({"title": ["Female Personal Trainer (Bali)"], "description": [None]})
    out = flag_text_rules(frame)
    assert out["text_checked"][0] == "title_only"
    assert out["has_sex_requirement"][0] is True
    assert out["has_age_limit"][0] is False


def test_scraped_html_entities_and_non_breaking_spaces_do_not_hide_a_phrase():
    frame = pl.DataFrame(
        {"title": ["Kasir"], "description": ["Usia maksimal\u00a035\u00a0Tahun &amp; jujur"]}
    )
    assert flag_text_rules(frame)["has_age_limit"][0] is True
