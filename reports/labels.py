"""Plain labels, in each report language, for the codes the marts and the pipeline use.

A reader of a report sees names, never the machine codes behind them: a job board by its name
(`lokerid` -> Loker.id), a KBJI 2014 major group and a province as "name (code)", a quarantine
reason code as the class of problem it stands for. One module for every report, so that the
overview, the data-quality report and the two analytical reports name things alike.
"""

from __future__ import annotations

import re

# Job boards, portals, administrative exports and reference tables as a reader knows them (sources
# in ingest/sources.py, spiders in ingest/scrapers/spiders/, administrative sources in
# ingest/admin/): the same in both languages unless the language has its own words.
SOURCE_NAMES = {
    "jobstreet": "JobStreet",
    "lokerid": "Loker.id",
    "dealls": "Dealls",
    "glints": "Glints",
    "karirhub": "Karirhub",
    "karirhub_rss": "Karirhub (RSS)",
    "maganghub": "MagangHub",
    "ak1": "AK1",
    "wlkp": "WLKP",
    "kbji2014_structure": "KBJI 2014",
    "kbji2014_isco08_crosswalk": "KBJI 2014 - ISCO-08",
    "isco08_structure": "ISCO-08",
    "kbli2020_structure": "KBLI 2020",
}
_SOURCE_NAMES_IN = {
    "id": {
        "careers_jsonld": "Halaman karier perusahaan (JSON-LD)",
        "karirhub_details": "Karirhub (rincian lowongan)",
        "karirhub_listing": "Karirhub (daftar lowongan)",
        "maganghub_positions": "MagangHub (posisi magang)",
        "ak1_job_seekers": "AK1 (pencari kerja)",
        "ak1_placements": "AK1 (penempatan)",
        "wilayah_provinces_2025": "Wilayah: provinsi (2025)",
        "wilayah_regencies_2025": "Wilayah: kabupaten/kota (2025)",
        "bps_kemendagri_bridging_regencies_2020": "Padanan kode kabupaten BPS-Kemendagri (2020)",
        "ump_province": "Upah minimum provinsi (UMP)",
        "bps_tpt_province_august": "TPT provinsi Agustus (BPS)",
        "sakernas_synthetic": "Sakernas sintetis (uji metode)",
    },
    "en": {
        "careers_jsonld": "Company career pages (JSON-LD)",
        "karirhub_details": "Karirhub (vacancy details)",
        "karirhub_listing": "Karirhub (vacancy listing)",
        "maganghub_positions": "MagangHub (internship positions)",
        "ak1_job_seekers": "AK1 (job seekers)",
        "ak1_placements": "AK1 (placements)",
        "wilayah_provinces_2025": "Regions: provinces (2025)",
        "wilayah_regencies_2025": "Regions: regencies/cities (2025)",
        "bps_kemendagri_bridging_regencies_2020": "BPS-Kemendagri regency code bridge (2020)",
        "ump_province": "Provincial minimum wages (UMP)",
        "bps_tpt_province_august": "Provincial TPT, August (BPS)",
        "sakernas_synthetic": "Synthetic Sakernas (method test)",
    },
}
_SAKERNAS_FILE = re.compile(r"^sakernas_(\d{4})_(\d{2})_?(.*)$")


def source_name(source: str | None, language: str) -> str:
    """A source's display name (`lokerid` -> `Loker.id`, `sakernas_2020_08_jambi` -> `Sakernas
    2020-08 Jambi`); a source not named here is shown with spaces for its underscores."""
    if not source:
        return ""
    named = _SOURCE_NAMES_IN[language].get(source) or SOURCE_NAMES.get(source)
    if named:
        return named
    if match := _SAKERNAS_FILE.match(source):
        area = match[3].replace("_", " ").title()
        return f"Sakernas {match[1]}-{match[2]} {area}".strip()
    return source.replace("_", " ")


# KBJI 2014 major groups (golongan pokok; data/reference/kbji2014/kbji2014_structure.csv) and
# their ISCO-08 English names (data/reference/isco08/isco08_structure.csv). Fixed by the
# classification, so a report needs no mart to name them.
KBJI_MAJOR_GROUPS = {
    "id": {
        "0": "TNI dan POLRI",
        "1": "Manajer",
        "2": "Profesional",
        "3": "Teknisi dan Asisten Profesional",
        "4": "Tenaga Tata Usaha",
        "5": "Tenaga Usaha Jasa dan Tenaga Penjualan",
        "6": "Pekerja Terampil Pertanian, Kehutanan dan Perikanan",
        "7": "Pekerja Pengolahan, Kerajinan, dan YBDI",
        "8": "Operator dan Perakit Mesin",
        "9": "Pekerja Kasar",
    },
    "en": {
        "0": "Armed forces occupations",
        "1": "Managers",
        "2": "Professionals",
        "3": "Technicians and associate professionals",
        "4": "Clerical support workers",
        "5": "Service and sales workers",
        "6": "Skilled agricultural, forestry and fishery workers",
        "7": "Craft and related trades workers",
        "8": "Plant and machine operators, and assemblers",
        "9": "Elementary occupations",
    },
}
_UNKNOWN_MAJOR_GROUP = {"id": "Golongan pokok {code}", "en": "Major group {code}"}


def major_group_label(code: str, language: str) -> str:
    """'Profesional (2)': a KBJI 2014 major group by name with its code."""
    name = KBJI_MAJOR_GROUPS[language].get(code)
    return f"{name} ({code})" if name else _UNKNOWN_MAJOR_GROUP[language].format(code=code)


def coded_label(code: str | None, names: dict[str, str], unnamed: str) -> str:
    """'Name (code)', or `unnamed` (formatted with the code) where no name is known."""
    if code is None or code == "":
        return ""
    name = names.get(code)
    return f"{name} ({code})" if name else unnamed.format(code=code)


# Classes of the reasons a row is quarantined, by reason code (landing: ingest/landing.py and
# ingest/sources.py; administrative sources: ingest/admin/; file commands: README). The detailed
# message each row carries stays as the pipeline recorded it; the class is what a reader scans.
QUARANTINE_REASONS = {
    "id": {
        "field_count": "jumlah kolom baris tidak sesuai header",
        "invalid_id": "ID tidak valid",
        "missing_id": "ID kosong",
        "id_missing": "ID kosong",
        "id_duplicated": "ID ganda",
        "duplicate_id": "ID ganda",
        "missing_title": "judul jabatan kosong",
        "invalid_url": "URL tidak valid",
        "invalid_number": "bukan angka yang sah",
        "invalid_code": "kode tidak dikenal",
        "invalid_timestamp": "tanggal/waktu tidak valid",
        "invalid_date": "tanggal tidak valid",
        "posted_after_seen": "tanggal iklan setelah crawl yang melihatnya",
        "invalid_weight": "bobot survei tidak valid",
        "invalid_json": "JSON tidak valid",
        "nik_invalid": "NIK tidak valid",
        "nik_scientific_notation": "NIK tersimpan sebagai angka (notasi ilmiah), digit hilang",
        "nik_shaped_number": "angka 16 digit berbentuk NIK di kolom angka",
        "missing_nik": "NIK kosong",
        "salary_negative": "gaji negatif",
        "unreadable_date": "tanggal tidak terbaca",
        "unreadable_count": "jumlah tidak terbaca",
        "unreadable_wage": "upah tidak terbaca",
        "unparseable_field": "kolom tidak terbaca",
        "row_total_mismatch": "total baris tidak sama dengan rinciannya",
        "not_an_object": "rekaman bukan objek JSON",
    },
    "en": {
        "field_count": "row's number of fields differs from the header",
        "invalid_id": "invalid ID",
        "missing_id": "ID missing",
        "id_missing": "ID missing",
        "id_duplicated": "ID repeated",
        "duplicate_id": "ID repeated",
        "missing_title": "job title missing",
        "invalid_url": "invalid URL",
        "invalid_number": "not a valid number",
        "invalid_code": "unknown code",
        "invalid_timestamp": "invalid date/time",
        "invalid_date": "invalid date",
        "posted_after_seen": "posted after the crawl that saw it",
        "invalid_weight": "invalid survey weight",
        "invalid_json": "invalid JSON",
        "nik_invalid": "invalid NIK",
        "nik_scientific_notation": "NIK stored as a number (scientific notation), digits lost",
        "nik_shaped_number": "16-digit NIK-shaped number in a numeric column",
        "missing_nik": "NIK missing",
        "salary_negative": "negative salary",
        "unreadable_date": "date not readable",
        "unreadable_count": "count not readable",
        "unreadable_wage": "wage not readable",
        "unparseable_field": "field not readable",
        "row_total_mismatch": "row total differs from its parts",
        "not_an_object": "record is not a JSON object",
    },
}
# Codes not listed above, by the family their name says they belong to.
_REASON_FAMILIES = (
    (
        re.compile(r"^missing_|_missing$"),
        {"id": "nilai wajib kosong", "en": "required value missing"},
    ),
    (
        re.compile(r"^(invalid|unreadable|unparseable)_|_invalid$"),
        {"id": "nilai tidak valid", "en": "invalid value"},
    ),
    (re.compile(r"duplicat"), {"id": "duplikat", "en": "duplicate"}),
    (re.compile(r"^salary_"), {"id": "gaji tidak wajar", "en": "implausible salary"}),
)
_OTHER_REASON = {"id": "masalah lain pada baris", "en": "other problem with the row"}


def quarantine_reason_label(reason_code: str | None, language: str) -> str:
    """The class of a quarantine reason code in the language; a row with several problems
    (codes joined by `;`) gets each class once, in its order."""
    if not reason_code:
        return ""
    labels: list[str] = []
    for code in (c.strip() for c in reason_code.split(";")):
        label = QUARANTINE_REASONS[language].get(code)
        if label is None:
            family = next((f for pattern, f in _REASON_FAMILIES if pattern.search(code)), None)
            label = (family or _OTHER_REASON)[language]
        if label not in labels:
            labels.append(label)
    return "; ".join(labels)
