"""Probe: how many title words would an Indonesian affix back-off rescue?

Run: `.venv/bin/python bench/probe_affix_backoff.py`. The figures go to the log and to
`bench/output/probe_affix_backoff.md`.

The twelfth round's screen (see the model card). Indonesian derives job words with prefixes and
suffixes (peN-/meN-/ber-/ter-/di-/ke-, -an/-kan/-i/-nya, with the nasal recoding: "pengemudi" from
"kemudi", "penjahit" from "jahit", "pemasaran" from "pasar"), so a title word that no labelled title
and no lexicon entry holds might be backed off to a known root. Before any code or nested run, this
counts, over the titles of every shipped vacancy posting (titles only, no code is read, the gold
set is not read), the title-word tokens of normalised titles that the labelled vocabulary (the
reference titles and the hand-coded titles, normalised) and the lexicon do not hold, and how many
of them a conservative stripper maps to a known root. Every mapped word is listed with its root, to
be read by hand.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from ingest.occupations import references
from ingest.occupations.normalise import LEXICON_PATH, default_normaliser
from orchestration.settings import DATA_DIR

log = logging.getLogger("probe_affix_backoff")
OUTPUT = Path(__file__).resolve().parent / "output" / "probe_affix_backoff.md"
REAL = DATA_DIR / "real"
VOWELS = "aeiou"
MIN_WORD = 5
"""Shorter unknown words are codes and abbreviations ("mvo", "exp"), not derived words."""
MIN_ROOT = 3


def _csv_titles(path: Path, column: str) -> list[str]:
    return pl.read_csv(path, infer_schema=False)[column].drop_nulls().to_list()


def _jsonl_titles(path: Path, key: str) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            title = record.get("data", record).get(key)
            if title:
                yield title


def _glints_titles(path: Path) -> Iterator[str]:
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("title"), str) and "id" in node and "status" in node:
                yield node["title"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        yield from walk(json.load(handle))


def vacancy_titles() -> list[tuple[str, str]]:
    """(source, title) of every shipped vacancy posting, evaluation files included (titles only)."""
    jobstreet = REAL / "jobstreet-id-2021-12"
    salaries = REAL / "jobstreet-id-2025-salary-strings"
    parts: dict[str, list[str]] = {
        "jobstreet-2021": _csv_titles(
            jobstreet / "jobstreet_id_daily_2021-12-14_to_31.csv.gz", "jobTitle"
        )
        + _csv_titles(jobstreet / "jobstreet_id_2022-04-14_extra.csv.gz", "jobTitle"),
        "lokerid-2025": _csv_titles(
            REAL / "lokerid-2025-07" / "lokerid_jobs_2025-07.csv.gz", "Title"
        ),
        "dealls-2024": _csv_titles(
            REAL / "dealls-2024-08" / "dealls_jobs_2024-08-22.csv", "job_title"
        ),
        "jobstreet-2024": _csv_titles(
            REAL
            / "jobstreet-id-2024-kaggle-salary-mean"
            / "jobstreet_id_2024_job_salary_mean.csv.gz",
            "Judul Pekerjaan",
        ),
        "maganghub-2025": _csv_titles(
            REAL / "maganghub-2025-10" / "maganghub_positions_2025-10.csv.gz", "posisi"
        ),
        "karirhub-2025": list(
            _jsonl_titles(
                REAL / "karirhub-api-2025-10" / "karirhub_job_details_2025-10.jsonl.gz", "title"
            )
        ),
        "jobstreet-2025": list(
            _jsonl_titles(salaries / "jobstreet_id_2025-11-24_fpp.jsonl.gz", "job_title")
        )
        + _csv_titles(salaries / "jobstreet_id_2025-06_07_dataeng_silver.csv", "role"),
        "glints-2023": [
            title
            for path in sorted((REAL / "glints-api-2023-06").glob("*.json.gz"))
            for title in _glints_titles(path)
        ],
    }
    return [(source, title) for source, titles in parts.items() for title in titles]


def roots(word: str) -> Iterator[str]:
    """Roots a conservative stripper proposes, most likely first: a suffix (-nya, -kan, -an, -i)
    and/or a prefix with its nasal recoding (peng-/meng- + vowel: k- or the vowel; peny-: s-;
    pem-/mem- + vowel: p-; pen-/men- + vowel: t-; pe-/me- before l r m n w y; ber-/ter-/per-,
    be-, di-, and ke-...-an)."""
    stems = [("", word)]
    for suffix in ("nya", "kan", "an", "i"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT + 1:
            stems.append((suffix, word[: -len(suffix)]))
    for suffix, stem in stems:
        found: list[str] = [stem] if suffix else []
        rest4, rest3, rest2 = stem[4:], stem[3:], stem[2:]
        if stem[:4] in ("meng", "peng") and rest4:
            if rest4[0] in VOWELS:
                found += [rest4, "k" + rest4]
            elif rest4[0] in "gh":
                found.append(rest4)
        if stem[:4] in ("meny", "peny") and rest4[:1] in tuple(VOWELS):
            found.append("s" + rest4)
        if stem[:3] in ("mem", "pem") and rest3:
            found.append("p" + rest3 if rest3[0] in VOWELS else rest3)
        if stem[:3] in ("men", "pen") and rest3:
            if rest3[0] in VOWELS:
                found.append("t" + rest3)
            elif rest3[0] in "dcjz":
                found.append(rest3)
        if stem[:2] in ("me", "pe") and rest2[:1] in tuple("lrmnwy"):
            found.append(rest2)
        if stem[:3] in ("ber", "ter", "per"):
            found.append(rest3)
        if stem[:2] == "be" and rest2[:1] and rest2[0] not in VOWELS + "r":
            found.append(rest2)
        if stem[:2] == "di":
            found.append(rest2)
        if stem[:2] == "ke" and suffix == "an":
            found.append(rest2)
        yield from (root for root in found if len(root) >= MIN_ROOT)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    normaliser = default_normaliser()
    vocabulary: set[str] = set()
    labelled = references.reference_titles()["title"].to_list()
    labelled += references.hand_labelled_titles()["title"].to_list()
    for title in labelled:
        vocabulary.update(normaliser.tokens(title))
    lexicon = pl.read_csv(LEXICON_PATH, infer_schema=False)["term"].to_list()
    known = vocabulary | {term.strip().lower() for term in lexicon if " " not in term.strip()}

    tokens: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    mapped: Counter[str] = Counter()
    unknown_words: Counter[str] = Counter()
    root_of: dict[str, str] = {}
    for source, title in vacancy_titles():
        for word in normaliser.tokens(title):
            tokens[source] += 1
            if word in known:
                continue
            unknown[source] += 1
            unknown_words[word] += 1
            if not word.isalpha() or len(word) < MIN_WORD:
                continue
            root = next((r for r in roots(word) if r in known and r != word), None)
            if root is not None:
                mapped[source] += 1
                root_of[word] = root

    total, total_unknown, total_mapped = (sum(c.values()) for c in (tokens, unknown, mapped))
    lines = [
        "| source | title-word tokens | unknown | mapped to a known root |",
        "|---|---|---|---|",
    ]
    for source in tokens:
        lines.append(
            f"| {source} | {tokens[source]:,} | {unknown[source]:,} | {mapped[source]:,} |"
        )
    lines.append(
        f"| **all** | **{total:,}** | **{total_unknown:,} ({total_unknown / total:.2%})** | "
        f"**{total_mapped:,} ({total_mapped / total:.3%})** |"
    )
    lines += ["", "Every mapped word (tokens), most frequent first:", ""]
    for word in sorted(root_of, key=lambda w: (-unknown_words[w], w)):
        lines.append(f"- {word} -> {root_of[word]} ({unknown_words[word]})")
    lines += ["", "Most frequent unknown words:", ""]
    lines.append(", ".join(f"{w} ({n})" for w, n in unknown_words.most_common(30)))
    report = "\n".join(lines) + "\n"
    log.info(
        "%d title-word tokens, %d unknown, %d mapped to a known root (%d distinct words)\n%s",
        total,
        total_unknown,
        total_mapped,
        len(root_of),
        report,
    )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("# Affix back-off screen (twelfth round)\n\n" + report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
