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
