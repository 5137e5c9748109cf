"""Skills extraction: lexicon and ESCO phrases in Indonesian and English text."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.occupations.skills import OUTPUT_SCHEMA, default_matcher, extract_skills

FIXTURES = Path(__file__).parent / "fixtures"


def labels(text):
    return {skill.label for skill, _ in default_matcher().find(text)}


def test_indonesian_phrases_map_to_esco_skills():
    found = labels("Menguasai Microsoft Excel, bahasa Inggris dan memiliki SIM A")
    assert found == {"use spreadsheets software", "English", "drive vehicles"}


def test_english_esco_labels_match_verbatim():
    assert "project management" in labels("Strong project management and customer service")
    assert "customer service" in labels("Strong project management and customer service")


def test_words_inside_other_words_do_not_match():
    # "excellent" must not be read as Excel, "javanese" not as Java.
    assert labels("Excellent attitude, fluent Javanese") == set()


def test_each_skill_reported_once_per_text_with_matched_words():
    matches = default_matcher().find("Excel, excel dan MS Excel")
    assert [(s.label, m) for s, m in matches] == [("use spreadsheets software", "excel")]


def test_extract_skills_long_format_one_row_per_posting_and_skill():
    postings = pl.read_csv(FIXTURES / "titles.csv", infer_schema=False)
    skills = extract_skills(postings)
    assert skills.schema == pl.Schema(OUTPUT_SCHEMA)
    assert skills.select("id", "skill_uri").is_duplicated().sum() == 0
    a1 = skills.filter(pl.col("id") == "a1")
    assert set(a1["skill_label"]) == {"use spreadsheets software", "manage inventory"}
    assert set(a1["source_field"]) == {"description"}
    a2 = set(skills.filter(pl.col("id") == "a2")["skill_label"])
    assert a2 == {"negotiate price", "drive vehicles"}
    assert skills.filter(pl.col("id") == "a3").height == 0


def test_extract_skills_without_text_columns_returns_empty_frame():
    skills = extract_skills(pl.DataFrame({"id": ["1"]}))
    assert skills.height == 0
    assert skills.schema == pl.Schema(OUTPUT_SCHEMA)


def test_extract_skills_says_whether_a_skill_is_named_outside_the_title():
    # The occupation is coded from the title: a skill named there alone is circular evidence.
    postings = pl.DataFrame(
        {
            "id": ["both", "title_only", "description_only"],
            "title": ["Admin Microsoft Excel", "Admin Microsoft Excel", "Admin"],
            "description": ["Menguasai Microsoft Excel", "Jujur dan teliti", "Menguasai Excel"],
        }
    )
    skills = extract_skills(postings).filter(pl.col("skill_label") == "use spreadsheets software")
    found = {
        row["id"]: (row["source_field"], row["found_outside_title"])
        for row in skills.rows(named=True)
    }
    assert found == {
        "both": ("title", True),
        "title_only": ("title", False),
        "description_only": ("description", True),
    }
