"""Education, experience, employment type and work arrangement from fields and free text.

* Education: the lowest level a posting accepts ("min. D3/S1" accepts D3), on the ladder
  SD < SMP < SMA/SMK < D1 < D2 < D3 < D4 < S1 < S2 < S3. A bare "Diploma" counts as D1, the
  lowest diploma, because which diploma is not said.
* Experience: minimum and maximum years, only from numbers next to "pengalaman"/"experience"
  (so "usia maksimal 30 tahun" is an age, not experience); "fresh graduate" means 0 years.
* Employment type: full_time, part_time, contract, temporary, internship, freelance, casual.
* Work arrangement: on_site, hybrid, remote; unknown (null) unless a text says so.

Every function here works on one text; the `*_table` helpers parse each distinct text once.
"""

from __future__ import annotations

import re

import polars as pl

EDUCATION_LEVELS = ["sd", "smp", "sma_smk", "d1", "d2", "d3", "d4", "s1", "s2", "s3"]
EDUCATION_RANK = {level: rank for rank, level in enumerate(EDUCATION_LEVELS, start=1)}

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_EDUCATION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("sd", re.compile(r"\bsd\b|sekolah dasar|elementary school")),
    ("smp", re.compile(r"\bsmp\b|\bsltp\b|\bmts\b|junior high")),
    (
        "sma_smk",
        re.compile(
            r"\bsma\b|\bsmk\b|\bstm\b|\bslta\b|\bsmu\b|\bsmea\b|\bman\b(?=\s*/)|"
            r"high school|vocational school|sekolah menengah atas"
        ),
    ),
    ("diploma", re.compile(r"\bd\s?-?\s?(1|2|3|4|i{1,3}|iv)\b|diploma\s*-?\s*(1|2|3|4|i{1,3}|iv)?\b")),
    (
        "s1",
        re.compile(
            r"\bs\s?-?\s?1\b|sarjana|bachelor|undergraduate|\bstrata\s?-?\s?(1|satu)\b|"
            r"\bs\.(kom|e|t|h|psi|ak|si|pd|ikom|sos|farm|ked)\b|\bbsc\b|\bb\.sc\b"
        ),
    ),
    ("s2", re.compile(r"\bs\s?-?\s?2\b|master'?s? degree|\bmaster of\b|magister|\bmba\b|postgraduate|\bmsc\b")),
    ("s3", re.compile(r"\bs\s?-?\s?3\b|doktoral|doctoral|doctorate|\bph\.?\s?d\b")),
]


def parse_education(text: str | None) -> str | None:
    """Lowest education level mentioned, or None."""
    if not text:
        return None
    clean = text.lower()
    found: list[str] = []
    for level, pattern in _EDUCATION_PATTERNS:
        for match in pattern.finditer(clean):
            if level != "diploma":
                found.append(level)
                continue
            digit = next((g for g in match.groups() if g), None)
            digit = _ROMAN.get(digit, digit) if digit else "1"
            found.append(f"d{digit}")
    if not found:
        return None
    return min(found, key=EDUCATION_RANK.__getitem__)


_EXPERIENCE_WORD = re.compile(r"pengalaman|berpengalaman|experience|experienced|exp\b")
_YEARS = re.compile(
    r"(?P<min>\d{1,2})\s*(?P<plus>\+)?\s*(?:(?:-|–|s/d|sampai|hingga|to)\s*(?P<max>\d{1,2})\s*)?"
    r"(?:tahun|thn|th\b|years?|yrs?)"
)
_AGE_WORD = re.compile(r"(usia|umur|age|berusia)\W*(\w+\W+){0,2}$")
_FRESH = re.compile(
    r"fresh ?grad|lulusan baru|tanpa pengalaman|tidak (perlu|harus) berpengalaman|"
    r"no experience (is )?(needed|required)|terbuka untuk (fresh|lulusan)"
)


def parse_experience(text: str | None) -> tuple[float | None, float | None]:
    """(minimum, maximum) years of experience asked for; (None, None) when not stated."""
    if not text:
        return None, None
    clean = text.lower()
    for word in _EXPERIENCE_WORD.finditer(clean):
        window_start = max(0, word.start() - 40)
        window = clean[window_start : word.end() + 60]
        for match in _YEARS.finditer(window):
            if _AGE_WORD.search(window[: match.start()]):
                continue
            low = float(match["min"])
            high = float(match["max"]) if match["max"] else None
            if high is not None and high < low:
                low, high = high, low
            if low > 40:
                continue
            return low, high
    if _FRESH.search(clean):
        return 0.0, None
    return None, None


EMPLOYMENT_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("full_time", re.compile(r"full[ _-]?time|penuh waktu|karyawan tetap|\bpermanent\b|\btetap\b")),
    ("part_time", re.compile(r"part[ _-]?time|paruh waktu|\bparuh\b")),
    ("contract", re.compile(r"\bcontract|\bkontrak|\bpkwt\b")),
    ("temporary", re.compile(r"temporary|temporer|\bsementara\b")),
    ("internship", re.compile(r"\bintern(ship)?\b|\bmagang\b|praktik kerja|\bpkl\b")),
    ("freelance", re.compile(r"free[ _-]?lance|pekerja lepas|\blepas\b")),
    ("casual", re.compile(r"\bcasual\b|\bkasual\b|harian lepas|daily worker")),
]


def parse_employment_types(text: str | None) -> list[str]:
    """Employment types named in a text, in the order they appear."""
    if not text:
        return []
    # camelCase labels such as "fullTime" become "full time".
    clean = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()
    hits = []
    for kind, pattern in EMPLOYMENT_TYPES:
        match = pattern.search(clean)
        if match:
            hits.append((match.start(), kind))
    return [kind for _, kind in sorted(hits)]


_ARRANGEMENTS: list[tuple[str, re.Pattern[str]]] = [
    ("hybrid", re.compile(r"\bhybrid\b|\bhibrid\b")),
    (
        "remote",
        re.compile(
            r"\bremote\b|jarak jauh|\bwfh\b|work from home|kerja dari rumah|\bwfa\b|"
            r"work from anywhere"
        ),
    ),
    ("on_site", re.compile(r"on[ -]?site|\bwfo\b|work from office|kerja di kantor")),
]


def parse_work_arrangement(text: str | None) -> str | None:
    """on_site, hybrid or remote when a text says so; hybrid wins when several are named."""
    if not text:
        return None
    clean = text.lower()
    for arrangement, pattern in _ARRANGEMENTS:
        if pattern.search(clean):
            return arrangement
    return None


def attribute_table(texts: list[str | None], kind: str) -> pl.DataFrame:
    """Parse distinct texts of one kind ("education", "experience", "employment", "arrangement")."""
    if kind == "education":
        levels = [parse_education(t) for t in texts]
        return pl.DataFrame(
            {"_text": texts, "education_level": levels},
            schema={"_text": pl.String, "education_level": pl.String},
        )
    if kind == "experience":
        pairs = [parse_experience(t) for t in texts]
        return pl.DataFrame(
            {
                "_text": texts,
                "experience_min_years": [p[0] for p in pairs],
                "experience_max_years": [p[1] for p in pairs],
            },
            schema={
                "_text": pl.String,
                "experience_min_years": pl.Float64,
                "experience_max_years": pl.Float64,
            },
        )
    if kind == "employment":
        types = [parse_employment_types(t) for t in texts]
        return pl.DataFrame(
            {
                "_text": texts,
                "employment_type": [t[0] if t else None for t in types],
                "employment_types": [";".join(t) or None for t in types],
            },
            schema={"_text": pl.String, "employment_type": pl.String, "employment_types": pl.String},
        )
    if kind == "arrangement":
        return pl.DataFrame(
            {"_text": texts, "work_arrangement": [parse_work_arrangement(t) for t in texts]},
            schema={"_text": pl.String, "work_arrangement": pl.String},
        )
    raise ValueError(f"unknown attribute kind {kind!r}")
