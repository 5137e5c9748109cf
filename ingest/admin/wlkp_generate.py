"""Synthetic WLKP exports, written the way officials' exports look.

No public WLKP report data exists, so this generator produces company reports with the fields of
Kemnaker's WLKP manual — identity, KBLI, workforce by jabatan × sex × employment relation, BPJS
participation, vacancies, foreign workers — for companies spread over the regencies of Indonesia in
proportion to their population, with the reported workforce split over sectors as BPS's August
2019 employment by sector is (see `sector_targets`), and writes them as monthly recapitulation
exports:

- xlsx and csv (`;`-separated with Indonesian thousands dots, or `,`-separated), alternating;
- a title block, a two-row merged header, company identity merged down the company's jabatan rows
  (blank on continuation rows in csv), a subtotal after each province, a grand total, footnotes;
- dates typed three ways in one column: real date cells, Excel serial numbers and text;
- identity columns and count groups in another order every few months.

Every file name, title block and footnote says SYNTHETIC; a manifest JSON beside the files holds
the true counts so the reader can be checked against them.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ingest.admin import vocabulary as vocab
from ingest.admin.dates import EXCEL_EPOCH
from ingest.admin.regions import RegionIndex, region_index
from ingest.admin.wlkp_layout import (
    COMPANY_COLUMNS,
    COUNT_COLUMNS,
    HEADER_LABELS,
    IDENTITY_COLUMNS,
)
from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

MONTH_NAMES_ID = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
                  "November Desember").split()  # fmt: skip
SYNTHETIC_MARK = "DATA SINTETIS - dibuat oleh generator lmis, bukan laporan WLKP yang sebenarnya"
FOOTNOTES = (
    "Catatan:",
    "1) PKWTT = Perjanjian Kerja Waktu Tidak Tertentu; PKWT = Perjanjian Kerja Waktu Tertentu.",
    "2) TKA = Tenaga Kerja Asing; TKA termasuk dalam Jumlah Tenaga Kerja.",
    "Sumber: WLKP Online, Kementerian Ketenagakerjaan (SINTETIS).",
)
# Share of women by words in the jabatan title (the first word found decides); anything else gets
# the default. Every share here, the default included, is set by hand, not calibrated: the shipped
# BPS aggregates (data/real/bps-labour-aggregates) split no employment series by sex and
# occupation or sector (the one series by sex counts people hit by COVID-19), so there is no
# figure to draw them to (data/reference/calibration/PROVENANCE.md, "Not calibrated").
FEMALE_SHARE = {
    "jahit": 0.9, "spg": 0.95, "bidan": 1.0, "perawat": 0.8, "kasir": 0.75, "guru": 0.65,
    "resepsionis": 0.8, "admin": 0.65, "teller": 0.7, "satpam": 0.05, "security": 0.05,
    "sopir": 0.02, "driver": 0.02, "welder": 0.02, "las": 0.02, "teknisi": 0.08,
    "tukang": 0.02, "alat berat": 0.03, "housekeeping": 0.55, "room attendant": 0.6,
}  # fmt: skip
DEFAULT_FEMALE_SHARE = 0.38
TITLES_ON_DEFAULT = frozenset({
    "Account Officer", "Agen Properti", "Akuntan", "Anak Buah Kapal", "Analis Kredit",
    "Analis Kualitas Air", "Analis Laboratorium", "Apoteker", "Arsitek", "Asisten Kebun",
    "Auditor", "Barista", "Building Manager", "Buruh Tani", "Checker Gudang", "Chef de Partie",
    "Cleaning Service", "Content Writer", "Cook", "Customer Service", "Customer Service Bank",
    "Data Analyst", "Desainer Grafis", "Direktur", "Dokter Umum", "Dosen", "Drafter",
    "Engineer Listrik", "Front Office", "General Manager", "Geologist", "HR Generalist",
    "Helper Produksi", "Helper Toko", "Instruktur Kebugaran", "Juru Bor", "Juru Masak",
    "Kepala Regu Produksi", "Kepala Toko", "Kolektor", "Konsultan", "Koordinator Lapangan",
    "Kurir", "Lifeguard", "Maintenance Technician", "Manajer Operasional", "Mandor Bangunan",
    "Mandor Kebun", "Marketing", "Mekanik Pompa", "Merchandiser", "Mine Engineer", "Montir",
    "Nahkoda", "Network Engineer", "Office Boy", "Operator Forklift", "Operator Mesin",
    "Operator Pembangkit", "Operator Produksi", "Operator Sound System", "Operator Traktor",
    "Operator WTP", "PPIC", "Packing", "Pelaksana Lapangan", "Pemanen Sawit", "Pembaca Meter Air",
    "Penari", "Penata Rambut", "Petugas Kebersihan", "Petugas Laundry", "Petugas Parkir",
    "Pramuniaga", "Pramusaji", "Pramuwisata", "Programmer", "QC Inspector", "Quality Control",
    "Quantity Surveyor", "Relationship Manager", "Sales Executive", "Sales Motoris",
    "Site Engineer", "Software Engineer", "Staf Ekspedisi", "Staf Gudang", "Staf HRD", "Staf IT",
    "Staf Keuangan", "Staf Legal", "Staf Outsourcing", "Staf Pemasaran Properti",
    "Staf Pengelola Gedung", "Staf Purchasing", "Staf Tata Usaha", "Steward", "Store Manager",
    "Supervisor", "Supervisor Produksi", "Surveyor", "Surveyor Tambang", "Tenaga Alih Daya",
    "Tenaga Kependidikan", "Tenaga Medis", "Terapis Kecantikan", "Tutor", "Waiter",
})  # fmt: skip
"""Generated jabatan left at `DEFAULT_FEMALE_SHARE` on purpose: no shipped BPS figure gives their
share of women, so none is guessed, though some (Penata Rambut, Office Boy) surely sit far from
0.38; a published table of employment by sex and occupation would set them. A title added to
`vocabulary.JABATAN_BY_SECTION` or `JABATAN_COMMON` goes either here or under a word of
`FEMALE_SHARE` (tests/ingest/admin/test_admin_wlkp.py), so none falls to the default unseen."""
COUNT_GROUPS = (
    ("workers_pkwtt_male", "workers_pkwtt_female"),
    ("workers_pkwt_male", "workers_pkwt_female"),
    ("workers_outsourced_male", "workers_outsourced_female"),
    ("foreign_workers_male", "foreign_workers_female"),
    ("bpjs_employment_participants", "bpjs_health_participants"),
    ("vacancies_male", "vacancies_female"),
    ("workers_total",),
)
DEFAULT_COLUMN_ORDER = tuple(IDENTITY_COLUMNS) + tuple(COUNT_COLUMNS)
BPS_AGGREGATES_DIR = DATA_DIR / "real" / "bps-labour-aggregates"
SECTOR_SERIES_FILE = BPS_AGGREGATES_DIR / "ier_employment-sector_cleaned.csv"
SECTOR_TARGET_ROUND = "2019-08-01"
"""August, Sakernas's large round, of 2019, the last before the pandemic moved workers into
agriculture (data/reference/calibration/PROVENANCE.md)."""
SECTOR_SECTIONS_FILE = DATA_DIR / "reference" / "calibration" / "bps_sector17_kbli_sections.csv"
NON_COMPANY_SECTIONS = frozenset({"T", "U"})
"""KBLI sections of BPS's "Other" sector whose employers file no company report: households as
employers (T: domestic workers) and extraterritorial organisations (U)."""


@dataclass(frozen=True)
class SectorTargets:
    """The published sector mix the synthetic workforce is drawn to.

    `by_sector` holds BPS's 17-sector shares of employed persons in `SECTOR_TARGET_ROUND` over
    the sectors whose employers report to WLKP, renormalised to 1; `by_section` spreads each
    sector's share evenly over the KBLI sections it covers (BPS publishes no split within
    "Corporate service" M+N or "Other" R to U; T and U are left out, `NON_COMPANY_SECTIONS`).
    Both are read-only: `sector_targets` is cached, so every caller gets the same object.
    """

    by_sector: Mapping[str, float]
    sector_of_section: Mapping[str, str]

    @property
    def by_section(self) -> dict[str, float]:
        sections: dict[str, float] = {}
        for sector, share in self.by_sector.items():
            covered = [s for s, owner in self.sector_of_section.items() if owner == sector]
            for section in covered:
                sections[section] = share / len(covered)
        return sections


@lru_cache(maxsize=1)
def sector_targets(
    series: Path = SECTOR_SERIES_FILE,
    sections: Path = SECTOR_SECTIONS_FILE,
    period: str = SECTOR_TARGET_ROUND,
) -> SectorTargets:
    """Read the sector targets; public administration (no company reports WLKP) is left out."""
    sector_of_section: dict[str, str] = {}
    reporting: set[str] = set()
    with open(sections, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["reports_wlkp"] == "true":
                reporting.add(row["bps_sector"])
                for section in row["kbli_sections"].split(";"):
                    if section not in NON_COMPANY_SECTIONS:
                        sector_of_section[section] = row["bps_sector"]
    with open(series, encoding="utf-8") as handle:
        workers = {
            row["sector"]: float(row["workers"])
            for row in csv.DictReader(handle)
            if row["date"] == period and row["sector"] in reporting
        }
    if set(workers) != reporting:
        raise ValueError(f"{series}: no {period} figure for {sorted(reporting - set(workers))}")
    total = sum(workers.values())
    return SectorTargets(
        MappingProxyType({k: v / total for k, v in workers.items()}),
        MappingProxyType(sector_of_section),
    )


def log_largest_gap(what: str, counts: Mapping[str, int], targets: Mapping[str, float]) -> None:
    """Log where a sample's shares stray furthest from their targets, with the counts, so a run
    shows how close the calibration came (the tests bound it; this says it for every file)."""
    total = sum(counts.values())
    if not total:
        return
    worst = max(targets, key=lambda key: abs(counts.get(key, 0) / total - targets[key]))
    log.info(
        "%s: largest gap to target %+.2f points at %s (%d of %d, target %.2f %%)",
        what,
        (counts.get(worst, 0) / total - targets[worst]) * 100,
        worst,
        counts.get(worst, 0),
        total,
        targets[worst] * 100,
    )


def _calibrated_section(
    targets: dict[str, float], placed: dict[str, int], size: int, rng: random.Random
) -> str:
    """A section for the next company of `size` workers, drawn by how far each section's
    workforce is below its target share once this company is counted.

    A section's weight is that room, scaled down where the company does not fit in it: one
    large company in a small sector would otherwise overshoot its share for hundreds of
    companies after. Depends only on the companies drawn before, so the first n companies of a
    longer run are the n companies of a shorter one (the AK1 generator relies on that to join
    its placements to the WLKP companies).
    """
    after = sum(placed.values()) + size
    room = [max(share * after - placed[section], 0.0) for section, share in targets.items()]
    weights = [r * min(1.0, r / size) for r in room]
    return rng.choices(list(targets), weights if sum(weights) > 0 else list(targets.values()))[0]


@dataclass(frozen=True)
class _Reference:
    regencies: list[Any]
    weights: list[float]
    districts: dict[str, list[tuple[str, str]]]
    """Kemendagri regency code -> [(6-digit district code, district name)]."""
    kbli_by_section: dict[str, list[str]]


@lru_cache(maxsize=2)
def load_synthetic_reference(index: RegionIndex) -> _Reference:
    """Regencies weighted by population, their districts, and KBLI classes by section."""
    wilayah = DATA_DIR / "reference" / "wilayah"
    population: dict[str, float] = {}
    with open(wilayah / "kemendagri_2025_penduduk_luas.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "2":
                population[row["kode_kemendagri"].replace(".", "")] = float(row["penduduk_total"])
    districts: dict[str, list[tuple[str, str]]] = {}
    with gzip.open(wilayah / "kemendagri_2025_wilayah_all_levels.csv.gz", "rt") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "3":
                districts.setdefault(row["parent_code"].replace(".", ""), []).append(
                    (row["kode_kemendagri"].replace(".", ""), row["nama"])
                )
    kbli: dict[str, list[str]] = {}
    with open(DATA_DIR / "reference" / "kbli2020" / "kbli2020_structure.csv") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "5":
                kbli.setdefault(row["section"], []).append(row["kbli_code"])
    regencies = index.regencies
    # Cities host more reporting companies than their population alone suggests.
    weights = [
        population.get(r.regency_code_kemendagri, 50_000.0)
        * (2.5 if r.regency_kind == "Kota" else 1)
        for r in regencies
    ]
    return _Reference(regencies, weights, districts, kbli)


def _split(total: int, female_share: float, rng: random.Random) -> tuple[int, int]:
    """(men, women) out of `total`; small counts drawn person by person, large ones around the
    expected share."""
    if total < 60:
        women = sum(1 for _ in range(total) if rng.random() < female_share)
    else:
        women = round(total * min(max(rng.gauss(female_share, 0.05), 0), 1))
    return total - women, women


def _female_share(title: str) -> float:
    lowered = title.lower()
    for word, share in FEMALE_SHARE.items():
        if word in lowered:
            return share
    return DEFAULT_FEMALE_SHARE


def _company_size(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.40:
        return rng.randint(3, 9)
    if band < 0.75:
        return rng.randint(10, 49)
    if band < 0.95:
        return rng.randint(50, 249)
    return int(rng.lognormvariate(6.2, 0.8)) + 250


def _person_name(rng: random.Random) -> str:
    given = rng.choice(vocab.MALE_NAMES + vocab.FEMALE_NAMES)
    return f"{given} {rng.choice(vocab.FAMILY_NAMES)}"


def synthetic_phone(rng: random.Random) -> str:
    """A mobile-shaped number with a 0000 block, so it cannot be a real subscriber's."""
    return f"08{rng.randint(11, 59)}-0000-{rng.randint(0, 9999):04d}"


def generate_wlkp_rows(
    companies: int,
    year: int = 2025,
    months: Sequence[int] = (1, 2, 3, 4, 5, 6),
    seed: int = 4,
    index: RegionIndex | None = None,
    start_sequence: int = 1,
) -> list[dict[str, Any]]:
    """Detail rows (one per company × jabatan) with true values; dates are `datetime.date`."""
    rng = random.Random(seed)
    reference = load_synthetic_reference(index or region_index())
    calibration = sector_targets()
    targets = calibration.by_section
    placed = dict.fromkeys(targets, 0)
    rows: list[dict[str, Any]] = []
    for sequence in range(start_sequence, start_sequence + companies):
        regency = rng.choices(reference.regencies, reference.weights)[0]
        capital = rng.choice(vocab.CAPITAL_STATUS)
        size = _company_size(rng) * (3 if capital in {"PMA", "BUMN"} else 1)
        section = _calibrated_section(targets, placed, size, rng)
        kbli = rng.choice(reference.kbli_by_section[section])
        form = rng.choice(vocab.COMPANY_FORMS)
        words = rng.sample(vocab.COMPANY_WORDS, 2 if form != "Koperasi" else 1)
        name = f"{form} {' '.join(words)}" + (f" {regency.regency_name.split()[-1]}" if
                                              rng.random() < 0.3 else "")  # fmt: skip
        founded = dt.date(rng.randint(1975, year - 1), rng.randint(1, 12), rng.randint(1, 28))
        month = rng.choice(list(months))
        reported = dt.date(year, month, rng.randint(1, 28))
        _, district = rng.choice(
            reference.districts.get(regency.regency_code_kemendagri, [("", "-")])
        )
        manager = _person_name(rng)
        email_user = manager.lower().replace(" ", ".")
        titles = list(vocab.JABATAN_BY_SECTION.get(section, ())) + list(vocab.JABATAN_COMMON)
        n_titles = min(len(titles), 2 + min(size // 15, 8) + rng.randint(0, 1))
        # Core jabatan of the sector first: they take the largest share of the workforce.
        chosen = rng.sample(titles[: max(3, len(titles) - len(vocab.JABATAN_COMMON))], 1)
        chosen += rng.sample([t for t in titles if t not in chosen], n_titles - 1)
        shares = [rng.random() ** 2 for _ in chosen]
        shares[0] += 1.5
        heads = [max(1, round(size * s / sum(shares))) for s in shares]
        company = {
            "wlkp_company_id": f"{regency.regency_code_kemendagri}.{founded.year}.{sequence:06d}",
            "company_name": name,
            "nib": f"{rng.choice('89')}{rng.randint(10**11, 10**12 - 1)}",
            "kbli_code": kbli,
            "capital_status": capital,
            "company_address": f"{rng.choice(vocab.STREETS)} No. {rng.randint(1, 250)}, "
            f"Kec. {district}",
            "regency_name": regency.regency_name.replace("Kabupaten ", "KAB. ")
            .replace("Kota Administrasi ", "KOTA ADM. ")
            .upper(),  # fmt: skip
            "province_name": regency.province_name.upper(),
            "province_code_kemendagri": regency.province_code_kemendagri,
            "manager_name": manager,
            "company_phone": synthetic_phone(rng),
            "company_email": f"{email_user}{rng.randint(1, 99)}@example.com",
            "founded_date": founded,
            "reported_date": reported,
        }
        outsourcing = section == "N" or (size > 100 and rng.random() < 0.3)
        for title, head in zip(chosen, heads, strict=True):
            female = _female_share(title)
            permanent = round(head * rng.uniform(0.3, 0.95))
            outsourced = round((head - permanent) * rng.uniform(0.2, 0.7)) if outsourcing else 0
            fixed_term = head - permanent - outsourced
            foreign = (
                rng.randint(1, 3)
                if capital == "PMA" and rng.random() < 0.15 and title[0] in "DGMSE"
                else 0
            )
            pkwtt = _split(permanent, female, rng)
            pkwt = _split(fixed_term, female, rng)
            outs = _split(outsourced, female, rng)
            tka = _split(foreign, 0.15, rng)  # foreign workers are mostly men
            total = head + foreign
            wants = rng.randint(1, 5) if rng.random() < 0.2 else 0
            vacancies = _split(wants, female, rng)
            rows.append({
                **company,
                "jabatan_title": title,
                "workers_pkwtt_male": pkwtt[0], "workers_pkwtt_female": pkwtt[1],
                "workers_pkwt_male": pkwt[0], "workers_pkwt_female": pkwt[1],
                "workers_outsourced_male": outs[0], "workers_outsourced_female": outs[1],
                "foreign_workers_male": tka[0], "foreign_workers_female": tka[1],
                "bpjs_employment_participants": round(total * rng.uniform(0.55, 1.0)),
                "bpjs_health_participants": round(total * rng.uniform(0.7, 1.0)),
                "vacancies_male": vacancies[0], "vacancies_female": vacancies[1],
                "workers_total": total,
            })  # fmt: skip
            placed[section] += total
    rows.sort(key=lambda r: (r["province_code_kemendagri"], r["wlkp_company_id"]))
    log.info("generated %d WLKP detail rows for %d synthetic companies", len(rows), companies)
    by_sector: dict[str, int] = {}
    for section, count in placed.items():
        sector = calibration.sector_of_section[section]
        by_sector[sector] = by_sector.get(sector, 0) + count
    log_largest_gap("WLKP workers by BPS sector", by_sector, calibration.by_sector)
    return rows


# -- writing ---------------------------------------------------------------------------------


def shuffled_column_order(rng: random.Random) -> list[str]:
    """Identity columns in another order and count groups in another order (groups intact)."""
    identity = list(IDENTITY_COLUMNS[1:])
    rng.shuffle(identity)
    groups = list(COUNT_GROUPS)
    rng.shuffle(groups)
    return ["row_number", *identity, *[c for group in groups for c in group]]


def title_block(period: dt.date, downloaded: dt.date) -> list[str]:
    month = MONTH_NAMES_ID[period.month - 1]
    return [
        "LAPORAN WAJIB LAPOR KETENAGAKERJAAN DI PERUSAHAAN (WLKP)",
        "REKAPITULASI TENAGA KERJA PER PERUSAHAAN DAN JABATAN",
        f"Periode Pelaporan: {month} {period.year}",
        f"Tanggal Unduh: {downloaded:%d/%m/%Y} 08:15",
        SYNTHETIC_MARK,
    ]


def _typed_date(value: dt.date, style: str) -> object:
    if style == "date":
        return value
    if style == "serial":
        return (value - EXCEL_EPOCH).days
    if style == "iso":
        return value.isoformat()
    if style == "long":
        return f"{value.day} {MONTH_NAMES_ID[value.month - 1]} {value.year}"
    return f"{value:%d/%m/%Y}"


def _date_styles(rng: random.Random, file_format: str) -> tuple[str, str]:
    """(founded style, reported style) for one company: how its rows were typed or pasted."""
    if file_format == "xlsx":
        founded = rng.choices(["date", "serial", "text", "long"], [60, 25, 10, 5])[0]
        reported = rng.choices(["date", "text"], [70, 30])[0]
    else:
        founded = rng.choices(["text", "iso", "serial", "long"], [55, 15, 15, 15])[0]
        reported = rng.choices(["text", "long"], [80, 20])[0]
    return founded, reported


@dataclass
class _Layout:
    """Rows of one export as values, plus the merges an xlsx writer should apply."""

    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]]  # (first row, first col, last row, last col), 1-based
    header_row: int
    detail_rows: int
    subtotal_rows: int


def _layout(
    rows: list[dict[str, Any]],
    period: dt.date,
    columns: list[str],
    file_format: str,
    seed: int,
    extra_title_lines: Sequence[str] = (),
    thousands: str = "",
) -> _Layout:
    rng = random.Random(seed)
    width = len(columns)
    position = {name: i for i, name in enumerate(columns)}
    out: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []
    for line in [*title_block(period, period + dt.timedelta(days=35)), *extra_title_lines]:
        out.append([line] + [None] * (width - 1))
    out.append([None] * width)
    header_row = len(out) + 1
    top, bottom = [None] * width, [None] * width
    previous_group = None
    for i, name in enumerate(columns):
        group, sub = HEADER_LABELS[name]
        if sub is None:
            top[i] = group
            merges.append((header_row, i + 1, header_row + 1, i + 1))
            previous_group = None
        else:
            if group != previous_group:
                top[i] = group
                span = sum(1 for c in columns if HEADER_LABELS[c][0] == group)
                merges.append((header_row, i + 1, header_row, i + span))
            bottom[i] = sub
            previous_group = group
    out += [top, bottom]
    identity_width = sum(1 for c in columns if c in IDENTITY_COLUMNS)

    def number(value: int) -> object:
        if file_format == "xlsx" or not thousands or value < 1000:
            return value
        return f"{value:,}".replace(",", thousands)

    def total_row(label: str, sums: dict[str, int]) -> list[object]:
        line: list[object] = [None] * width
        line[0] = label
        for name in COUNT_COLUMNS:
            line[position[name]] = number(sums[name])
        merges.append((len(out) + 1, 1, len(out) + 1, identity_width))
        return line

    grand = dict.fromkeys(COUNT_COLUMNS, 0)
    block = dict.fromkeys(COUNT_COLUMNS, 0)
    company_number = 0
    subtotals = 0
    current_company = None
    company_start = 0
    styles = ("date", "date")
    for index, row in enumerate(rows):
        if row["wlkp_company_id"] != current_company:
            if current_company is not None and len(out) > company_start:
                _merge_company(merges, company_start, len(out), columns)
            current_company = row["wlkp_company_id"]
            company_number += 1
            company_start = len(out) + 1
            styles = _date_styles(rng, file_format)
            first = True
        else:
            first = False
        line: list[object] = [None] * width
        for name in columns:
            if name == "row_number":
                value: object = company_number if first else None
            elif name in COMPANY_COLUMNS and not first:
                value = None
            elif name == "founded_date":
                value = _typed_date(row[name], styles[0])
            elif name == "reported_date":
                value = _typed_date(row[name], styles[1])
            elif name in COUNT_COLUMNS:
                value = number(row[name])
            else:
                value = row[name]
            line[position[name]] = value
        out.append(line)
        for name in COUNT_COLUMNS:
            block[name] += row[name]
            grand[name] += row[name]
        next_row = rows[index + 1] if index + 1 < len(rows) else None
        if next_row is None or next_row["province_name"] != row["province_name"]:
            _merge_company(merges, company_start, len(out), columns)
            current_company = None
            out.append(total_row(f"JUMLAH PROVINSI {row['province_name']}", block))
            subtotals += 1
            block = dict.fromkeys(COUNT_COLUMNS, 0)
    out.append(total_row("JUMLAH TOTAL", grand))
    out.append([None] * width)
    for note in FOOTNOTES:
        out.append([note] + [None] * (width - 1))
    return _Layout(out, merges, header_row, len(rows), subtotals)


def _merge_company(
    merges: list[tuple[int, int, int, int]], first: int, last: int, columns: list[str]
) -> None:
    if last <= first:
        return
    for i, name in enumerate(columns):
        if name == "row_number" or name in COMPANY_COLUMNS:
            merges.append((first, i + 1, last, i + 1))


def write_wlkp_export(
    rows: list[dict[str, Any]],
    path: Path,
    period: dt.date,
    *,
    columns: Sequence[str] = DEFAULT_COLUMN_ORDER,
    seed: int = 0,
    delimiter: str = ";",
    encoding: str = "utf-8",
    extra_title_lines: Sequence[str] = (),
    sheet_name: str = "Rekap WLKP",
) -> dict[str, Any]:
    """Write one export (xlsx or csv by suffix); return what was written, for the manifest."""
    file_format = path.suffix.lstrip(".").lower()
    if file_format not in {"xlsx", "csv"}:
        raise ValueError(f"{path}: write .xlsx or .csv")
    thousands = "." if delimiter == ";" else ""
    layout = _layout(rows, period, list(columns), file_format, seed, extra_title_lines, thousands)
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "xlsx":
        _write_xlsx(layout, path, sheet_name)
    else:
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            for line in layout.rows:
                writer.writerow(["" if v is None else v for v in line])
    totals = {name: sum(r[name] for r in rows) for name in COUNT_COLUMNS}
    return {
        "file": path.name,
        "period": period.isoformat(),
        "format": file_format,
        "delimiter": delimiter if file_format == "csv" else None,
        "encoding": encoding if file_format == "csv" else None,
        "columns": list(columns),
        "header_row": layout.header_row,
        "detail_rows": layout.detail_rows,
        "subtotal_rows": layout.subtotal_rows,
        "companies": len({r["wlkp_company_id"] for r in rows}),
        "totals": totals,
    }


def _write_xlsx(layout: _Layout, path: Path, sheet_name: str) -> None:
    # Imported here: the AK1 landing imports this module's generator helpers, and every process
    # that loads the Dagster definitions would otherwise import openpyxl too (a night that writes
    # no workbook never needs it).
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    # Write-only mode streams rows (100,000 rows in bounded memory); merged ranges are added to
    # the sheet's range list, which openpyxl writes after the rows.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_rows = {layout.header_row, layout.header_row + 1}
    for number, line in enumerate(layout.rows, start=1):
        if number in header_rows or number < layout.header_row - 1:
            cells = []
            for value in line:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                if number in header_rows:
                    cell.alignment = centred
                cells.append(cell)
            sheet.append(cells)
            continue
        cells = []
        for value in line:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    # Built in one go: MultiCellRange.add checks overlap against every range, O(n²) here.
    sheet.merged_cells = MultiCellRange(
        CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row)
        for first_row, first_col, last_row, last_col in layout.merges
        if (first_row, first_col) != (last_row, last_col)
    )
    workbook.save(path)


def generate_wlkp_exports(
    out_dir: Path,
    companies: int = 3000,
    year: int = 2025,
    months: Sequence[int] = (1, 2, 3, 4, 5, 6),
    seed: int = 4,
    formats: Sequence[str] = ("xlsx", "csv"),
    reorder_every: int = 3,
) -> dict[str, Any]:
    """Generate `companies` synthetic companies and write one export per reporting month.

    Formats alternate month by month; every `reorder_every`-th month has its columns in another
    order. Writes `wlkp_synthetic_manifest.json` with the true counts and returns it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = generate_wlkp_rows(companies, year, months, seed)
    rng = random.Random(seed + 1)
    files = []
    for position, month in enumerate(months):
        period = dt.date(year, month, 1)
        month_rows = [r for r in rows if r["reported_date"].month == month]
        file_format = formats[position % len(formats)]
        columns = (
            shuffled_column_order(rng)
            if reorder_every and position % reorder_every == reorder_every - 1
            else list(DEFAULT_COLUMN_ORDER)
        )
        delimiter = ";" if position % 4 < 2 else ","
        path = out_dir / f"wlkp_synthetic_{year}-{month:02d}.{file_format}"
        files.append(
            write_wlkp_export(
                month_rows, path, period, columns=columns, seed=seed + month, delimiter=delimiter
            )  # fmt: skip
        )
        log.info("wrote %s: %d detail rows", path.name, files[-1]["detail_rows"])
    manifest = {
        "synthetic": True,
        "description": "Synthetic WLKP exports made by `lmis admin generate-wlkp`; not real data.",
        "generator": "ingest.admin.wlkp_generate.generate_wlkp_exports",
        "companies": companies,
        "seed": seed,
        "detail_rows": len(rows),
        "files": files,
    }
    (out_dir / "wlkp_synthetic_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
