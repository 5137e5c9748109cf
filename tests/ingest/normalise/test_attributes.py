"""Education, experience, employment type and work arrangement."""

from __future__ import annotations

import pytest

from ingest.normalise.attributes import (
    parse_education,
    parse_employment_types,
    parse_experience,
    parse_work_arrangement,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Min. D3/S1", "d3"),
        ("Pendidikan minimal SMA/SMK", "sma_smk"),
        ("Lulusan SMK sederajat", "sma_smk"),
        ("Diploma III Akuntansi", "d3"),
        ("D-IV Teknik", "d4"),
        ("S1 Teknik Informatika", "s1"),
        ("Bachelor's degree in any field", "s1"),
        ("S2 preferred, S1 ok", "s1"),
        ("Magister Manajemen", "s2"),
        ("PhD in statistics", "s3"),
        ("Diploma", "d1"),
        ("SMA/SMK/STM, Diploma/D1/D2/D3, Sarjana/S1", "sma_smk"),
        ("Usia maksimal 30 tahun", None),
        (None, None),
    ],
)
def test_education(text: str | None, level: str | None) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Pengalaman minimal 2 tahun di bidang sales", (2.0, None)),
        ("min. 2 tahun pengalaman", (2.0, None)),
        ("pengalaman 1 - 3 tahun", (1.0, 3.0)),
        ("At least 3 years of experience in data", (3.0, None)),
        ("3+ years experience", (3.0, None)),
        ("Fresh graduate welcome", (0.0, None)),
        ("Usia maksimal 30 tahun, berpengalaman di retail", (None, None)),
        ("Maksimal usia 30 tahun. Pengalaman minimal 1 tahun", (1.0, None)),
        (None, (None, None)),
    ],
)
def test_experience(text: str | None, years: tuple[float | None, float | None]) -> None:
    assert parse_experience(text) == years


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Full Time", ["full_time"]),
        ("fullTime,contract", ["full_time", "contract"]),
        ("full_time", ["full_time"]),
        ("Kontrak/Temporer", ["contract", "temporary"]),
        ("Paruh waktu", ["part_time"]),
        ("temporary,internship", ["temporary", "internship"]),
        ("Magang", ["internship"]),
        ("Freelance", ["freelance"]),
        ("Kasual", ["casual"]),
        ("The Advertiser did not show the work type", []),
    ],
)
def test_employment_types(text: str, types: list[str]) -> None:
    assert parse_employment_types(text) == types


@pytest.mark.parametrize(
    ("text", "arrangement"),
    [
        ("Jakarta Raya\n(Hibrid)", "hybrid"),
        ("Jakarta Raya\n(Jarak jauh)", "remote"),
        ("Remote", "remote"),
        ("WFO Senin-Jumat", "on_site"),
        ("hybrid, 2 days WFH", "hybrid"),
        ("Jakarta Selatan", None),
    ],
)
def test_work_arrangement(text: str, arrangement: str | None) -> None:
    assert parse_work_arrangement(text) == arrangement
