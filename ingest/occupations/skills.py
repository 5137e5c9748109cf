"""Skills named in advert titles, descriptions and requirements, mapped to ESCO (and SKKNI).

Matching is by phrase, not by a learned model, so every match can be explained:
- a hand-made lexicon of Indonesian and English phrases as they appear in adverts ("bahasa
  inggris", "ms excel", "mengemudi", "laporan keuangan") mapped to ESCO preferred labels
  (`data/labels/skill_lexicon.csv`, see `data/labels/README.md`);
- ESCO v1.2 preferred labels of two to five words found verbatim in English text
  ("project management", "customer service", "manage inventory");
- SKKNI competency-unit titles found verbatim in Indonesian text.

Texts are lower-cased and split into word tokens; phrases are looked up as token n-grams, so
"excel" does not match inside "excellent". Each distinct text is scanned once.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

ESCO_SKILLS_PATH = DATA_DIR / "reference" / "esco" / "esco_skills_en.csv.gz"
SKKNI_UNITS_PATH = DATA_DIR / "reference" / "skkni" / "skkni_units_sample.csv"
SKILL_LEXICON_PATH = DATA_DIR / "labels" / "skill_lexicon.csv"
DEFAULT_TEXT_FIELDS = ("title", "requirements", "description")
OUTPUT_SCHEMA = {
    "id": pl.String,
    "skill_uri": pl.String,
    "skill_label": pl.String,
    "skill_source": pl.String,
    "matched_text": pl.String,
    "source_field": pl.String,
    "found_outside_title": pl.Boolean,
}
MAX_PHRASE_WORDS = 6
# A placeholder of masked personal data ("kirim CV ke [email]", ingest.landing.mask_landed_text)
# is one token of its own, brackets kept, which no phrase has: read as the word "email" or
# "phone" it would make skills of the mask ("execute [email] marketing", "maintain records of
# [phone] calls").
_TOKEN = re.compile(r"\[(?:email|phone|nik|removed)\]|[a-z0-9][a-z0-9\+#]*")
# ESCO labels that are ordinary advert words with another meaning there, or too vague to count.
_ESCO_LABELS_NOT_MATCHED_VERBATIM = {
    "work in teams",  # kept only through the lexicon's explicit phrases
    "social mediation",
    "deal cards",
    "lead a team",
}


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Skill:
    uri: str
    label: str
    source: str


class SkillMatcher:
    """Phrase dictionary (token tuples -> skill) and the scan over a text."""

    def __init__(
        self,
        esco_path: Path = ESCO_SKILLS_PATH,
        skkni_path: Path = SKKNI_UNITS_PATH,
        lexicon_path: Path = SKILL_LEXICON_PATH,
    ) -> None:
        self.phrases: dict[tuple[str, ...], Skill] = {}
        esco = pl.read_csv(esco_path, infer_schema=False).filter(
            pl.col("preferred_label").is_not_null()
        )
        by_label = {}
        for uri, label in esco.select("skill_uri", "preferred_label").iter_rows():
            by_label[label.lower()] = Skill(uri, label, "esco")
        for label_lower, skill in by_label.items():
            words = tuple(_tokens(re.sub(r"\(.*?\)", " ", label_lower)))
            if 2 <= len(words) <= 5 and label_lower not in _ESCO_LABELS_NOT_MATCHED_VERBATIM:
                self.phrases.setdefault(words, skill)
        unresolved = []
        with lexicon_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                skill = by_label.get(row["esco_label"].lower())
                if skill is None:
                    unresolved.append(row["esco_label"])
                    continue
                # Lexicon entries win over verbatim labels: they were checked by hand.
                self.phrases[tuple(_tokens(row["phrase"]))] = skill
        if unresolved:
            raise ValueError(
                f"{lexicon_path}: esco_label not found in ESCO skills: {sorted(set(unresolved))}"
            )
        if skkni_path.exists():
            skkni = pl.read_csv(skkni_path, infer_schema=False)
            for code, title in skkni.select("kode_unit", "judul_unit").iter_rows():
                words = tuple(_tokens(title))
                if len(words) >= 2:
                    self.phrases.setdefault(words, Skill(f"skkni:{code}", title, "skkni"))
        self.max_words = min(MAX_PHRASE_WORDS, max(len(p) for p in self.phrases))
        log.info("skill matcher: %d phrases", len(self.phrases))

    def find(self, text: str | None) -> list[tuple[Skill, str]]:
        """Skills named in one text with the words that matched, longest phrase first."""
        if not text:
            return []
        words = _tokens(text)
        found: list[tuple[Skill, str]] = []
        seen: set[str] = set()
        position = 0
        while position < len(words):
            matched = 0
            for length in range(min(self.max_words, len(words) - position), 0, -1):
                skill = self.phrases.get(tuple(words[position : position + length]))
                if skill is not None:
                    if skill.uri not in seen:
                        seen.add(skill.uri)
                        found.append((skill, " ".join(words[position : position + length])))
                    matched = length
                    break
            position += matched or 1
        return found


@lru_cache(maxsize=1)
def default_matcher() -> SkillMatcher:
    return SkillMatcher()


def extract_skills(
    df: pl.DataFrame,
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
    matcher: SkillMatcher | None = None,
) -> pl.DataFrame:
    """Long table of skills per posting: id, skill_uri, skill_label, skill_source,
    matched_text, source_field, found_outside_title. One row per (id, skill); the first field in
    `text_fields` that names the skill is kept, and `found_outside_title` says whether a field
    other than the title names it too. Each distinct text is scanned once."""
    if "id" not in df.columns:
        raise ValueError("extract_skills: input has no 'id' column")
    matcher = matcher or default_matcher()
    present = [f for f in text_fields if f in df.columns]
    parts = []
    for field_name in present:
        texts = df.select(pl.col(field_name).cast(pl.String)).unique().to_series()
        rows = []
        for text in texts.to_list():
            for skill, matched in matcher.find(text):
                rows.append((text, skill.uri, skill.label, skill.source, matched))
        if not rows:
            continue
        matches = pl.DataFrame(
            rows,
            schema={
                field_name: pl.String,
                "skill_uri": pl.String,
                "skill_label": pl.String,
                "skill_source": pl.String,
                "matched_text": pl.String,
            },
            orient="row",
        )
        joined = (
            df.select(pl.col("id").cast(pl.String), pl.col(field_name).cast(pl.String))
            .join(matches, on=field_name, how="inner")
            .drop(field_name)
            .with_columns(pl.lit(field_name).alias("source_field"))
        )
        parts.append(joined)
        log.info(
            "skills in %s: %d distinct texts, %d matches", field_name, texts.len(), joined.height
        )
    if not parts:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    matches = pl.concat(parts)
    # The occupation is coded from the title, so a skill named only there says little about the
    # occupation's demand for it; whether any other field names it is kept beside the first.
    outside = matches.group_by("id", "skill_uri").agg(
        (pl.col("source_field") != "title").any().alias("found_outside_title")
    )
    result = matches.unique(subset=["id", "skill_uri"], keep="first", maintain_order=True).join(
        outside, on=["id", "skill_uri"], how="left", maintain_order="left"
    )
    return result.select(list(OUTPUT_SCHEMA))
