"""Title normalisation: noise removed, Indonesian job words rewritten, places dropped."""

from __future__ import annotations

import pytest

from ingest.occupations.normalise import default_normaliser


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Staf Gudang", "staff warehouse"),
        ("STAFF GUDANG - JAKARTA UTARA", "staff warehouse"),
        (
            "Sales Leader - Medical Software System (B-66471)",
            "sales leader medical software system",
        ),
        ("TRANSLATOR MANDARIN (Mandarin Speaker)", "translator"),
        ("8. Recruitment Specialist", "recruitment specialist"),
        ("Juru Masak", "cook"),
        ("Dokter hewan", "veterinarian"),
        ("Senior Accountant (Medan)", "accountant"),
        ("Kurir Motor Penempatan Sidoarjo", "courier motorcycle"),
        ("Café Supervisor", "cafe supervisor"),
    ],
)
def test_normalise_keeps_job_words_only(raw, expected):
    assert default_normaliser().normalise(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "(Jakarta Selatan)", "Urgent!!"])
def test_title_without_job_words_normalises_to_empty(raw):
    assert default_normaliser().normalise(raw) == ""


def test_multiword_phrase_wins_over_its_words():
    # "asisten apoteker" is a pharmacy technician, not an assistant of a pharmacist.
    assert default_normaliser().normalise("Asisten Apoteker") == "pharmacy technician"


def test_segments_split_titles_listing_two_jobs():
    assert default_normaliser().segments("Kasir / Pramuniaga") == ["cashier", "shop assistant"]
