"""Education, experience, employment type and work arrangement from fields and free text.

* Education: the lowest level a posting accepts ("min. D3/S1" accepts D3), on the ladder
  SD < SMP < SMA/SMK < D1 < D2 < D3 < D4 < S1 < S2 < S3. A bare "Diploma" counts as D1, the
  lowest diploma, because which diploma is not said. Words that look like a level ("di",
  "DI Yogyakarta", "08.00 sd 17.00", "guru SD", "Budi, S.H.") are not one, and "SI" after a
  requirement word is S1 (see `_EDUCATION_REWRITES`).
* Experience: minimum and maximum years, only from numbers next to "pengalaman"/"experience"
  (so "usia maksimal 30 tahun" is an age, not experience); "fresh graduate" means 0 years.
* Employment type: full_time, part_time, contract, temporary, internship, freelance, casual;
  the main type is the first named, the list of all is `;`-joined in that fixed order.
* Work arrangement: on_site, hybrid, remote; unknown (null) unless a text says so.

Every function here works on one text; the `*_table` helpers parse each distinct text once.
"""

from __future__ import annotations

import re

import polars as pl

EDUCATION_LEVELS = ["sd", "smp", "sma_smk", "d1", "d2", "d3", "d4", "s1", "s2", "s3"]
EDUCATION_RANK = {level: rank for rank, level in enumerate(EDUCATION_LEVELS, start=1)}

# Rewrites of the lower-cased text before the level patterns run, for words that look like a
# level but are not one. Rust regex has no look-around, so the exceptions are rewritten away.
_WEEKDAY = r"senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad"
_LEVEL = r"sd|smp|sma|smk|slta|d\s?-?\s?[1-4]|s\s?-?\s?[1-3]"
# Words that open a requirement ("pendidikan minimal SMA", "lulusan SI").
_REQUIREMENT = (
    r"pendidikan|berpendidikan|lulusan|lulus|minimal|min|minimum|ijazah|tamatan|kualifikasi|"
    r"syarat|persyaratan|education|graduate"
)
# Words that make a school level the workplace or the pupils, not the requirement.
_TEACHING = (
    r"guru|pengajar|mengajar|tutor|les|privat|private|bimbel|pelajaran|mapel|teacher|didik|"
    r"jenjang|tingkat|penempatan"
)
_SCHOOL = r"tk|paud|sd|smp|mts|sltp|sma|smk|smu|stm|slta|sekolah dasar|sekolah menengah"
_SCHOOL_JOINER = r"[\s,/&+\-–]*(?:dan|hingga|sampai|atau|ke)?[\s,/&+\-–]*"
_SCHOOLS = rf"(?:{_SCHOOL})(?:{_SCHOOL_JOINER}(?:{_SCHOOL}))*"
# Marks a requirement word while the teaching rewrite runs (a sign adverts do not use), then
# is removed.
_STOP = "\u00a6"
_EDUCATION_REWRITES: list[tuple[str, str]] = [
    # "s/d", "s.d" and, between two numbers, days or levels, "sd" mean "sampai dengan"
    # ("08.00 sd 17.00", "Senin sd Sabtu", "syarat 1 s/d 3", "SMA sd S1"): neither SD (primary
    # school) nor D3. A number on one side only is not enough: "kelas 6 SD", "SD 6 tahun".
    (r"\bs\s?[/.]\s?d\b", " sampai "),
    (rf"(\d|{_WEEKDAY})\s*sd\s*(\d|{_WEEKDAY})", "${1} sampai ${2}"),
    (rf"\b({_LEVEL})\s*sd\s*({_LEVEL})\b", "${1} sampai ${2}"),
    # "DI Yogyakarta", "D.I. Aceh", "D I Yogyakarta": Daerah Istimewa, not diploma I.
    (r"\bd\s*\.?\s*i\s*\.?\s*(yogyakarta|yogya|jogjakarta|jogja|aceh)\b", "daerah istimewa ${1}"),
    # "Blok D 1" is an address.
    (r"\bblok\s+d\b", "blok"),
    # "Diploma (D3)", "Diploma D-3": the D form says which diploma, so "diploma" is not bare.
    (r"\bdiploma\s*\(?\s*(d\s?-?\s?[1-4]\b|d(?:\s+|\s*-\s*)(?:iv|iii|ii|i)\b|diii\b)", "${1}"),
    # "Diploma III", "Diploma 3", "Diploma Tiga" become the D form the patterns read.
    (r"\bdiploma\s*-?\s*(?:4|iv|empat)\b", "d4"),
    (r"\bdiploma\s*-?\s*(?:3|iii|tiga)\b", "d3"),
    (r"\bdiploma\s*-?\s*(?:2|ii|dua)\b", "d2"),
    (r"\bdiploma\s*-?\s*(?:1|i|satu)\b", "d1"),
    # "SI" beside another major ("lulusan SI/TI", "SI atau TI") or spelt out ("SI (Sistem
    # Informasi)") is the Sistem Informasi major, not a level: named so before the rules below.
    (r"\bsi(\s*(?:/|,|&|\batau\b|\bdan\b|\bor\b)\s*(?:ti|if|tk|mi)\b)", "sistem informasi${1}"),
    (r"\bsi(\s*\(\s*sistem)", "sistem informasi${1}"),
    # "SI" written for "S1" ("pendidikan minimal SI", "lulusan SI/D3"): only after a requirement
    # word or next to another level, as "SI" alone is also Sistem Informasi or an article.
    (rf"\b({_REQUIREMENT})(\s*[.:]?\s*(?:(?:minimal|min)\b\s*\.?\s*)?)si\b", "${1}${2}s1"),
    (rf"\b({_LEVEL}|diii)\s*/\s*si\b", "${1}/s1"),
    (rf"\bsi\s*/\s*({_LEVEL}|diii)\b", "s1/${1}"),
    # A school level named as the workplace or the pupils ("guru SD", "mengajar siswa SMP dan
    # SMA", "les membaca (TK/SD)", "jenjang SD - SMA") is no requirement. "jenjang"/"tingkat"
    # after a requirement word is dropped first ("lulusan tingkat SMA" is one), and a requirement
    # word is marked (`_STOP`) so the teaching context cannot reach across it ("guru TK,
    # minimal SMA" keeps SMA).
    (rf"\b({_REQUIREMENT})(\s+(?:terakhir|minimal|min))?\s+(?:jenjang|tingkat)\b", "${1}${2}"),
    (rf"\b({_REQUIREMENT})\b", f"${{1}}{_STOP}"),
    (
        rf"\b({_TEACHING})\b((?:[\s()\-–:]+[a-z0-9]+){{0,4}}?)[\s()\-–:]+{_SCHOOLS}\b",
        "${1}${2} sekolah",
    ),
    (_STOP, ""),
]

# Diplomas: digits with or without a separator ("D3", "D-3", "D 3"); Roman numerals only with a
# hyphen or space ("D-IV", "D IV"), because "di" (a preposition), "div" (HTML, "IT Div") and
# "dii" (a typo of "dll") are words. "DIII" is the exception: no word, and written so in
# adverts. "D I" with a space is D1; "D.I." with dots is left alone (Daerah Istimewa, D.I.S.C.).
_EDUCATION_PATTERNS: list[tuple[str, str]] = [
    ("sd", r"\bsd\b|sekolah dasar|elementary school"),
    ("smp", r"\bsmp\b|\bsltp\b|\bmts\b|junior high"),
    (
        "sma_smk",
        r"\bsma\b|\bsmk\b|\bstm\b|\bslta\b|\bsmu\b|\bsmea\b|high school|vocational school|"
        r"sekolah menengah atas",
    ),
    # After the rewrites, a "diploma" left does not say which: it counts as the lowest, D1.
    ("d1", r"\bd\s?-?\s?1\b|\bd(?:\s+|\s*-\s*)i\b|\bdiploma\b"),
    ("d2", r"\bd\s?-?\s?2\b|\bd(?:\s+|\s*-\s*)ii\b"),
    ("d3", r"\bd\s?-?\s?3\b|\bd\s*-?\s*iii\b"),
    ("d4", r"\bd\s?-?\s?4\b|\bd(?:\s+|\s*-\s*)iv\b"),
    (
        "s1",
        r"\bs\s?-?\s?1\b|sarjana|bachelor|undergraduate|\bstrata\s?-?\s?(?:1|satu)\b|"
        r"\bs\.(?:kom|e|t|h|psi|ak|si|pd|ikom|sos|farm|ked)\b|\bbsc\b|\bb\.sc\b",
    ),
    # "MSC" alone is also a shipping line; the degree is "M.Sc", "(MSc)" or "MSc in/degree".
    (
        "s2",
        r"\bs\s?-?\s?2\b|master'?s? degree|\bmaster of\b|magister|\bmba\b|postgraduate|"
        r"\bm\.\s?sc\b|\bmsc\s*\)?\s*(?:in|degree)\b|\(\s*m\.?\s?sc\s*\)",
    ),
    ("s3", r"\bs\s?-?\s?3\b|doktoral|doctoral|doctorate|\bph\.?\s?d\b"),
]


# An academic title after a person's name, as names are written ("Mario Christo, S.H., M.Kn.",
# "Budi, S.Kom", "Hubungi Ani S.Kom"): a contact person's degree, not a requirement. Read before
# lower-casing, as the capital of the name tells it from "minimal S.Kom". With a comma any
# capitalised word is taken for a name. Without one, "Programmer S.Kom", "Teknik Informatika
# S.Kom" and "Apoteker S.Farm" have the same shape as a name, so only a name after a contact
# word ("hubungi", "cp", "bapak", "a.n.", "kirim ke") is; "Ani S.Kom" alone reads as S1.
_TITLE_AFTER_NAME = r"\b([A-Z][a-z]+),\s*S\.\s?[A-Z][A-Za-z]{0,4}\b\.?"
_CONTACT_CUE = (
    r"hubungi|kontak|contact|cp|c\.p|bapak|bpk|pak|ibu|bu|sdr|sdri|saudara|saudari|a\.n|an\.|"
    r"atas nama|kirim ke|kirimkan ke|u\.p|up\.|email ke|wa ke"
)
_TITLE_AFTER_CONTACT = (
    rf"(?i:\b({_CONTACT_CUE}))([\s.:]+(?:[A-Z][a-z]+\s+){{1,3}})S\.\s?[A-Z][A-Za-z]{{0,4}}\b\.?"
)
# The same shape after a requirement or a major ("Lulusan S.Kom", "Minimal S.Kom", "Lulusan
# Teknik Sipil, S.T.", "Jurusan Akuntansi S.E.", "Pendidikan: Hukum, S.H.", "Dibutuhkan
# Programmer, S.Kom") is the degree asked for: a mark (`_KEPT`) put before it while
# `_TITLE_AFTER_NAME` runs keeps it, so it reads as S1.
_KEPT = "\u00a7"
_DEGREE_AFTER_MAJOR = (
    rf"(?i:\b((?:{_REQUIREMENT}|jurusan|sarjana|major|bidang|prodi|program studi|fakultas|"
    r"gelar|bergelar|degree|diutamakan|utamakan|preferably|dibutuhkan|dicari|berijazah|posisi)\b)"
    r"([^.;\n]{0,60}?))(,?\s*S\.\s?[A-Z])"
)


def education_text_expr(text: pl.Expr) -> pl.Expr:
    """The lower-cased text the level patterns read, with look-alike words rewritten away."""
    # Words glued where markup was stripped ("Lowongan PekerjaanGuru SD") are split first.
    split = text.str.replace_all(r"([a-z])([A-Z])", "${1} ${2}")
    kept = split.str.replace_all(_DEGREE_AFTER_MAJOR, f"${{1}}${{2}}{_KEPT}${{3}}")
    lower = (
        kept.str.replace_all(_TITLE_AFTER_NAME, "${1}")
        .str.replace_all(_TITLE_AFTER_CONTACT, "${1}${2}")
        .str.replace_all(_KEPT, "", literal=True)
        .str.to_lowercase()
    )
    for pattern, replacement in _EDUCATION_REWRITES:
        lower = lower.str.replace_all(pattern, replacement)
    return lower


def education_level_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: the lowest education level a text mentions (Rust regex, one pass per level)."""
    lower = education_text_expr(text)
    expr = pl.lit(None, dtype=pl.String)
    # Built from the top of the ladder down, so the lowest level mentioned wins.
    for level, pattern in reversed(_EDUCATION_PATTERNS):
        expr = pl.when(lower.str.contains(pattern)).then(pl.lit(level)).otherwise(expr)
    return expr


def parse_education(text: str | None) -> str | None:
    """Lowest education level mentioned, or None."""
    if not text:
        return None
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    return frame.select(education_level_expr(pl.col("t")))[0, 0]


_EXPERIENCE_WORD = re.compile(r"pengalaman|berpengalaman|experience|experienced|exp\b")
_YEARS = re.compile(
    r"(?P<min>\d{1,2})\s*(?P<plus>\+)?\s*(?:(?:-|–|s/d|sampai|hingga|to)\s*(?P<max>\d{1,2})\s*)?"
    r"(?:tahun|thn|th\b|years?|yrs?)"
)
_AGE_WORD = re.compile(r"\b(usia|umur|age|berusia)\b")
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
            # "usia maksimal 30 tahun": a number right after an age word is an age.
            if _AGE_WORD.search(window[max(0, match.start() - 20) : match.start()]):
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


EMPLOYMENT_TYPES: list[tuple[str, str]] = [
    ("full_time", r"full[ _-]?time|penuh waktu|karyawan tetap|\bpermanent\b|\btetap\b"),
    ("part_time", r"part[ _-]?time|paruh waktu|\bparuh\b"),
    ("contract", r"\bcontract|\bkontrak|\bpkwt\b"),
    ("temporary", r"temporary|temporer|\bsementara\b"),
    ("internship", r"\bintern(?:ship)?\b|\bmagang\b|praktik kerja|\bpkl\b"),
    ("freelance", r"free[ _-]?lance|pekerja lepas|\blepas\b"),
    ("casual", r"\bcasual\b|\bkasual\b|harian lepas|daily worker"),
]


def _employment_found(text: pl.Expr) -> pl.Expr:
    """Per kind in `EMPLOYMENT_TYPES` order: a struct of its first position (null if absent)."""
    # camelCase labels such as "fullTime" become "full time".
    lower = text.str.replace_all(r"([a-z])([A-Z])", "$1 $2").str.to_lowercase()
    return pl.concat_list(
        [
            pl.struct(position=lower.str.find(pattern), kind=pl.lit(kind))
            for kind, pattern in EMPLOYMENT_TYPES
        ]
    )


def employment_types_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: employment types named in a text, `;`-joined in `EMPLOYMENT_TYPES` order.

    A fixed order, not the order of mention, so one set of types is one value
    ("Contract, Full time" and "Full time, Contract" both give `full_time;contract`).
    """
    kinds = _employment_found(text).list.eval(
        pl.element()
        .filter(pl.element().struct.field("position").is_not_null())
        .struct.field("kind")
    )
    return pl.when(kinds.list.len() > 0).then(kinds.list.join(";"))


def main_employment_type_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: the employment type a text names first (the board's main type), or null."""
    ordered = _employment_found(text).list.eval(
        pl.element().sort_by(pl.element().struct.field("position"), nulls_last=True)
    )
    first = ordered.list.first()
    return pl.when(first.struct.field("position").is_not_null()).then(first.struct.field("kind"))


def parse_employment_types(text: str | None) -> list[str]:
    """Employment types named in a text, in `EMPLOYMENT_TYPES` order."""
    if not text:
        return []
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    joined = frame.select(employment_types_expr(pl.col("t")))[0, 0]
    return joined.split(";") if joined else []


_ARRANGEMENTS: list[tuple[str, str]] = [
    ("hybrid", r"\bhybrid\b|\bhibrid\b"),
    (
        "remote",
        r"\bremote\b|jarak jauh|\bwfh\b|work from home|kerja dari rumah|\bwfa\b|"
        r"work from anywhere",
    ),
    ("on_site", r"on[ -]?site|\bwfo\b|work from office|kerja di kantor"),
]


def work_arrangement_expr(text: pl.Expr) -> pl.Expr:
    """Vectorised: on_site, hybrid or remote; hybrid wins when several are named."""
    lower = text.str.to_lowercase()
    expr = pl.lit(None, dtype=pl.String)
    for arrangement, pattern in reversed(_ARRANGEMENTS):
        expr = pl.when(lower.str.contains(pattern)).then(pl.lit(arrangement)).otherwise(expr)
    return expr


def parse_work_arrangement(text: str | None) -> str | None:
    """on_site, hybrid or remote when a text says so; hybrid wins when several are named."""
    if not text:
        return None
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    return frame.select(work_arrangement_expr(pl.col("t")))[0, 0]


def attribute_table(texts: list[str | None], kind: str) -> pl.DataFrame:
    """Parse distinct texts of one kind ("education", "experience", "employment", "arrangement")."""
    frame = pl.DataFrame({"_text": texts}, schema={"_text": pl.String})
    text = pl.col("_text")
    if kind == "education":
        # Lazy, so the rewritten text is computed once (common subexpressions), not once per
        # level pattern: eager `with_columns` ran the rewrites ten times.
        return frame.lazy().with_columns(education_level=education_level_expr(text)).collect()
    if kind == "employment":
        return frame.with_columns(
            employment_types=employment_types_expr(text),
            employment_type=main_employment_type_expr(text),
        )
    if kind == "arrangement":
        return frame.with_columns(work_arrangement=work_arrangement_expr(text))
    if kind == "experience":
        pairs = [parse_experience(t) for t in texts]
        return frame.with_columns(
            experience_min_years=pl.Series([p[0] for p in pairs], dtype=pl.Float64),
            experience_max_years=pl.Series([p[1] for p in pairs], dtype=pl.Float64),
        )
    raise ValueError(f"unknown attribute kind {kind!r}")
