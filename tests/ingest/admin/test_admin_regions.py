"""Region resolution: Kemendagri vs BPS codes, the Papua split, names and addresses."""

from __future__ import annotations

import gzip

import pytest

from ingest.admin.regions import names_agree, region_index, split_regency_name


@pytest.fixture(scope="module")
def index():
    return region_index()


def test_dimension_has_every_regency_once_keyed_on_bps(index) -> None:
    frame = index.frame()
    assert frame.height == 514
    assert frame["regency_code_bps"].n_unique() == 514
    assert frame["regency_code_kemendagri"].n_unique() == 514
    assert frame["province_code_kemendagri"].n_unique() == 38


def test_jakarta_selatan_code_3174_is_kemendagri_not_bps(index) -> None:
    # Regression: Karirhub's city code 3174 looks like BPS but is Kemendagri; BPS 3174 is
    # Jakarta Barat.
    match = index.by_code("3174", "KOTA ADM. JAKARTA SELATAN")
    assert match.method == "kemendagri_code"
    assert match.regency.regency_code_bps == "3171"
    assert match.regency.regency_code_kemendagri == "3174"


def test_a_bps_code_is_recognised_when_the_name_says_so(index) -> None:
    match = index.by_code("3174", "JAKARTA BARAT")
    assert match.method == "bps_code"
    assert match.regency.regency_code_kemendagri == "3173"


def test_papua_split_regency_links_to_its_pre_split_bps_code(index) -> None:
    sorong = index.by_code("9671", "KOTA SORONG")
    assert sorong.regency.regency_code_bps == "9171"
    assert sorong.province_code_kemendagri == "96"
    # Province BPS code as in dim_region (seed province_codes: BPS 2024 code of Papua Barat Daya).
    assert sorong.province_code_bps == "92"
    assert sorong.as_columns()["region_id"] == "regency-9671"
    assert sorong.regency.bps_link_method == "name_within_pre_2022_papua"


def test_province_codes_agree_with_the_warehouse_seed(index) -> None:
    import csv

    from ingest.admin.regions import PROVINCE_SEED

    with open(PROVINCE_SEED, encoding="utf-8") as handle:
        seed = {row["kemendagri_code"]: row["bps_code"] for row in csv.DictReader(handle)}
    pairs = set(index.frame().select("province_code_kemendagri", "province_code_bps").iter_rows())
    assert pairs == set(seed.items())


def test_truncated_bridge_names_do_not_swap_oku_timur_and_selatan(index) -> None:
    assert index.by_code("1608", "KAB. OGAN KOMERING ULU TIMUR").regency.regency_code_bps == "1609"
    assert index.by_code("1609", None).regency.regency_code_bps == "1608"


@pytest.mark.parametrize(
    ("regency", "province", "expected_kemendagri"),
    [
        ("KAB. BOGOR", "JAWA BARAT", "3201"),
        ("KOTA BOGOR", "Jawa Barat", "3271"),
        ("Kota Administrasi Jakarta Pusat", "DKI JAKARTA", "3171"),
        ("KAB. KEP. SIAU TAGULANDANG BIARO", None, "7109"),
        ("B A T A M", None, "2171"),
    ],
)
def test_names_in_the_usual_spellings_resolve(index, regency, province, expected_kemendagri):
    assert index.by_name(regency, province).regency.regency_code_kemendagri == expected_kemendagri


def test_unknown_regency_falls_back_to_its_province(index) -> None:
    match = index.by_name("KAB. ATLANTIS", "Nusa Tenggara Barat (NTB)")
    assert not match.is_resolved
    assert match.province_code_kemendagri == "52"
    assert match.method == "province_name_only"
    assert match.as_columns()["region_id"] == "province-52"


def test_address_text_prefers_the_city_of_a_bare_name(index) -> None:
    match = index.from_address("JALAN KUSUMANEGARA NOMOR 284 B YOGYAKARTA")
    assert match.regency.regency_code_kemendagri == "3471"
    assert match.method == "address_text"
    assert index.from_address("Jl. Raya No. 1, Kab. Bandung Barat").regency.regency_name == (
        "Kabupaten Bandung Barat"
    )


def test_name_helpers() -> None:
    assert split_regency_name("KOTA ADM. JAKARTA SELATAN") == ("Kota", "JAKARTASELATAN")
    assert names_agree("OGANKOMERINGULU", "OGANKOMERINGULUTIMUR")
    assert not names_agree("BOGOR", "BANDUNG")


def test_the_index_and_the_province_names_are_built_once_and_shared_read_only() -> None:
    from ingest.admin.regions import bps_province_names

    # Every admin reader asks for the index; building it again per reader costs ~0.1 s each.
    assert region_index() is region_index()
    names = bps_province_names()
    assert names is bps_province_names()
    # One shared mapping: a caller that could change it would change it for every later caller.
    with pytest.raises(TypeError):
        names["99"] = "Nowhere"  # type: ignore[index]


@pytest.mark.parametrize("name", ["bridge.csv.GZ", "bridge.CSV.Gz", "bridge.csv.gz"])
def test_reference_csv_named_gz_in_any_case_is_read_through_gzip(tmp_path, name) -> None:
    # Regression: only a lower-case `.gz` was unzipped, so `.GZ` failed as "not UTF-8".
    from ingest.admin.regions import _read_csv

    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write("bps_code,kemendagri_code\n3171,3174\n")
    assert _read_csv(path) == [{"bps_code": "3171", "kemendagri_code": "3174"}]
