"""The columns of a WLKP recapitulation export and the header labels officials give them.

WLKP (Wajib Lapor Ketenagakerjaan di Perusahaan, UU 7/1981) reports carry the company's identity,
its KBLI, and its workforce by jabatan × sex × employment relation (PKWTT permanent, PKWT
fixed-term, outsourced), foreign workers (TKA), social-security participation and open vacancies.
The export puts the count columns under a two-row header: a group label merged across its
sub-columns (L/P, or Ketenagakerjaan/Kesehatan) above.

The generator writes `HEADER_LABELS`; the reader maps whatever labels it finds back to canonical
names through `canonical_column`, so months whose columns come in another order, or whose labels
are spelt a little differently ("Laki-laki" for "L"), read alike.
"""

from __future__ import annotations

import re

IDENTITY_COLUMNS = (
    "row_number",
    "wlkp_company_id",
    "company_name",
    "nib",
    "kbli_code",
    "capital_status",
    "company_address",
    "regency_name",
    "province_name",
    "manager_name",
    "company_phone",
    "company_email",
    "founded_date",
    "reported_date",
    "jabatan_title",
)
COUNT_COLUMNS = (
    "workers_pkwtt_male",
    "workers_pkwtt_female",
    "workers_pkwt_male",
    "workers_pkwt_female",
    "workers_outsourced_male",
    "workers_outsourced_female",
    "foreign_workers_male",
    "foreign_workers_female",
    "bpjs_employment_participants",
    "bpjs_health_participants",
    "vacancies_male",
    "vacancies_female",
    "workers_total",
)
PERSONAL_COLUMNS = ("manager_name", "company_phone", "company_email")
"""Held in the raw landing frame only; never in staging."""
COMPANY_COLUMNS = (
    "wlkp_company_id",
    "company_name",
    "nib",
    "kbli_code",
    "capital_status",
    "company_address",
    "regency_name",
    "province_name",
    "manager_name",
    "company_phone",
    "company_email",
    "founded_date",
    "reported_date",
)
"""Written once per company (merged down its jabatan rows) and carried forward by the reader."""
REQUIRED_COLUMNS = (
    "wlkp_company_id",
    "company_name",
    "kbli_code",
    "regency_name",
    "province_name",
    "reported_date",
    "jabatan_title",
    *COUNT_COLUMNS,
)
WORKER_PARTS = COUNT_COLUMNS[:8]
"""The columns whose sum is `workers_total` (foreign workers are part of the workforce)."""

# (group label, sub label or None) as the generator writes them; group None = single column.
HEADER_LABELS: dict[str, tuple[str, str | None]] = {
    "row_number": ("No", None),
    "wlkp_company_id": ("No. Pendaftaran WLKP", None),
    "company_name": ("Nama Perusahaan", None),
    "nib": ("NIB", None),
    "kbli_code": ("KBLI", None),
    "capital_status": ("Status Permodalan", None),
    "company_address": ("Alamat Perusahaan", None),
    "regency_name": ("Kabupaten/Kota", None),
    "province_name": ("Provinsi", None),
    "manager_name": ("Nama Pimpinan", None),
    "company_phone": ("No. Telepon", None),
    "company_email": ("Email", None),
    "founded_date": ("Tanggal Berdiri", None),
    "reported_date": ("Tanggal Pelaporan", None),
    "jabatan_title": ("Jabatan", None),
    "workers_pkwtt_male": ("Tenaga Kerja PKWTT 1)", "L"),
    "workers_pkwtt_female": ("Tenaga Kerja PKWTT 1)", "P"),
    "workers_pkwt_male": ("Tenaga Kerja PKWT 1)", "L"),
    "workers_pkwt_female": ("Tenaga Kerja PKWT 1)", "P"),
    "workers_outsourced_male": ("Tenaga Kerja Alih Daya", "L"),
    "workers_outsourced_female": ("Tenaga Kerja Alih Daya", "P"),
    "foreign_workers_male": ("Tenaga Kerja Asing (TKA) 2)", "L"),
    "foreign_workers_female": ("Tenaga Kerja Asing (TKA) 2)", "P"),
    "bpjs_employment_participants": ("Kepesertaan BPJS", "Ketenagakerjaan"),
    "bpjs_health_participants": ("Kepesertaan BPJS", "Kesehatan"),
    "vacancies_male": ("Lowongan Jabatan", "L"),
    "vacancies_female": ("Lowongan Jabatan", "P"),
    "workers_total": ("Jumlah Tenaga Kerja", None),
}

_IDENTITY_ALIASES = {
    "no": "row_number",
    "nomor": "row_number",
    "no urut": "row_number",
    "no pendaftaran wlkp": "wlkp_company_id",
    "nomor pendaftaran wlkp": "wlkp_company_id",
    "no pendaftaran": "wlkp_company_id",
    "nomor wlkp": "wlkp_company_id",
    "no wlkp": "wlkp_company_id",
    "nama perusahaan": "company_name",
    "perusahaan": "company_name",
    "nib": "nib",
    "nomor induk berusaha": "nib",
    "kbli": "kbli_code",
    "kode kbli": "kbli_code",
    "status permodalan": "capital_status",
    "status modal": "capital_status",
    "alamat perusahaan": "company_address",
    "alamat": "company_address",
    "kabupaten kota": "regency_name",
    "kab kota": "regency_name",
    "kabupaten": "regency_name",
    "provinsi": "province_name",
    "nama pimpinan": "manager_name",
    "pimpinan perusahaan": "manager_name",
    "no telepon": "company_phone",
    "telepon": "company_phone",
    "no telp": "company_phone",
    "email": "company_email",
    "e mail": "company_email",
    "tanggal berdiri": "founded_date",
    "tgl berdiri": "founded_date",
    "tanggal pelaporan": "reported_date",
    "tgl pelaporan": "reported_date",
    "tanggal lapor": "reported_date",
    "jabatan": "jabatan_title",
    "nama jabatan": "jabatan_title",
    "jumlah tenaga kerja": "workers_total",
    "jumlah tk": "workers_total",
    "total tenaga kerja": "workers_total",
}
_MALE = {"l", "lk", "laki laki", "pria"}
_FEMALE = {"p", "pr", "perempuan", "wanita"}


def normalise_label(label: object) -> str:
    """'Tenaga Kerja PKWTT 1)' -> 'tenaga kerja pkwtt'; 'Laki-laki' -> 'laki laki'."""
    text = str(label or "").lower()
    text = re.sub(r"\b\d+\)|\*+\)?|[¹²³]", " ", text)  # footnote markers
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _group_kind(group: str) -> str | None:
    words = set(group.split())
    if "pkwtt" in words:
        return "workers_pkwtt"
    if "pkwt" in words:
        return "workers_pkwt"
    if "alih daya" in group or "outsourcing" in words:
        return "workers_outsourced"
    if "tka" in words or "asing" in words:
        return "foreign_workers"
    if "lowongan" in words:
        return "vacancies"
    if "bpjs" in words or "jaminan sosial" in group:
        return "bpjs"
    return None


def canonical_column(group_label: object, sub_label: object) -> str | None:
    """Canonical column name of a header cell pair, or None if the labels mean nothing known."""
    group = normalise_label(group_label)
    sub = normalise_label(sub_label)
    if not sub:
        if group in _IDENTITY_ALIASES:
            return _IDENTITY_ALIASES[group]
        # A header someone unmerged into one row: "PKWTT L", "TKA Perempuan", "BPJS Kesehatan".
        for size in (2, 1):
            words = group.split()
            if len(words) > size:
                head, tail = " ".join(words[:-size]), " ".join(words[-size:])
                if _group_kind(head) and (found := canonical_column(head, tail)):
                    return found
        return None
    kind = _group_kind(group)
    if kind == "bpjs":
        if "ketenagakerjaan" in sub or sub in {"tk", "jamsostek"}:
            return "bpjs_employment_participants"
        if "kesehatan" in sub or sub == "kes":
            return "bpjs_health_participants"
        return None
    if kind is None:
        return None
    if sub in _MALE:
        return f"{kind}_male"
    if sub in _FEMALE:
        return f"{kind}_female"
    return None


SUBTOTAL_LABEL = re.compile(r"^\s*(jumlah|sub\s*-?\s*total)\b", re.IGNORECASE)
GRAND_TOTAL_LABEL = re.compile(
    r"^\s*(grand\s+total|total|jumlah\s+(total|seluruhnya|keseluruhan|nasional|akhir))\b",
    re.IGNORECASE,
)
NOTE_LABEL = re.compile(r"^\s*(catatan|sumber|keterangan|note|\d+\)|\*)", re.IGNORECASE)
