"""Place texts to BPS/Kemendagri codes; ambiguity and the 2022 Papua split."""

from __future__ import annotations

import datetime as dt
import gzip

import polars as pl
import pytest

from ingest.normalise.places import (
    assign_region_codes,
    default_gazetteer,
    region_code_table,
    resolve_place,
)


@pytest.mark.parametrize(
    ("text", "status", "province", "regency"),
    [
        ("Jakarta Raya", "province", "31", None),
        ("DKI Jakarta", "province", "31", None),
        ("Daerah Khusus Ibukota Jakarta", "province", "31", None),
        ("Jakarta Selatan", "regency", "31", "3174"),
        ("South Jakarta", "regency", "31", "3174"),
        ("Central Jakarta", "regency", "31", "3171"),
        ("  jakarta   SELATAN ", "regency", "31", "3174"),
        ("Jakarta Selatan, Jakarta Raya", "regency", "31", "3174"),
        ("Kota Administrasi Jakarta Selatan", "regency", "31", "3174"),
        ("Kabupaten Tangerang", "regency", "36", "3603"),
        ("Kab. Tangerang", "regency", "36", "3603"),
        ("Tangerang Regency", "regency", "36", "3603"),
        ("Tangerang District, Banten", "regency", "36", "3603"),
        ("Kota Tangerang", "regency", "36", "3671"),
        ("Tangerang Selatan", "regency", "36", "3674"),
        ("South Tangerang, Banten", "regency", "36", "3674"),
        ("Bandung Kota", "regency", "32", "3273"),
        ("Bandung Kabupaten", "regency", "32", "3204"),
        ("Bandung Barat", "regency", "32", "3217"),
        ("Palangkaraya", "regency", "62", "6271"),
        ("Pare-Pare", "regency", "73", "7372"),
        ("Kebayoran Lama, Jakarta Raya", "regency", "31", "3174"),
        ("Cikarang", "regency", "32", "3216"),
        ("Batam,Riau", "regency", "21", "2171"),
        ("Jawa Barat", "province", "32", None),
        ("Indonesia", "national", None, None),
        ("Remote", "remote", None, None),
        ("Singapura", "foreign", None, None),
        ("Jakarta Barat,Depok", "multiple", None, None),
        ("Jakarta Barat,Jakarta Utara", "multiple", "31", None),
        (None, "missing", None, None),
        ("Atlantis", "unresolved", None, None),
    ],
)
def test_resolve(text: str | None, status: str, province: str | None, regency: str | None) -> None:
    match = resolve_place(text)
    assert (match.status, match.province_code, match.regency_code) == (status, province, regency)


@pytest.mark.parametrize(
    "text", ["Tangerang", "Bekasi", "Bandung", "Bogor", "Malang", "Tangerang, Banten"]
)
def test_kabupaten_and_kota_of_one_name_resolve_to_province_only_and_flagged(text: str) -> None:
    match = resolve_place(text)
    assert match.status == "ambiguous"
    assert match.regency_code is None and match.province_code is not None


def test_tangerang_alone_is_banten_province_only() -> None:
    match = resolve_place("Tangerang")
    assert (match.status, match.province_code, match.regency_code) == ("ambiguous", "36", None)


def test_district_name_is_narrowed_by_a_named_province() -> None:
    # Galang is a district of Deli Serdang (Sumatera Utara) and of Kota Batam (Kepulauan Riau).
    assert resolve_place("Galang, Sumatera Utara").regency_code == "1207"


def test_every_regency_outside_new_papua_has_a_bps_code() -> None:
    table = region_code_table().filter(pl.col("level") == "regency")
    outside = table.filter(pl.col("split_date").is_null())
    assert outside["bps_code"].null_count() == 0
    assert outside.height + table.filter(pl.col("split_date").is_not_null()).height == 514


def test_bps_and_kemendagri_codes_differ_and_are_kept_apart() -> None:
    frame = pl.DataFrame(
        {"province_code_kemendagri_2025": ["31"], "regency_code_kemendagri_2025": ["3174"],
         "posted_date": [dt.date(2025, 1, 1)]}
    )  # fmt: skip
    row = assign_region_codes(frame).row(0, named=True)
    # Jakarta Selatan is 3174 for Kemendagri but 3171 for BPS.
    assert (row["regency_code"], row["regency_code_system"], row["regency_code_vintage"]) == (
        "3171",
        "bps",
        "2020",
    )
    assert row["regency_code_kemendagri_2025"] == "3174"


@pytest.mark.parametrize(
    ("posted", "province", "prov_system", "regency", "reg_system", "prov_name"),
    [
        (dt.date(2021, 6, 1), "94", "bps", "9401", "bps", "Papua"),
        (dt.date(2022, 7, 24), "94", "bps", "9401", "bps", "Papua"),
        (dt.date(2022, 7, 25), "93", "kemendagri", "9301", "kemendagri", "Papua Selatan"),
        (None, "93", "kemendagri", "9301", "kemendagri", "Papua Selatan"),
    ],
)
def test_merauke_is_placed_in_its_province_as_of_the_posting_date(
    posted: dt.date | None,
    province: str,
    prov_system: str,
    regency: str,
    reg_system: str,
    prov_name: str,
) -> None:
    frame = pl.DataFrame(
        {"province_code_kemendagri_2025": ["93"], "regency_code_kemendagri_2025": ["9301"],
         "posted_date": [posted]},
        schema_overrides={"posted_date": pl.Date},
    )  # fmt: skip
    row = assign_region_codes(frame).row(0, named=True)
    assert (row["province_code"], row["province_code_system"]) == (province, prov_system)
    assert (row["regency_code"], row["regency_code_system"]) == (regency, reg_system)
    assert row["province_name"] == prov_name
    assert row["province_code_vintage"] == ("2020" if prov_system == "bps" else "2025")


def test_sorong_moves_to_papua_barat_daya_only_from_december_2022() -> None:
    frame = pl.DataFrame(
        {"province_code_kemendagri_2025": ["96", "96"],
         "regency_code_kemendagri_2025": ["9671", "9671"],
         "posted_date": [dt.date(2022, 12, 7), dt.date(2022, 12, 8)]}
    )  # fmt: skip
    out = assign_region_codes(frame)
    assert out["province_code"].to_list() == ["91", "96"]  # BPS 91 = Papua Barat (2020)
    assert out["regency_code"].to_list() == ["9171", "9671"]


def test_alias_seed_targets_exist() -> None:
    gaz = default_gazetteer()
    assert "jakarta raya" in gaz.aliases and len(gaz.aliases) > 100


@pytest.mark.parametrize("name", ["wilayah.csv.GZ", "wilayah.CSV.gZ", "wilayah.csv.gz"])
def test_reference_csv_named_gz_in_any_case_is_read_through_gzip(tmp_path, name) -> None:
    # Regression: only a lower-case `.gz` was unzipped, so `.GZ` failed as "not UTF-8".
    from ingest.normalise.places import _read_csv

    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write("code,name\n31.74,Jakarta Selatan\n")
    assert _read_csv(path) == [{"code": "31.74", "name": "Jakarta Selatan"}]
