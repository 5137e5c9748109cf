"""Place texts to province and regency codes, with the code system and vintage kept on every code.

A posting's location text is matched against a gazetteer built from the shipped region reference
(`data/reference/wilayah`): Kemendagri 2025 provinces, kabupaten/kota and kecamatan names, plus
the curated aliases in `seeds/place_aliases.csv` (each with its reason). Matching yields
Kemendagri 2025 codes; `assign_region_codes` then turns them into the warehouse's codes:

* BPS 2020 codes (the code system of the region dimension) wherever the BPS-Kemendagri bridge
  has the place, with the Kemendagri 2025 code alongside;
* the 2022 Papua provinces (Kemendagri 93-96) and their regencies have no BPS code in the shipped
  reference. A posting dated before a province's creation is placed in its former province with
  BPS 2020 codes; on or after that date it gets the Kemendagri 2025 code, marked as such.

A name that is both a kabupaten and a kota (Tangerang, Bekasi, Bandung...) without a prefix is
never guessed: it resolves to the province only and is flagged `ambiguous`.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from ingest.compressed import open_text
from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
WILAYAH_DIR_NAME = "reference/wilayah"

# Location statuses, from most to least specific.
STATUS_REGENCY = "regency"
STATUS_PROVINCE = "province"
STATUS_AMBIGUOUS = "ambiguous"
STATUS_MULTIPLE = "multiple"
STATUS_NATIONAL = "national"
STATUS_REMOTE = "remote"
STATUS_FOREIGN = "foreign"
STATUS_UNRESOLVED = "unresolved"
STATUS_MISSING = "missing"

CODE_SYSTEM_BPS = "bps"
CODE_SYSTEM_KEMENDAGRI = "kemendagri"
BPS_VINTAGE = "2020"
KEMENDAGRI_VINTAGE = "2025"

# The four provinces carved out of Papua and Papua Barat in 2022, with the date each law took
# effect (UU 14, 15, 16/2022 signed 25 July 2022; UU 29/2022 signed 8 December 2022) and the
# Kemendagri code of the province each was part of before.
PAPUA_SPLITS: dict[str, tuple[dt.date, str]] = {
    "93": (dt.date(2022, 7, 25), "91"),  # Papua Selatan, from Papua
    "94": (dt.date(2022, 7, 25), "91"),  # Papua Tengah, from Papua
    "95": (dt.date(2022, 7, 25), "91"),  # Papua Pegunungan, from Papua
    "96": (dt.date(2022, 12, 8), "92"),  # Papua Barat Daya, from Papua Barat
}

_ENGLISH_DIRECTIONS = {
    "north": ["utara"],
    "south": ["selatan"],
    "east": ["timur"],
    "west": ["barat"],
    "central": ["pusat", "tengah"],
    "southeast": ["tenggara"],
    "northeast": ["timur laut"],
    "southwest": ["barat daya"],
}
_KAB_PREFIX = re.compile(r"^(kabupaten administrasi|kabupaten adm|kab adm|kabupaten|kab)\s+")
_KOTA_PREFIX = re.compile(r"^(kota administrasi|kota adm|kotamadya|kodya|kota)\s+")
_KAB_SUFFIX = re.compile(r"\s+(regency|kabupaten|kab|district)$")
_KOTA_SUFFIX = re.compile(r"\s+(city|kota)$")
_PART_SPLIT = re.compile(r"\s*(?:[,;/|\n]|\s&\s|\sdan\s|\sand\s)\s*")
_PAREN = re.compile(r"\([^)]*\)")


def normalise_place_name(text: str) -> str:
    """Lower case, ASCII, punctuation to spaces, single spaces: the key every lookup uses."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("'", "")
    text = re.sub(r"\bkep\.\s*", "kepulauan ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _compact(name: str) -> str:
    # "Palangkaraya"/"Palangka Raya", "Pare-Pare"/"Parepare" differ only in spaces.
    return name.replace(" ", "")


@dataclass(frozen=True)
class Region:
    """One Kemendagri 2025 province or kabupaten/kota."""

    code: str  # Kemendagri 2025: "32" or "3216"
    name: str
    province_code: str
    kind: str  # "province", "kabupaten" or "kota"


@dataclass(frozen=True)
class PlaceMatch:
    """What one location text resolved to, in Kemendagri 2025 codes."""

    status: str
    province_code: str | None = None
    regency_code: str | None = None
    matched_via: str | None = None


@dataclass(eq=False)  # hashed by identity so derived tables can be cached per gazetteer
class Gazetteer:
    """Name lookups over the Kemendagri 2025 regions, plus curated aliases."""

    provinces: dict[str, Region] = field(default_factory=dict)
    regencies: dict[str, Region] = field(default_factory=dict)
    province_by_name: dict[str, str] = field(default_factory=dict)
    regency_by_name: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    district_by_name: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    bps_province: dict[str, str] = field(default_factory=dict)
    bps_regency: dict[str, str] = field(default_factory=dict)
    bps_province_name: dict[str, str] = field(default_factory=dict)
    former_regency_bps: dict[str, str] = field(default_factory=dict)

    def add_regency_name(self, name: str, kind: str, code: str) -> None:
        for key in {name, _compact(name)}:
            self.regency_by_name.setdefault(key, {}).setdefault(kind, [])
            if code not in self.regency_by_name[key][kind]:
                self.regency_by_name[key][kind].append(code)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open_text(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _strip_kind(name: str) -> tuple[str, str | None]:
    """Split "kabupaten bogor" into ("bogor", "kabupaten"); kind None when unmarked."""
    for pattern, kind in ((_KAB_PREFIX, "kabupaten"), (_KOTA_PREFIX, "kota")):
        match = pattern.match(name)
        if match:
            return name[match.end() :], kind
    for pattern, kind in ((_KAB_SUFFIX, "kabupaten"), (_KOTA_SUFFIX, "kota")):
        match = pattern.search(name)
        if match and match.start() > 0:
            return name[: match.start()], kind
    return name, None


def build_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Read the shipped region reference and the alias seed into lookups."""
    wilayah = data_dir / WILAYAH_DIR_NAME
    gaz = Gazetteer()
    for row in _read_csv(wilayah / "kemendagri_2025_provinsi.csv"):
        code = row["kode_kemendagri"]
        gaz.provinces[code] = Region(code, row["nama"], code, "province")
        gaz.province_by_name[normalise_place_name(row["nama"])] = code
    for row in _read_csv(wilayah / "kemendagri_2025_kabupaten_kota.csv"):
        code = row["kode_4digit"]
        kind = row["jenis"].lower()
        region = Region(code, row["nama"], row["kode_provinsi"], kind)
        gaz.regencies[code] = region
        base, _ = _strip_kind(normalise_place_name(row["nama"]))
        gaz.add_regency_name(base, kind, code)

    # Kecamatan names, used only when they point to one regency (or one within a named province).
    for row in _read_csv(wilayah / "kemendagri_2025_wilayah_all_levels.csv.gz"):
        if row["level"] != "3":
            continue
        regency = row["parent_code"].replace(".", "")
        name = normalise_place_name(row["nama"])
        gaz.district_by_name.setdefault(name, set()).add(regency)
        gaz.district_by_name.setdefault(_compact(name), set()).add(regency)

    for row in _read_csv(SEEDS_DIR / "place_aliases.csv"):
        target_kind, target = row["target_kind"], row["target_code"] or None
        if target_kind == "regency" and target not in gaz.regencies:
            raise ValueError(f"place_aliases.csv: alias {row['alias']!r} names unknown {target}")
        if target_kind in {"province", "ambiguous"} and target not in gaz.provinces:
            raise ValueError(f"place_aliases.csv: alias {row['alias']!r} names unknown {target}")
        gaz.aliases[normalise_place_name(row["alias"])] = (target_kind, target)

    _load_bps_bridge(gaz, wilayah)
    log.info(
        "gazetteer: %d provinces, %d regencies, %d district names, %d aliases",
        len(gaz.provinces),
        len(gaz.regencies),
        len(gaz.district_by_name),
        len(gaz.aliases),
    )
    return gaz


def _load_bps_bridge(gaz: Gazetteer, wilayah: Path) -> None:
    """Attach BPS 2020 codes to Kemendagri 2025 codes.

    Outside Papua the Kemendagri 4-digit code did not change between 2020 and 2025, so the bridge
    joins on it. The regencies moved to provinces 93-96 got new codes in 2025; they are matched by
    name to their 2020 row, whose BPS code is then their *former* (pre-split) BPS code.
    """
    for row in _read_csv(wilayah / "bps_kemendagri_bridging_2020_provinsi.csv"):
        gaz.bps_province[row["kode_dagri"]] = row["kode_bps"]
        gaz.bps_province_name[row["kode_bps"]] = row["nama_bps"].title()
    bridge = _read_csv(wilayah / "bps_kemendagri_bridging_2020_kabkota.csv")
    by_dagri = {row["kode_dagri"]: row for row in bridge}
    papua_by_name: dict[tuple[str, str], str] = {}
    for row in bridge:
        if row["kode_bps"][:2] in {"91", "94"}:
            kind = "kota" if row["nama_dagri"].startswith("KOTA") else "kabupaten"
            papua_by_name[(_compact(normalise_place_name(row["nama_bps"])), kind)] = row["kode_bps"]
    for code, region in gaz.regencies.items():
        if region.province_code in PAPUA_SPLITS:
            base, _ = _strip_kind(normalise_place_name(region.name))
            bps = papua_by_name.get((_compact(base), region.kind))
            if bps is None:
                raise ValueError(f"no 2020 bridge row for {region.name} ({code})")
            gaz.former_regency_bps[code] = bps
        elif code in by_dagri:
            gaz.bps_regency[code] = by_dagri[code]["kode_bps"]
    missing = [c for c, r in gaz.regencies.items() if r.province_code not in PAPUA_SPLITS]
    missing = [c for c in missing if c not in gaz.bps_regency]
    if missing:
        raise ValueError(f"regencies without a BPS 2020 code: {missing}")


@lru_cache(maxsize=4)
def _cached_code_table(gaz: Gazetteer) -> pl.DataFrame:
    return _region_code_table(gaz)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer over the shipped reference, built once per process."""
    return build_gazetteer(DATA_DIR)


def _english_variants(name: str) -> list[str]:
    """'south jakarta' -> ['jakarta selatan']; 'central jakarta' -> ['jakarta pusat', ...]."""
    words = name.split(" ")
    if len(words) >= 2 and words[0] in _ENGLISH_DIRECTIONS:
        rest = " ".join(words[1:])
        return [f"{rest} {d}" for d in _ENGLISH_DIRECTIONS[words[0]]]
    return []


def _match_part(gaz: Gazetteer, part: str) -> list[PlaceMatch]:
    """Candidate matches for one place name; several candidates mean ambiguity."""
    if part in gaz.aliases:
        kind, code = gaz.aliases[part]
        if kind == "regency":
            assert code is not None
            region = gaz.regencies[code]
            return [PlaceMatch(STATUS_REGENCY, region.province_code, code, "alias")]
        if kind == "province":
            return [PlaceMatch(STATUS_PROVINCE, code, None, "alias")]
        if kind == "ambiguous":
            return [PlaceMatch(STATUS_AMBIGUOUS, code, None, "alias")]
        return [PlaceMatch(kind, None, None, "alias")]
    if part in gaz.province_by_name:
        return [PlaceMatch(STATUS_PROVINCE, gaz.province_by_name[part], None, "province")]
    base, kind = _strip_kind(part)
    for candidate in [base, *_english_variants(base)]:
        for key in (candidate, _compact(candidate)):
            by_kind = gaz.regency_by_name.get(key)
            if by_kind:
                codes = (
                    by_kind.get(kind, []) if kind else [c for cs in by_kind.values() for c in cs]
                )
                if codes:
                    return [
                        PlaceMatch(STATUS_REGENCY, gaz.regencies[c].province_code, c, "regency")
                        for c in codes
                    ]
        if kind is None and candidate in gaz.aliases:
            return _match_part(gaz, candidate)
    for candidate in [part, *_english_variants(part)]:
        regencies = gaz.district_by_name.get(candidate) or gaz.district_by_name.get(
            _compact(candidate)
        )
        if regencies:
            return [
                PlaceMatch(STATUS_REGENCY, gaz.regencies[c].province_code, c, "district")
                for c in sorted(regencies)
            ]
    return []


def resolve_place(text: str | None, gaz: Gazetteer | None = None) -> PlaceMatch:
    """Resolve one location text to Kemendagri 2025 province/regency codes and a status.

    Several places in one field are resolved one by one; a regency followed by its own province
    ("Jakarta Selatan, Jakarta Raya") is one place. Places in several regencies give the province
    when they share one, with status `multiple`.
    """
    gaz = gaz or default_gazetteer()
    if text is None or not text.strip():
        return PlaceMatch(STATUS_MISSING)
    whole = normalise_place_name(_PAREN.sub(" ", text))
    if not whole:
        # Only a parenthesised note such as "(Remote)".
        whole = normalise_place_name(text)
    if whole in gaz.aliases:
        matches = _match_part(gaz, whole)
        return matches[0] if len(matches) == 1 else _combine(gaz, [matches])
    parts = [normalise_place_name(p) for p in _PART_SPLIT.split(_PAREN.sub(" ", text))]
    parts = [p for p in parts if p]
    if not parts:
        return PlaceMatch(STATUS_UNRESOLVED)
    return _combine(gaz, [_match_part(gaz, p) for p in parts])


def _combine(gaz: Gazetteer, per_part: list[list[PlaceMatch]]) -> PlaceMatch:
    geo = [m for m in per_part if m and m[0].province_code is not None]
    if not geo:
        statuses = {m[0].status for m in per_part if m}
        for status in (STATUS_MULTIPLE, STATUS_NATIONAL, STATUS_REMOTE, STATUS_FOREIGN):
            if status in statuses:
                return PlaceMatch(status, matched_via="alias")
        return PlaceMatch(STATUS_UNRESOLVED)
    # Provinces named outright narrow the candidates of the other parts ("Galang, Sumatera
    # Utara" is the Galang district of Deli Serdang, not the one in Batam).
    named_provinces = {
        m[0].province_code for m in geo if len(m) == 1 and m[0].status == STATUS_PROVINCE
    }
    resolved: list[PlaceMatch] = []
    for matches in geo:
        if named_provinces and len(matches) > 1:
            narrowed = [m for m in matches if m.province_code in named_provinces]
            matches = narrowed or matches
        provinces = {m.province_code for m in matches}
        regencies = {m.regency_code for m in matches}
        if len(matches) == 1:
            resolved.append(matches[0])
        elif len(provinces) == 1:
            resolved.append(
                PlaceMatch(STATUS_AMBIGUOUS, provinces.pop(), None, matches[0].matched_via)
            )
        elif matches[0].matched_via == "district":
            continue  # a district name found in several provinces tells nothing
        else:
            resolved.append(PlaceMatch(STATUS_UNRESOLVED, None, None, "regency"))
            del regencies
    resolved = [m for m in resolved if m.province_code is not None]
    if not resolved:
        return PlaceMatch(STATUS_UNRESOLVED)
    provinces = {m.province_code for m in resolved}
    if len(provinces) > 1:
        return PlaceMatch(STATUS_MULTIPLE)
    province = provinces.pop()
    regencies = {m.regency_code for m in resolved if m.regency_code}
    via = ",".join(sorted({m.matched_via or "" for m in resolved}))
    if len(regencies) == 1:
        return PlaceMatch(STATUS_REGENCY, province, regencies.pop(), via)
    if len(regencies) > 1:
        return PlaceMatch(STATUS_MULTIPLE, province, None, via)
    if any(m.status == STATUS_AMBIGUOUS for m in resolved):
        return PlaceMatch(STATUS_AMBIGUOUS, province, None, via)
    return PlaceMatch(STATUS_PROVINCE, province, None, via)


def resolve_places(texts: pl.Series, gaz: Gazetteer | None = None) -> pl.DataFrame:
    """Resolve each distinct text once; one row per distinct text (column `location_text`)."""
    gaz = gaz or default_gazetteer()
    distinct = texts.drop_nulls().unique().to_list()
    rows = [resolve_place(t, gaz) for t in distinct]
    log.info("places: resolved %d distinct location texts", len(distinct))
    return pl.DataFrame(
        {
            "location_text": distinct,
            "location_status": [r.status for r in rows],
            "province_code_kemendagri_2025": [r.province_code for r in rows],
            "regency_code_kemendagri_2025": [r.regency_code for r in rows],
            "location_matched_via": [r.matched_via for r in rows],
        },
        schema={
            "location_text": pl.String,
            "location_status": pl.String,
            "province_code_kemendagri_2025": pl.String,
            "regency_code_kemendagri_2025": pl.String,
            "location_matched_via": pl.String,
        },
    )


def region_code_table(gaz: Gazetteer | None = None) -> pl.DataFrame:
    """One row per Kemendagri 2025 province or regency with its BPS 2020 codes (cached)."""
    gaz = gaz or default_gazetteer()
    return _cached_code_table(gaz)


def _region_code_table(gaz: Gazetteer) -> pl.DataFrame:
    """One row per Kemendagri 2025 province or regency with its BPS 2020 codes and names.

    `split_date` is set for regions of the 2022 Papua provinces: before it the BPS 2020 codes of
    the former province apply (`former_*`), from it the Kemendagri 2025 code.
    """
    rows = []
    for code, prov in gaz.provinces.items():
        split = PAPUA_SPLITS.get(code)
        former_bps = gaz.bps_province[split[1]] if split else None
        rows.append(
            {
                "kemendagri_code": code,
                "level": "province",
                "name": prov.name,
                "province_code_kemendagri_2025": code,
                "bps_code": gaz.bps_province.get(code),
                "bps_province_code": gaz.bps_province.get(code),
                "split_date": split[0] if split else None,
                "former_bps_code": None,
                "former_bps_province_code": former_bps,
                "former_province_name": gaz.bps_province_name.get(former_bps or ""),
            }
        )
    for code, reg in gaz.regencies.items():
        split = PAPUA_SPLITS.get(reg.province_code)
        former_bps = gaz.former_regency_bps.get(code)
        rows.append(
            {
                "kemendagri_code": code,
                "level": "regency",
                "name": reg.name,
                "province_code_kemendagri_2025": reg.province_code,
                "bps_code": gaz.bps_regency.get(code),
                "bps_province_code": gaz.bps_province.get(reg.province_code),
                "split_date": split[0] if split else None,
                "former_bps_code": former_bps,
                "former_bps_province_code": former_bps[:2] if former_bps else None,
                "former_province_name": gaz.bps_province_name.get(former_bps[:2])
                if former_bps
                else None,
            }
        )
    schema = {key: pl.String for key in rows[0]}
    schema["split_date"] = pl.Date
    return pl.DataFrame(rows, schema=schema)


def assign_region_codes(
    df: pl.DataFrame, date_col: str = "posted_date", gaz: Gazetteer | None = None
) -> pl.DataFrame:
    """Add the warehouse's region codes to Kemendagri 2025 matches, as of each posting's date.

    Adds `province_code`, `province_code_system`, `province_code_vintage`, `province_name`,
    and the same four for `regency_`. A row without a date is placed as of today's boundaries.
    """
    table = region_code_table(gaz)
    provinces = table.filter(pl.col("level") == "province").select(
        pl.col("kemendagri_code").alias("province_code_kemendagri_2025"),
        pl.col("name").alias("_prov_name"),
        pl.col("bps_code").alias("_prov_bps"),
        pl.col("split_date").alias("_prov_split"),
        pl.col("former_bps_province_code").alias("_prov_former_bps"),
        pl.col("former_province_name").alias("_prov_former_name"),
    )
    regencies = table.filter(pl.col("level") == "regency").select(
        pl.col("kemendagri_code").alias("regency_code_kemendagri_2025"),
        pl.col("name").alias("_reg_name"),
        pl.col("bps_code").alias("_reg_bps"),
        pl.col("bps_province_code").alias("_reg_prov_bps"),
        pl.col("split_date").alias("_reg_split"),
        pl.col("former_bps_code").alias("_reg_former_bps"),
        pl.col("former_bps_province_code").alias("_reg_former_prov_bps"),
        pl.col("former_province_name").alias("_reg_former_prov_name"),
    )
    out = df.join(provinces, on="province_code_kemendagri_2025", how="left").join(
        regencies, on="regency_code_kemendagri_2025", how="left"
    )
    date = pl.col(date_col)
    # Null date: today's boundaries apply, i.e. after every split.
    reg_before_split = pl.col("_reg_split").is_not_null() & (date < pl.col("_reg_split")).fill_null(
        False
    )
    prov_before_split = pl.col("_prov_split").is_not_null() & (
        date < pl.col("_prov_split")
    ).fill_null(False)
    reg_is_new_papua = pl.col("_reg_split").is_not_null() & ~reg_before_split
    prov_is_new_papua = pl.col("_prov_split").is_not_null() & ~prov_before_split
    has_reg = pl.col("regency_code_kemendagri_2025").is_not_null()
    has_prov = pl.col("province_code_kemendagri_2025").is_not_null()

    regency_code = (
        pl.when(~has_reg)
        .then(None)
        .when(reg_before_split)
        .then(pl.col("_reg_former_bps"))
        .when(reg_is_new_papua)
        .then(pl.col("regency_code_kemendagri_2025"))
        .otherwise(pl.col("_reg_bps"))
    )
    regency_system = (
        pl.when(~has_reg)
        .then(None)
        .when(reg_is_new_papua)
        .then(pl.lit(CODE_SYSTEM_KEMENDAGRI))
        .otherwise(pl.lit(CODE_SYSTEM_BPS))
    )
    # With a regency the province follows the regency (so a pre-split Merauke is in Papua).
    province_code = (
        pl.when(~has_prov)
        .then(None)
        .when(has_reg & reg_before_split)
        .then(pl.col("_reg_former_prov_bps"))
        .when(has_reg & reg_is_new_papua)
        .then(pl.col("province_code_kemendagri_2025"))
        .when(~has_reg & prov_before_split)
        .then(pl.col("_prov_former_bps"))
        .when(~has_reg & prov_is_new_papua)
        .then(pl.col("province_code_kemendagri_2025"))
        .otherwise(pl.col("_prov_bps"))
    )
    province_new = (has_reg & reg_is_new_papua) | (~has_reg & prov_is_new_papua)
    province_system = (
        pl.when(~has_prov)
        .then(None)
        .when(province_new)
        .then(pl.lit(CODE_SYSTEM_KEMENDAGRI))
        .otherwise(pl.lit(CODE_SYSTEM_BPS))
    )
    province_name = (
        pl.when(~has_prov)
        .then(None)
        .when(has_reg & reg_before_split)
        .then(pl.col("_reg_former_prov_name"))
        .when(~has_reg & prov_before_split)
        .then(pl.col("_prov_former_name"))
        .otherwise(pl.col("_prov_name"))
    )

    def vintage(system: pl.Expr) -> pl.Expr:
        return (
            pl.when(system == CODE_SYSTEM_BPS)
            .then(pl.lit(BPS_VINTAGE))
            .when(system == CODE_SYSTEM_KEMENDAGRI)
            .then(pl.lit(KEMENDAGRI_VINTAGE))
        )

    out = out.with_columns(
        province_code=province_code,
        province_code_system=province_system,
        province_name=province_name,
        regency_code=regency_code,
        regency_code_system=regency_system,
        regency_name=pl.col("_reg_name"),
    ).with_columns(
        province_code_vintage=vintage(pl.col("province_code_system")),
        regency_code_vintage=vintage(pl.col("regency_code_system")),
    )
    return out.drop([c for c in out.columns if c.startswith("_")])
