"""Discriminatory requirements in advert text: the phrase lexicon and its vectorised matcher.

The lexicon (`lexicon.yml` beside this module) lists, per rule, the phrases that state a
requirement on sex, age, marital status, religion, ethnicity or appearance, in Indonesian and
English, and the look-alike phrases to mask first (women's clothing, Islamic schools, spare parts
= "suku cadang"). A vacancy is flagged for a rule when any of its patterns matches the masked
text; the matched phrases are kept as evidence, so a reviewer sees why.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

log = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).parent / "lexicon.yml"
EVIDENCE_SEPARATOR = " | "
MAX_EVIDENCE_PHRASES = 3
MAX_PHRASE_CHARS = 80

SEX_RULE = "sex_requirement"
SEX_SCOPE_COLUMN = "sex_requirement_scope"
# Words naming each sex in the sex rule's matched phrases. "Pria/Wanita", "SPG/SPB" and "Girl /
# Boy" name both: open to either sex, not a restriction to one (VAC-SEX-01). A word the scraper
# glued to the next ("wanitausia", "PriaMaksimal") still names its sex: the listed-sex pattern
# flags it, so the scope must read it too.
_GLUED = r"(\b|usia|umur|berusia|max|maks|min|diutamakan|saja|only|\d)"
MALE_WORDS = r"(?i)\b(pria|laki|laki2|cowok|male|males|men|man|spb|boys?|bapak)" + _GLUED
FEMALE_WORDS = (
    r"(?i)\b(wanita|wania|perempuan|cewek|female|females|women|woman|karyawati|spg|girls?|ibu)"
    + _GLUED
)


@dataclass(frozen=True)
class Pattern:
    id: str
    regex: str
    field: str  # "text" (title and description) or "title"
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True)
class TextRule:
    name: str
    patterns: tuple[Pattern, ...]
    masks: tuple[Pattern, ...]
    bona_fide_titles: tuple[Pattern, ...]


def _patterns(entries: list[dict] | None, rule: str, kind: str) -> tuple[Pattern, ...]:
    patterns = []
    for entry in entries or []:
        missing = {"id", "pattern"} - set(entry)
        if missing:
            raise ValueError(f"{LEXICON_PATH.name}: {rule}/{kind} entry lacks {sorted(missing)}")
        regex = " ".join(str(entry["pattern"]).split("\n")).strip()
        patterns.append(
            Pattern(
                id=entry["id"],
                regex=regex,
                field=entry.get("field", "text"),
                examples=tuple(entry.get("examples", ())),
                counter_examples=tuple(entry.get("counter_examples", ())),
            )
        )
    return tuple(patterns)


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> tuple[TextRule, ...]:
    """The text rules of the lexicon file, in file order."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = []
    for name, body in document["rules"].items():
        rules.append(
            TextRule(
                name=name,
                patterns=_patterns(body.get("patterns"), name, "patterns"),
                masks=_patterns(body.get("masks"), name, "masks"),
                bona_fide_titles=_patterns(body.get("bona_fide_titles"), name, "bona_fide"),
            )
        )
    log.debug("lexicon %s: %d rules", path.name, len(rules))
    return tuple(rules)


def normalise_text(text: pl.Expr) -> pl.Expr:
    """Unify spacing and the HTML entities scraped teasers carry; keep line breaks."""
    return (
        text.fill_null("")
        .str.replace_all("&amp;", "&", literal=True)
        .str.replace_all("&nbsp;", " ", literal=True)
        .str.replace_all(r"[\u00a0\u2007\u202f\t\r]", " ")
        .str.replace_all(r" {2,}", " ")
    )


def _matches(text: pl.Expr, rule: TextRule, field: str) -> list[pl.Expr]:
    return [
        text.str.extract_all(f"(?i){pattern.regex}")
        for pattern in rule.patterns
        if pattern.field == field
    ]


def _masked(text: pl.Expr, masks: tuple[Pattern, ...]) -> pl.Expr:
    for mask in masks:
        text = text.str.replace_all(f"(?i){mask.regex}", " ")
    return text


def flag_text_rules(
    frame: pl.DataFrame,
    title_column: str = "title",
    description_column: str = "description",
    rules: tuple[TextRule, ...] | None = None,
) -> pl.DataFrame:
    """One column pair per rule: `has_<rule>` (null when not applicable) and `<rule>_evidence`.

    Also returns `text_checked`: which text the rules saw (`title_and_description`, `title_only`
    or `none`), because a board without descriptions (Dealls) can only be judged on titles.
    """
    rules = rules if rules is not None else load_lexicon()
    title = normalise_text(pl.col(title_column).cast(pl.String))
    description = normalise_text(pl.col(description_column).cast(pl.String))
    work = frame.select(
        _title=title,
        # A full stop between title and text, so no phrase pattern spans the two.
        _text=pl.concat_str([title, description], separator="\n.\n"),
        text_checked=pl.when(
            pl.col(description_column).is_not_null() & (pl.col(description_column) != "")
        )
        .then(pl.lit("title_and_description"))
        .when(pl.col(title_column).is_not_null())
        .then(pl.lit("title_only"))
        .otherwise(pl.lit("none")),
    )
    # Staged so each masked text and each phrase list is computed once (expressions are not
    # shared between output columns, and the masks are the costly part).
    work = work.with_columns(
        [_masked(pl.col("_text"), rule.masks).alias(f"_text_{rule.name}") for rule in rules]
        + [_masked(pl.col("_title"), rule.masks).alias(f"_title_{rule.name}") for rule in rules]
    )
    work = work.with_columns(
        [_phrases(rule).alias(f"_phrases_{rule.name}") for rule in rules]
        + [_bona_fide(rule).alias(f"_bona_fide_{rule.name}") for rule in rules]
    )
    outputs: list[pl.Expr] = [pl.col("text_checked")]
    if any(rule.name == SEX_RULE for rule in rules):
        outputs.append(_sex_scope(pl.col(f"_phrases_{SEX_RULE}")).alias(SEX_SCOPE_COLUMN))
    for rule in rules:
        phrases = pl.col(f"_phrases_{rule.name}")
        bona_fide = pl.col(f"_bona_fide_{rule.name}")
        outputs.extend(
            [
                pl.when(pl.col("text_checked") == "none")
                .then(None)
                .when(bona_fide)
                .then(None)
                .otherwise(phrases.list.len() > 0)
                .alias(f"has_{rule.name}"),
                pl.when(bona_fide)
                .then(
                    pl.lit("not applicable: the title is a post the requirement is inherent to (")
                    + pl.col("_title").str.slice(0, MAX_PHRASE_CHARS)
                    + pl.lit(")")
                )
                .when(phrases.list.len() > 0)
                .then(phrases.list.head(MAX_EVIDENCE_PHRASES).list.join(EVIDENCE_SEPARATOR))
                .alias(f"{rule.name}_evidence"),
            ]
        )
    return work.select(outputs)


def sex_scope(named_male: pl.Expr, named_female: pl.Expr) -> pl.Expr:
    """`one_sex` when only one sex is named, `both_sexes` when both are, else null."""
    return (
        pl.when(named_male & named_female)
        .then(pl.lit("both_sexes"))
        .when(named_male | named_female)
        .then(pl.lit("one_sex"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def _sex_scope(phrases: pl.Expr) -> pl.Expr:
    # Over every matched phrase, not only the evidence's first three: an advert naming one sex
    # in one place and both in another ("Pria/Wanita" ... "- Wanita") is counted as both, so the
    # single-sex share is a lower bound.
    # A listed sex ending in a slash ("Wanita / PriaMaksimal", glued by the scraper) offers
    # another sex after it: both.
    either = phrases.list.eval(pl.element().str.contains(r"/\s*$")).list.any()
    male = phrases.list.eval(pl.element().str.contains(MALE_WORDS)).list.any() | either
    female = phrases.list.eval(pl.element().str.contains(FEMALE_WORDS)).list.any() | either
    return sex_scope(male.fill_null(False), female.fill_null(False))


def _phrases(rule: TextRule) -> pl.Expr:
    found = _matches(pl.col(f"_text_{rule.name}"), rule, "text") + _matches(
        pl.col(f"_title_{rule.name}"), rule, "title"
    )
    if not found:
        return pl.lit([], dtype=pl.List(pl.String))
    return (
        pl.concat_list(found)
        .list.eval(
            pl.element()
            .str.replace_all(r"\s+", " ")
            .str.strip_chars(" -•*:;,.[]()")
            .str.slice(0, MAX_PHRASE_CHARS)
        )
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique(maintain_order=True)
        .map_elements(_without_contained, return_dtype=pl.List(pl.String))
    )


def _without_contained(phrases: list[str]) -> list[str]:
    """Drop a phrase another kept phrase contains ("Pria/" beside "Pria/Wanita")."""
    if len(phrases) < 2:
        return phrases
    kept = []
    for phrase in sorted(phrases, key=len, reverse=True):
        if not any(phrase.lower() in longer.lower() for longer in kept):
            kept.append(phrase)
    return [p for p in phrases if p in kept]


def _bona_fide(rule: TextRule) -> pl.Expr:
    bona_fide = pl.lit(False)
    for pattern in rule.bona_fide_titles:
        bona_fide = bona_fide | pl.col("_title").str.contains(f"(?i){pattern.regex}")
    return bona_fide
