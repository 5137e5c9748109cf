"""Duplicate linking: re-sightings, board variants, the same job in another city."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingest.normalise import normalise_postings
from ingest.normalise.duplicates import duplicate_rates, link_duplicates

DESCRIPTION = (
    "Kami membuka lowongan admin gudang. Tugas: mencatat stok barang masuk dan keluar, "
    "membuat laporan harian, koordinasi dengan tim pengiriman. Kualifikasi SMA/SMK."
)


def _postings(rows: list[dict]) -> pl.DataFrame:
    base = {
        "source": "board-a", "source_posting_id": None, "title": "Staf Admin Gudang",
        "company": "PT Maju Jaya", "location_text": "Jakarta Barat", "salary_text": "Rp 5 juta",
        "date_text": "2025-07-01", "crawl_date": "2025-07-02", "description": DESCRIPTION,
        "url": None, "employment_text": "Full Time",
    }  # fmt: skip
    frame = pl.DataFrame([{**base, **row} for row in rows])
    frame = frame.with_columns(posting_id=pl.format("p{}", pl.int_range(pl.len())))
    return normalise_postings(frame)


def _vacancies(df: pl.DataFrame) -> list[str]:
    _, clusters = link_duplicates(df)
    return clusters.sort("posting_id")["vacancy_id"].to_list()


def test_same_job_in_another_city_is_not_a_duplicate() -> None:
    df = _postings([{}, {"location_text": "Surabaya", "source": "board-b"}])
    pairs, clusters = link_duplicates(df)
    assert clusters["vacancy_id"].n_unique() == 2
    assert pairs.height == 0


def test_same_job_in_another_jakarta_city_is_not_a_duplicate() -> None:
    assert len(set(_vacancies(_postings([{}, {"location_text": "Jakarta Timur"}])))) == 2


def test_resighting_of_same_id_on_later_day_is_a_full_duplicate() -> None:
    df = _postings(
        [{"source_posting_id": "42"}, {"source_posting_id": "42", "crawl_date": "2025-07-05"}]
    )
    pairs, clusters = link_duplicates(df)
    assert clusters["vacancy_id"].n_unique() == 1
    assert pairs.row(0, named=True)["duplicate_type"] == "full"


def test_board_variants_staf_staff_pt_dot_tracking_parameters_link() -> None:
    df = _postings(
        [
            {"url": "https://a.example/job/1?utm_source=x"},
            {
                "source": "board-b",
                "title": "Admin Gudang Staff",
                "company": "PT. Maju Jaya",
                "location_text": "Jakarta Barat, Jakarta Raya",
                "url": "https://b.example/lowongan/99?ref=feed",
            },
        ]
    )
    pairs, clusters = link_duplicates(df)
    assert clusters["vacancy_id"].n_unique() == 1
    row = pairs.row(0, named=True)
    assert row["decision"] == "duplicate" and row["duplicate_type"] == "semantic"
    assert row["score"] >= 0.8


def test_repost_two_weeks_later_is_temporal() -> None:
    pairs, _ = link_duplicates(
        _postings([{}, {"date_text": "2025-07-15", "crawl_date": "2025-07-16"}])
    )
    assert pairs.row(0, named=True)["duplicate_type"] == "temporal"


def test_ads_months_apart_are_two_vacancies() -> None:
    df = _postings([{}, {"date_text": "2025-12-01", "crawl_date": "2025-12-02"}])
    assert len(set(_vacancies(df))) == 2


def test_province_only_copy_is_linked_as_partial_not_merged() -> None:
    pairs, clusters = link_duplicates(_postings([{}, {"location_text": "Jakarta Raya"}]))
    assert clusters["vacancy_id"].n_unique() == 2
    row = pairs.row(0, named=True)
    assert (row["decision"], row["duplicate_type"]) == ("uncertain", "partial")


def test_senior_and_plain_title_are_two_positions() -> None:
    df = _postings([{}, {"title": "Senior Staf Admin Gudang"}])
    assert len(set(_vacancies(df))) == 2


def test_rates_per_source() -> None:
    df = _postings(
        [{}, {"source": "board-b", "title": "Staff Admin Gudang"},
         {"title": "Kasir", "description": "Kasir toko", "location_text": "Bogor"}]
    )  # fmt: skip
    pairs, clusters = link_duplicates(df)
    rates = {r["source"]: r for r in duplicate_rates(clusters, pairs).iter_rows(named=True)}
    assert rates["board-a"]["duplicate_rate"] == 0.0
    assert rates["board-b"]["duplicate_rate"] == 1.0
    assert rates["board-b"]["vacancies"] == 0


def test_vacancy_id_is_the_earliest_posting() -> None:
    df = _postings([{"date_text": "2025-07-05", "crawl_date": "2025-07-06"}, {}])
    _, clusters = link_duplicates(df)
    assert set(clusters["vacancy_id"]) == {"p1"}
    assert clusters.filter(pl.col("posting_id") == "p1")["vacancy_first_date"][0] == dt.date(
        2025, 7, 1
    )


def test_equally_strong_links_of_two_types_give_the_closest_type() -> None:
    # p1 is identical to p0 (full) and to p2 posted a week later (temporal), all scoring 1.0;
    # the type used to depend on the row order of the pairs.
    df = _postings([{}, {}, {"date_text": "2025-07-08", "crawl_date": "2025-07-09"}])
    pairs, clusters = link_duplicates(df)
    assert pairs["score"].unique().to_list() == [1.0]
    types = dict(clusters.select("posting_id", "duplicate_type").iter_rows())
    assert types == {"p0": None, "p1": "full", "p2": "temporal"}


# Real advert fields (JobStreet December 2021, Dealls 2024) that the linker merged although they
# are other vacancies: another employer, another subject or branch, another list of provinces.
SHOPKEEPER = (
    "Syarat wajib dan ketentuan : Usia maksimal {age} tahun Minimal lulusan SMA/SMK atau "
    "sederajat Berdomisili di Kota Jogja dan sekitarnya Jujur dan..."
)
BINUS = (
    "Job Responsibility: Delivers related subject to students according to the school's vision "
    "and mission Support school to create the required learning..."
)
OTO = (
    "Lingkup pekerjaan: Menjalin hubungan baik dengan pihak ketiga (Dealer &amp; Customer) "
    "Menawarkan &amp; menjual multiproduk Melakukan analisa dan..."
)
SALES_SUPERVISOR = (
    "TANGGUNG JAWAB Merencanakan strategi penjualan secara realistis yang inovatif dan up to "
    "date untuk perkiraan penjualan dan mengukur keberhasilan..."
)


def _merged_and_uncertain(df: pl.DataFrame) -> tuple[int, int]:
    pairs, clusters = link_duplicates(df)
    merged = df.height - clusters["vacancy_id"].n_unique()
    return merged, pairs.filter(pl.col("decision") == "uncertain").height


def test_two_employers_with_the_same_title_and_text_are_two_vacancies() -> None:
    shopkeepers = _postings(
        [
            {"title": "Shopkeeper", "company": "Gombale Jogja", "location_text": "Yogyakarta",
             "date_text": "2021-12-16", "description": SHOPKEEPER.format(age=27),
             "salary_text": None},
            {"title": "Shopkeeper", "company": "Ninas Bouquet", "location_text": "Yogyakarta",
             "date_text": "2021-12-20", "description": SHOPKEEPER.format(age=25),
             "salary_text": None},
        ]
    )  # fmt: skip
    # Dealls shows no description: title, place and type agree, the employers do not.
    account_executives = _postings(
        [
            {"source": "dealls", "title": "Account Executive", "company": "Redwoods Digital",
             "location_text": "Tangerang Selatan", "date_text": "2024-07-11",
             "description": None, "salary_text": "N/A"},
            {"source": "dealls", "title": "Account Executive", "company": "Netpolitan",
             "location_text": "Tangerang Selatan", "date_text": "2024-08-22",
             "description": None, "salary_text": "6000000"},
        ]
    )  # fmt: skip
    # Kept as an uncertain pair (the score is unchanged), never merged into one vacancy.
    assert _merged_and_uncertain(shopkeepers) == (0, 1)
    assert _merged_and_uncertain(account_executives) == (0, 1)


def test_a_hidden_employer_does_not_block_a_merge() -> None:
    df = _postings([{}, {"company": "Confidential Company", "date_text": "2025-07-08"}])
    assert _merged_and_uncertain(df) == (1, 0)


def test_titles_naming_another_subject_or_branch_are_two_vacancies() -> None:
    teachers = _postings(
        [
            {"title": f"Subject Teacher ({subject}) BINUS SCHOOL Semarang", "date_text": day,
             "company": "Yayasan Bina Nusantara", "location_text": "Semarang",
             "description": BINUS, "salary_text": None}
            for subject, day in [
                ("Religion", "2021-12-23"), ("Mandarin", "2021-12-29"), ("Music", "2021-12-29")
            ]
        ]
    )  # fmt: skip
    branches = _postings(
        [
            {"title": f"Marketing & Verification Officer (JS - MVO) {branch}",
             "company": "OTO Group", "location_text": "Riau", "date_text": day,
             "description": OTO, "salary_text": None}
            for branch, day in [
                ("Bangkinang", "2021-12-27"), ("Duri", "2021-12-30"), ("Perawang", "2021-12-30")
            ]
        ]
    )  # fmt: skip
    assert _merged_and_uncertain(teachers) == (0, 3)
    assert _merged_and_uncertain(branches) == (0, 3)


def test_a_title_that_only_adds_words_or_punctuation_still_merges() -> None:
    # "&" is a token of its own: it is no word that one title has and the other lacks.
    df = _postings(
        [
            {"title": "Staf Admin & Gudang Bahan Baku Pabrik"},
            {"title": "Staff Admin Gudang Bahan Baku Pabrik Plastik"},
        ]
    )
    assert _merged_and_uncertain(df) == (1, 0)


def test_two_different_lists_of_provinces_are_not_one_place() -> None:
    df = _postings(
        [
            {"title": "SALES SUPERVISOR", "company": "PT Susanti Megah", "date_text": "2021-12-28",
             "location_text": region, "description": SALES_SUPERVISOR, "salary_text": None}
            for region in [
                "Kalimantan Tengah,Kalimantan Selatan,Kalimantan Timur",
                "Sulawesi Utara,Sulawesi Selatan,Sulawesi Tenggara",
            ]
        ]
    )  # fmt: skip
    assert _merged_and_uncertain(df) == (0, 1)
