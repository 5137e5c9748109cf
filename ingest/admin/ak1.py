"""AK1 job-seeker register and placement exports: a synthetic generator and the reader.

AK1 (Kartu Tanda Bukti Pendaftaran Pencari Kerja, the "kartu kuning") is the card a job seeker
gets on registering with the public employment service; Karirhub profiles carry the same fields.
No public export exists, so `generate_ak1_exports` writes realistic ones: the register (identity,
contact, education, skills, desired jabatan and place, registration and expiry dates) and the
placements (who was placed where, by which company, through which route: AKL local, AKAD
another region, AKAN abroad). Placements go to companies of the synthetic WLKP set made with the
same seed, so the two sources join. Like real exports made in Excel, a small share of rows carries
the classic faults: a NIK turned into 3.20101E+15, a NIK with a digit missing, 31/02 as a date.

The reader pseudonymises NIK and the AK1 number at landing (HMAC-SHA256, see `pseudonymise.py`),
so no raw frame holds them; names, phones, e-mails, addresses, birth data and religion stay in
the raw frame only (quarantine shows them as removed); staging keeps birth year and age instead
of the birth date. A row's own name, address, birth date and contacts typed into its free text
(a name in `disability`) are removed from the staged text too (`OWN_VALUE_COLUMNS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import random
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from ingest.admin import vocabulary as vocab
from ingest.admin.dates import DateParseError, parse_date
from ingest.admin.personal_data import without_own_values
from ingest.admin.pseudonymise import PseudonymKey, load_pseudonym_key, pseudonymise
from ingest.admin.regions import RESOLUTION_COLUMNS, RegionIndex, region_index
from ingest.admin.results import AdminLoad, AdminSourceError, problems_record, quarantine_frame
from ingest.admin.text import clean_text
from ingest.admin.wlkp_generate import (
    generate_wlkp_rows,
    load_synthetic_reference,
    log_largest_gap,
    synthetic_phone,
)
from ingest.csv_records import CsvInputError, read_records
from ingest.normalise.pay import is_negative_pay
from ingest.quarantine import field_count_detail, negative_pay_detail
from ingest.sakernas.calibration import published_tpt
from orchestration.settings import DATA_DIR

log = logging.getLogger(__name__)

# (canonical name, header label in the export)
JOB_SEEKER_COLUMNS = (
    ("registration_number", "No. Pendaftaran AK1"),
    ("nik", "NIK"),
    ("full_name", "Nama Lengkap"),
    ("birth_place", "Tempat Lahir"),
    ("birth_date", "Tanggal Lahir"),
    ("sex", "Jenis Kelamin"),
    ("marital_status", "Status Perkawinan"),
    ("religion", "Agama"),
    ("address", "Alamat"),
    ("regency_name", "Kabupaten/Kota"),
    ("province_name", "Provinsi"),
    ("phone", "No. HP"),
    ("email", "Email"),
    ("education_level", "Pendidikan Terakhir"),
    ("education_major", "Jurusan"),
    ("graduation_year", "Tahun Lulus"),
    ("skills", "Keterampilan"),
    ("desired_jabatan", "Jabatan yang Diinginkan"),
    ("desired_location", "Lokasi Kerja yang Diinginkan"),
    ("disability", "Disabilitas"),
    ("registered_date", "Tanggal Pendaftaran"),
    ("valid_until_date", "Berlaku Sampai"),
    ("register_status", "Status"),
)
PLACEMENT_COLUMNS = (
    ("registration_number", "No. Pendaftaran AK1"),
    ("nik", "NIK"),
    ("full_name", "Nama Lengkap"),
    ("placement_date", "Tanggal Penempatan"),
    ("employer_name", "Nama Perusahaan"),
    ("wlkp_company_id", "No. Pendaftaran WLKP"),
    ("jabatan_title", "Jabatan"),
    ("regency_name", "Kabupaten/Kota Penempatan"),
    ("province_name", "Provinsi Penempatan"),
    ("placement_kind", "Jenis Penempatan"),
    ("destination_country", "Negara Tujuan"),
    ("vacancy_source", "Sumber Lowongan"),
    ("wage_monthly", "Upah per Bulan (Rp)"),
)
PERSONAL_COLUMNS = (
    "full_name", "birth_place", "birth_date", "religion", "address", "phone", "email",
)  # fmt: skip
"""Kept in the raw frame only, shown as removed in quarantine (NIK and the AK1 number are
pseudonymised before either)."""
OWN_VALUE_COLUMNS = ("full_name", "address", "birth_date", "phone", "email", "nik",
                     "registration_number")  # fmt: skip
"""A row's values removed wherever its free text repeats them (`_without_own_values`): a name or
an address has no pattern to mask. Not birth place or religion, which name places and faiths that
job titles and desired locations name too."""
JOB_SEEKER_FREE_TEXT = (
    "marital_status", "education_level", "education_major", "skills", "desired_jabatan_title",
    "desired_location", "disability", "register_status",
)  # fmt: skip
PLACEMENT_FREE_TEXT = ("employer_name", "jabatan_title", "destination_country", "vacancy_source")
"""The staged columns typed by hand (checked by `_without_own_values`); the rest are keys,
codes, dates and the register's own region names."""
IDENTIFIER_COLUMNS = {"nik": "nik", "registration_number": "ak1"}
"""Columns replaced by their keyed hash at landing, with the hash domain of each."""
NIK_SHAPE = re.compile(r"\d{16}")
VACANCY_SOURCES = ("Karirhub", "Karirhub", "Bursa Kerja Khusus", "Job Fair", "Disnaker", "Mandiri")
DESTINATIONS = ("Malaysia", "Taiwan", "Hong Kong", "Korea Selatan", "Jepang", "Arab Saudi")
UNEMPLOYMENT_TARGET_ROUND = "2024-08"
"""The latest round with a published rate for all 38 provinces."""
POPULATION_FILE = Path("reference") / "wilayah" / "kemendagri_2025_penduduk_luas.csv"
"""The population by province, under the data folder."""


# -- generator -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def job_seeker_province_targets(
    index: RegionIndex | None = None,
    period: str = UNEMPLOYMENT_TARGET_ROUND,
    data_dir: Path = DATA_DIR,
) -> Mapping[str, float]:
    """Kemendagri province code -> the share of job seekers registered there (read-only: the
    result is cached and shared).

    The unemployed of a province are its published open unemployment rate (BPS, August 2024,
    `ingest.sakernas.calibration.published_tpt`) times its population (Kemendagri 2025): no
    published labour force by province is in the repository, so participation is taken as
    equal everywhere. Provinces are matched through the BPS code of the regions reference. Both
    figures are read under `data_dir`, so a test's folder supplies both or neither.
    """
    people: dict[str, float] = {}
    with open(data_dir / POPULATION_FILE, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "1":
                people[row["kode_kemendagri"]] = float(row["penduduk_total"])
    rates = dict(
        published_tpt(data_dir)
        .filter(pl.col("period") == period)
        .select("province_code", "tpt_published")
        .iter_rows()
    )
    regencies = (index or region_index()).regencies
    bps_code = {r.province_code_kemendagri: r.province_code_bps for r in regencies}
    missing = sorted(code for code in people if bps_code.get(code) not in rates)
    if missing:
        raise ValueError(f"no published {period} unemployment rate for provinces {missing}")
    # In BPS code order (the order draws are made in), so a seed gives the same job seekers
    # whichever numbering the population file uses.
    unemployed = {
        code: rates[bps_code[code]] / 100 * people[code]
        for code in sorted(people, key=lambda code: bps_code[code])
    }
    total = sum(unemployed.values())
    return MappingProxyType({code: count / total for code, count in unemployed.items()})


def _nik(district_code: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district_code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def _excel_mangled(nik: str) -> str:
    """What Excel shows for a 16-digit number in a General cell: 3.20101E+15."""
    return f"{float(nik):.5E}"


def generate_ak1_records(
    job_seekers: int,
    year: int = 2025,
    months: Sequence[int] = (1, 2, 3, 4, 5, 6),
    seed: int = 4,
    placement_rate: float = 0.22,
    defect_rate: float = 0.01,
    companies: int = 600,
    index: RegionIndex | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(register rows, placement rows, injected defects by kind) with export-ready text values."""
    rng = random.Random(seed)
    index = index or region_index()
    reference = load_synthetic_reference(index)
    company_rows = generate_wlkp_rows(companies, year, months, seed, index)
    jobs_by_province: dict[str, list[dict[str, Any]]] = {}
    for row in company_rows:
        jobs_by_province.setdefault(row["province_code_kemendagri"], []).append(row)
    all_jobs = company_rows
    titles = sorted({row["jabatan_title"] for row in company_rows})
    levels = [level for level, _ in vocab.EDUCATION_LEVELS]
    level_weights = [weight for _, weight in vocab.EDUCATION_LEVELS]
    defects: dict[str, int] = {}
    seekers: list[dict[str, Any]] = []
    placements: list[dict[str, Any]] = []
    last_day = dt.date(year, max(months), 28)
    # Province by the published unemployment, then a regency of it by population (cities up).
    targets = job_seeker_province_targets(index)
    regencies: dict[str, tuple[list[Any], list[float]]] = {}
    for regency, weight in zip(reference.regencies, reference.weights, strict=True):
        pair = regencies.setdefault(regency.province_code_kemendagri, ([], []))
        pair[0].append(regency)
        pair[1].append(weight)
    provinces = [code for code in targets if code in regencies]
    if len(provinces) < len(targets):
        # The regions reference lacks a province the population file has: its job seekers go
        # to the other provinces in proportion, so every share there is a little too high.
        log.warning(
            "AK1: no regency for provinces %s (%.2f %% of the target job seekers); their share "
            "is spread over the other provinces",
            sorted(set(targets) - set(provinces)),
            sum(share for code, share in targets.items() if code not in regencies) * 100,
        )
    province_weights = [targets[code] for code in provinces]
    province_counts = dict.fromkeys(targets, 0)
    for sequence in range(1, job_seekers + 1):
        province = rng.choices(provinces, province_weights)[0]
        province_counts[province] += 1
        in_province = regencies[province]
        regency = rng.choices(*in_province)[0]
        district_code, district = rng.choice(
            reference.districts.get(regency.regency_code_kemendagri, [("000000", "-")])
        )
        female = rng.random() < 0.47
        given = rng.choice(vocab.FEMALE_NAMES if female else vocab.MALE_NAMES)
        name = f"{given} {rng.choice(vocab.FAMILY_NAMES)}"
        registered = dt.date(year, rng.choice(list(months)), rng.randint(1, 28))
        age = max(16, min(59, int(rng.gauss(26, 7))))
        birth = dt.date(registered.year - age, rng.randint(1, 12), rng.randint(1, 28))
        nik = _nik(district_code, birth, female, rng.randint(1, 4999))
        level = rng.choices(levels, level_weights)[0]
        major = rng.choice(vocab.MAJORS_BY_LEVEL.get(level, ("",)))
        graduated = min(registered.year, birth.year + 18 + rng.randint(0, 6))
        number = f"AK1/{regency.regency_code_kemendagri}/{registered:%Y%m}/{sequence:06d}"
        seeker = {
            "registration_number": number,
            "nik": nik,
            "full_name": name,
            "birth_place": re.sub(r"^(Kabupaten|Kota)( Administrasi)? ", "", regency.regency_name),
            "birth_date": f"{birth:%d/%m/%Y}",
            "sex": "Perempuan" if female else "Laki-laki",
            "marital_status": rng.choice(vocab.MARITAL_STATUS) if age > 20 else "Belum Kawin",
            "religion": rng.choice(vocab.RELIGIONS),
            "address": f"{rng.choice(vocab.STREETS)} No. {rng.randint(1, 120)} RT "
            f"{rng.randint(1, 12):03d}/RW {rng.randint(1, 9):03d}, Kec. {district}",
            "regency_name": regency.regency_name.upper(),
            "province_name": regency.province_name.upper(),
            "phone": synthetic_phone(rng),
            "email": f"{name.lower().replace(' ', '')}{rng.randint(1, 999)}@example.org",
            "education_level": level,
            "education_major": major,
            "graduation_year": str(graduated),
            "skills": "; ".join(rng.sample(vocab.SKILLS, rng.randint(1, 3))),
            "desired_jabatan": rng.choice(titles),
            "desired_location": rng.choice([regency.regency_name.upper(), "Bebas"]),
            "disability": rng.choice(vocab.DISABILITY) or "",
            "registered_date": f"{registered:%d/%m/%Y}",
            "valid_until_date": f"{registered.replace(year=registered.year + 2):%d/%m/%Y}",
            "register_status": "Aktif",
        }
        if rng.random() < placement_rate:
            kind = rng.choices(*zip(*vocab.PLACEMENT_KINDS, strict=True))[0]
            local = jobs_by_province.get(regency.province_code_kemendagri) or all_jobs
            job = rng.choice(local if kind == "AKL" else all_jobs)
            placed = registered + dt.timedelta(days=rng.randint(7, 120))
            if placed <= last_day:
                seeker["register_status"] = "Ditempatkan"
                abroad = kind == "AKAN"
                wage = int(rng.lognormvariate(15.2, 0.35)) // 50_000 * 50_000
                placements.append({
                    "registration_number": number, "nik": nik, "full_name": name,
                    "placement_date": f"{placed:%d/%m/%Y}",
                    "employer_name": job["company_name"] if not abroad else "",
                    "wlkp_company_id": job["wlkp_company_id"] if not abroad else "",
                    "jabatan_title": job["jabatan_title"],
                    "regency_name": job["regency_name"] if not abroad else "",
                    "province_name": job["province_name"] if not abroad else "",
                    "placement_kind": kind,
                    "destination_country": rng.choice(DESTINATIONS) if abroad else "",
                    "vacancy_source": rng.choice(VACANCY_SOURCES),
                    "wage_monthly": str(wage),
                })  # fmt: skip
        if rng.random() < defect_rate:
            kind = rng.choice(["nik_scientific", "nik_wrong_length", "impossible_date"])
            if kind == "nik_scientific":
                seeker["nik"] = _excel_mangled(nik)
            elif kind == "nik_wrong_length":
                seeker["nik"] = nik[:-1]
            else:
                seeker["birth_date"] = f"31/02/{birth.year}"
            defects[kind] = defects.get(kind, 0) + 1
        seekers.append(seeker)
    log.info(
        "generated %d synthetic AK1 registrations, %d placements, %d injected defects",
        len(seekers), len(placements), sum(defects.values()),
    )  # fmt: skip
    log_largest_gap("AK1 job seekers by Kemendagri province", province_counts, targets)
    return seekers, placements, defects


def _write_csv(path: Path, columns: Sequence[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([label for _, label in columns])
        for row in rows:
            writer.writerow([row[name] for name, _ in columns])


def generate_ak1_exports(
    out_dir: Path,
    job_seekers: int = 4000,
    year: int = 2025,
    months: Sequence[int] = (1, 2, 3, 4, 5, 6),
    seed: int = 4,
    defect_rate: float = 0.01,
) -> dict[str, Any]:
    """Write the register and placement exports and a manifest with the true counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seekers, placements, defects = generate_ak1_records(
        job_seekers, year, months, seed, defect_rate=defect_rate
    )
    register = out_dir / f"ak1_pencari_kerja_synthetic_{year}.csv"
    placed = out_dir / f"ak1_penempatan_synthetic_{year}.csv"
    _write_csv(register, JOB_SEEKER_COLUMNS, seekers)
    _write_csv(placed, PLACEMENT_COLUMNS, placements)
    manifest = {
        "synthetic": True,
        "description": "Synthetic AK1 register and placement exports made by "
        "`lmis admin generate-ak1`; names, NIKs, phones (with a 0000 block) and e-mails "
        "(example.org) are invented.",
        "seed": seed,
        "files": {
            register.name: {"rows": len(seekers), "injected_defects": defects},
            placed.name: {"rows": len(placements), "injected_defects": {}},
        },
    }
    (out_dir / "ak1_synthetic_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# -- reader ----------------------------------------------------------------------------------

JOB_SEEKER_SCHEMA: dict[str, pl.DataType] = {
    "job_seeker_id": pl.String(),
    "registration_id": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "sex": pl.String(),
    "birth_year": pl.Int64(),
    "age_at_registration": pl.Int64(),
    "marital_status": pl.String(),
    "education_level": pl.String(),
    "education_major": pl.String(),
    "graduation_year": pl.Int64(),
    "skills": pl.List(pl.String()),
    "desired_jabatan_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "desired_location": pl.String(),
    "disability": pl.String(),
    "has_disability": pl.Boolean(),
    "regency_name": pl.String(),
    "province_name": pl.String(),
    **RESOLUTION_COLUMNS,
    "registered_date": pl.Date(),
    "valid_until_date": pl.Date(),
    "register_status": pl.String(),
}
PLACEMENT_SCHEMA: dict[str, pl.DataType] = {
    "placement_id": pl.String(),
    "job_seeker_id": pl.String(),
    "registration_id": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "placement_date": pl.Date(),
    "employer_name": pl.String(),
    "wlkp_company_id": pl.String(),
    "jabatan_title": pl.String(),
    "kbji4": pl.String(),
    "is_occupation_coded": pl.Boolean(),
    "regency_name": pl.String(),
    "province_name": pl.String(),
    **RESOLUTION_COLUMNS,
    "placement_kind": pl.String(),
    "destination_country": pl.String(),
    "vacancy_source": pl.String(),
    "wage_monthly_idr": pl.Int64(),
}


def _nik_problem(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return "missing_nik", "no NIK"
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", value, re.IGNORECASE):
        return "nik_scientific_notation", (
            "NIK was stored as a number and shown in scientific notation; its last digits are "
            "lost — re-export the column as text"
        )
    if not NIK_SHAPE.fullmatch(value):
        return "nik_invalid", f"NIK has {len(re.sub(r'[^0-9]', '', value))} digits, not 16"
    return None


def _read_export(
    path: Path, columns: Sequence[tuple[str, str]], source: str
) -> tuple[list[tuple[int, dict[str, str | None], str | None]], list[str], list[str]]:
    """(file line, record, shape problem) of every data row, the header, and the record's names
    in file order.

    Rows are numbered by the line they start on (header = line 1), as every landing numbers
    them: an address with a line break makes a row span two lines. The shape problem is the
    `field_count` detail of a row with more or fewer fields than the header (an unquoted comma
    in a name), else None: its values sit under other columns' names.
    """
    try:
        records = read_records(path)
        _, header = next(records)
        by_label = {clean_text(label).lower(): i for i, label in enumerate(header) if label}
        positions = {}
        missing = []
        for name, label in columns:
            if label.lower() in by_label:
                positions[name] = by_label[label.lower()]
            else:
                missing.append(label)
        if missing:
            # Excel in an Indonesian locale saves "CSV" with semicolons: say so, not only what is
            # missing (every column, when the header reads as a few fields full of ';').
            hint = (
                "; the header is separated by ';': save the file as comma-separated CSV"
                if sum(label.count(";") for label in header) >= len(header)
                else ""
            )
            raise AdminSourceError(
                f"{path}: {source} header lacks column(s) {', '.join(missing)}{hint}"
            )
        rows = []
        for line, values in records:
            if not any(v.strip() for v in values):
                continue
            shape = None
            if len(values) != len(header):
                shape = field_count_detail(len(values), len(header))
            rows.append((line, {n: clean_text(values[p]) if p < len(values) else None
                                for n, p in positions.items()}, shape))  # fmt: skip
    except CsvInputError as exc:
        raise AdminSourceError(str(exc)) from exc
    return rows, header, sorted(positions, key=positions.__getitem__)


def _shifted_row(
    source: str, path: Path, line: int, detail: str, landed: dict[str, str | None], order
) -> dict:
    """The quarantine entry of a row whose values are shifted: any column may hold a name, an
    address or an e-mail, so every value is shown as removed."""
    return problems_record(
        source, path.name, line, [("*", "field_count", detail)], landed, order,
        personal=tuple(landed),
    )  # fmt: skip


def _landed(record: dict[str, str | None], key: PseudonymKey) -> dict[str, str | None]:
    """The record as it may be stored in the raw zone: identifiers replaced by their hash."""
    landed = dict(record)
    for name, kind in IDENTIFIER_COLUMNS.items():
        if name in landed:
            landed[f"{name}_pseudonym"] = pseudonymise(landed.pop(name), key, kind)
    return landed


# An "address" that is only a region's name ("Kabupaten Ende") names a place, not a person.
_REGION_ONLY = re.compile(r"(?i)\s*(?:kabupaten|kab\.?|kota|provinsi|prov\.?)\s+[^\d,;/]+")


def _own_values(record: dict[str, str | None]) -> list[str]:
    """The row's own personal values, less those that only name a place: the row's own region
    names and a bare region name (removing those would blot out `desired_location`)."""
    places = {
        (record.get(name) or "").strip().lower()
        for name in ("regency_name", "province_name", "birth_place")
    }
    return [
        value
        for name in OWN_VALUE_COLUMNS
        if (value := record.get(name))
        and value.strip().lower() not in places
        and not _REGION_ONLY.fullmatch(value)
    ]


def _without_own_values(
    staged: dict[str, Any], record: dict[str, str | None], free_text: Sequence[str]
) -> dict[str, Any]:
    """`staged` with the row's own personal values (`OWN_VALUE_COLUMNS`) removed from its
    `free_text` columns, such as a job seeker's name typed into `disability` or the address into
    `desired_location`. E-mails, phones and NIK-shaped numbers in any form, in any column, are
    masked later by `AdminLoad`."""
    own = _own_values(record)
    for name in free_text:
        value = staged[name]
        if isinstance(value, list):
            staged[name] = [without_own_values(item, own) for item in value]
        else:
            staged[name] = without_own_values(value, own)
    return staged


def _quarantined(landed: dict[str, str | None], record: dict[str, str | None]) -> dict:
    """`landed` as its quarantine entry shows it: the row's own personal values removed from its
    other values too (its personal fields themselves are shown as removed by name)."""
    own = _own_values(record)
    return {
        name: value if name in PERSONAL_COLUMNS else without_own_values(value, own)
        for name, value in landed.items()
    }


def _date(record: dict[str, str | None], name: str, problems: list[tuple[str, str, str]]):
    try:
        value, _ = parse_date(record.get(name))
        return value
    except DateParseError as exc:
        problems.append((name, "unreadable_date", str(exc)))
        return None


def read_ak1_job_seekers(
    path: Path, key: PseudonymKey | None = None, index: RegionIndex | None = None
) -> AdminLoad:
    """Read an AK1 register export; NIK and AK1 number are pseudonymised before landing."""
    key = key or load_pseudonym_key()
    index = index or region_index()
    rows, header, order = _read_export(path, JOB_SEEKER_COLUMNS, "AK1 register")
    raw_rows, staged, quarantine = [], [], []
    for number, record, shape in rows:
        landed = _landed(record, key)
        raw_rows.append({"source_file": path.name, "source_row": number, **landed})
        if shape:
            quarantine.append(_shifted_row("ak1_job_seekers", path, number, shape, landed, order))
            continue
        problems: list[tuple[str, str, str]] = []
        if problem := _nik_problem(record["nik"]):
            problems.append(("nik", *problem))
        birth = _date(record, "birth_date", problems)
        registered = _date(record, "registered_date", problems)
        valid_until = _date(record, "valid_until_date", problems)
        if registered is None and not any(p[0] == "registered_date" for p in problems):
            problems.append(("registered_date", "missing_registered_date", "no registration date"))
        if problems:
            quarantine.append(problems_record(
                "ak1_job_seekers", path.name, number, problems, _quarantined(landed, record), order,
                personal=PERSONAL_COLUMNS,
            ))  # fmt: skip
            continue
        region = index.by_name(record["regency_name"], record["province_name"])
        sex = {"laki-laki": "male", "l": "male", "perempuan": "female", "p": "female"}.get(
            (record["sex"] or "").lower()
        )
        age = None
        if birth and registered:
            age = registered.year - birth.year - ((registered.month, registered.day)
                                                  < (birth.month, birth.day))  # fmt: skip
        graduated = record["graduation_year"]
        staged.append(_without_own_values({
            "job_seeker_id": landed["nik_pseudonym"],
            "registration_id": landed["registration_number_pseudonym"],
            "source_file": path.name, "source_row": number,
            "sex": sex, "birth_year": birth.year if birth else None,
            "age_at_registration": age,
            "marital_status": record["marital_status"],
            "education_level": record["education_level"],
            "education_major": record["education_major"],
            "graduation_year": int(graduated) if graduated and graduated.isdigit() else None,
            "skills": [s.strip() for s in (record["skills"] or "").split(";") if s.strip()],
            "desired_jabatan_title": record["desired_jabatan"],
            "kbji4": None, "is_occupation_coded": False,
            "desired_location": record["desired_location"],
            "disability": record["disability"], "has_disability": bool(record["disability"]),
            "regency_name": record["regency_name"], "province_name": record["province_name"],
            **region.as_columns(),
            "registered_date": registered, "valid_until_date": valid_until,
            "register_status": record["register_status"],
        }, record, JOB_SEEKER_FREE_TEXT))  # fmt: skip
    return _finish(
        "ak1_job_seekers", path, header, raw_rows, staged, quarantine, JOB_SEEKER_SCHEMA, key
    )


_INT64_MAX = 2**63 - 1


def _whole_wage(text: str) -> bool:
    """A wage in whole rupiah that `wage_monthly_idr` (Int64) holds; `-0` is zero. Digits beyond
    it are unreadable, never cut to another number."""
    if re.fullmatch(r"-?[0-9]+", text) is None:
        return False
    # Python refuses to read more than 4,300 digits; no wage has more than 19.
    digits = text.lstrip("-").lstrip("0")
    return len(digits) <= 19 and int(digits or "0") <= _INT64_MAX


def read_ak1_placements(
    path: Path, key: PseudonymKey | None = None, index: RegionIndex | None = None
) -> AdminLoad:
    """Read an AK1 placement export; identifiers pseudonymised with the register's key, so
    `job_seeker_id` joins the two."""
    key = key or load_pseudonym_key()
    index = index or region_index()
    rows, header, order = _read_export(path, PLACEMENT_COLUMNS, "AK1 placement")
    raw_rows, staged, quarantine = [], [], []
    for number, record, shape in rows:
        landed = _landed(record, key)
        raw_rows.append({"source_file": path.name, "source_row": number, **landed})
        if shape:
            quarantine.append(_shifted_row("ak1_placements", path, number, shape, landed, order))
            continue
        problems: list[tuple[str, str, str]] = []
        if problem := _nik_problem(record["nik"]):
            problems.append(("nik", *problem))
        placed = _date(record, "placement_date", problems)
        if placed is None and not problems:
            problems.append(("placement_date", "missing_placement_date", "no placement date"))
        # The column is in rupiah; a clerk may still write the currency ("Rp 4.500.000").
        wage_text = re.sub(r"(?i)^\s*(?:rp\.?|idr)|[.\s]|,00$", "", record["wage_monthly"] or "")
        if wage_text and is_negative_pay(wage_text):
            # Decided and worded as the file commands and the vacancy landing: `-0` is zero.
            detail = negative_pay_detail(record["wage_monthly"])
            problems.append(("wage_monthly", "salary_negative", detail))
        elif (record["wage_monthly"] or "").strip() and not _whole_wage(wage_text):
            # Also a currency with no number ("Rp"): it says a wage was meant.
            problems.append(("wage_monthly", "unreadable_wage", f"{record['wage_monthly']!r}"))
        if problems:
            quarantine.append(problems_record(
                "ak1_placements", path.name, number, problems, _quarantined(landed, record), order,
                personal=PERSONAL_COLUMNS,
            ))  # fmt: skip
            continue
        abroad = record["placement_kind"] == "AKAN"
        region = index.by_name(record["regency_name"], record["province_name"])
        staged.append(_without_own_values({
            "placement_id": pseudonymise(
                f"{record['nik']}|{placed}|{record['wlkp_company_id']}|{record['jabatan_title']}",
                key, "placement"),
            "job_seeker_id": landed["nik_pseudonym"],
            "registration_id": landed["registration_number_pseudonym"],
            "source_file": path.name, "source_row": number, "placement_date": placed,
            "employer_name": record["employer_name"],
            "wlkp_company_id": record["wlkp_company_id"],
            "jabatan_title": record["jabatan_title"], "kbji4": None,
            "is_occupation_coded": False,
            "regency_name": record["regency_name"], "province_name": record["province_name"],
            **(region.as_columns() if not abroad else {
                **dict.fromkeys(RESOLUTION_COLUMNS), "region_match_method": "abroad",
                "is_region_resolved": False}),
            "placement_kind": record["placement_kind"],
            "destination_country": record["destination_country"],
            "vacancy_source": record["vacancy_source"],
            "wage_monthly_idr": int(wage_text) if wage_text else None,
        }, record, PLACEMENT_FREE_TEXT))  # fmt: skip
    return _finish(
        "ak1_placements", path, header, raw_rows, staged, quarantine, PLACEMENT_SCHEMA, key
    )


def _finish(
    source: str,
    path: Path,
    header: list[str],
    raw_rows: list[dict[str, Any]],
    staged: list[dict[str, Any]],
    quarantine: list[dict[str, Any]],
    schema: dict[str, pl.DataType],
    key: PseudonymKey,
) -> AdminLoad:
    raw_schema = {"source_file": pl.String(), "source_row": pl.Int64()}
    for name in raw_rows[0] if raw_rows else ():
        raw_schema.setdefault(name, pl.String())
    staging = pl.DataFrame(staged, schema=schema)
    metadata = {
        "source_file": path.name,
        "rows_in": len(raw_rows),
        "columns": header,
        "regions_resolved": int(staging["is_region_resolved"].sum()),
        "personal_data_columns": [c for c in PERSONAL_COLUMNS if c in raw_schema],
        "pseudonymised_columns": list(IDENTIFIER_COLUMNS),
        "pseudonym_key": "development" if key.is_development else "environment",
        "is_synthetic": "synthetic" in path.name.lower(),
    }
    load = AdminLoad(source, pl.DataFrame(raw_rows, schema=raw_schema), staging,
                     quarantine_frame(quarantine), metadata)  # fmt: skip
    load.check_accounting()
    load.log_summary()
    return load
