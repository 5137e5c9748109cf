"""The synthetic WLKP and AK1 generators follow the published figures they are calibrated to.

Targets are recomputed here from the published files in data/real/bps-labour-aggregates and the
sector-to-KBLI table in data/reference/calibration (not taken from the generator), so a generator
that ignores them fails, and the generators' own targets must equal them exactly.

The shares of a sample are checked against bounds that follow from how each sample is drawn:

- WLKP workers come in whole companies. A company goes only to a sector still below its target
  once the company is counted, so a sector ends above its target by less than the last company
  it took, hence by less than its largest company's share of all workers (the greedy draw can
  still put a company of 8.5 % of the sample in a sector with a 5.2 % target, seed 16). The
  excess comes out of the other sectors: on 1,000 companies and seeds 1-20 none fell short of
  its target by more than 1.35 points except on seed 16 (2.87 points, after that company),
  hence the 2-point bound, checked on seeds without such an outlier.
- AK1 job seekers are drawn one by one, so a province's count is binomial around its target
  share; each must lie within 4 standard deviations (seeds 1-7 at 2,000 reach 2.86 at most).
"""

from __future__ import annotations

import csv
import math
from collections import Counter

import pytest

from ingest.admin import ak1
from ingest.admin.ak1 import generate_ak1_records, job_seeker_province_targets
from ingest.admin.regions import region_index
from ingest.admin.wlkp_generate import NON_COMPANY_SECTIONS, generate_wlkp_rows, sector_targets
from orchestration.settings import DATA_DIR, DBT_PROJECT_DIR

AGGREGATES = DATA_DIR / "real" / "bps-labour-aggregates"
SECTIONS = DATA_DIR / "reference" / "calibration" / "bps_sector17_kbli_sections.csv"
PROVINCE_SEED = DBT_PROJECT_DIR / "seeds" / "province_codes.csv"
SECTOR_SHORTFALL = 0.02  # largest absolute share a sector may fall below target, 1,000 companies
PROVINCE_Z = 4.0  # largest binomial z-score of a province's job seekers


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sector_targets() -> tuple[dict[str, float], dict[str, str]]:
    """BPS August 2019 workers by sector, over the sectors whose employers report to WLKP."""
    sector_of_section = {
        section: row["bps_sector"]
        for row in _rows(SECTIONS)
        if row["reports_wlkp"] == "true"
        for section in row["kbli_sections"].split(";")
        if section not in NON_COMPANY_SECTIONS
    }
    workers = {
        row["sector"]: float(row["workers"])
        for row in _rows(AGGREGATES / "ier_employment-sector_cleaned.csv")
        if row["date"] == "2019-08-01" and row["sector"] in sector_of_section.values()
    }
    total = sum(workers.values())
    return {k: v / total for k, v in workers.items()}, sector_of_section


def _province_targets() -> dict[str, float]:
    """BPS August 2024 open unemployment rate times Kemendagri 2025 population."""
    people = {
        row["kode_kemendagri"]: float(row["penduduk_total"])
        for row in _rows(DATA_DIR / "reference" / "wilayah" / "kemendagri_2025_penduduk_luas.csv")
        if row["level"] == "1"
    }
    rates = {
        row["kode_provinsi"]: float(row["indeks_tpt"])
        for row in _rows(AGGREGATES / "tpt_province_august_2018_2024_opendatajabar.csv")
        if row["tahun"] == "2024"
    }
    bps_code = {row["kemendagri_code"]: row["bps_code"] for row in _rows(PROVINCE_SEED)}
    unemployed = {code: rates[bps_code[code]] * count for code, count in people.items()}
    total = sum(unemployed.values())
    return {code: value / total for code, value in unemployed.items()}


def test_calibration_targets_are_complete() -> None:
    shares, sector_of_section = _sector_targets()
    assert len(shares) == 16  # BPS's 17 sectors less public administration
    assert set(sector_of_section) == set("ABCDEFGHIJKLMNPQRS")
    provinces = _province_targets()
    assert len(provinces) == 38
    assert set(provinces) == {r.province_code_kemendagri for r in region_index().regencies}


def test_generators_aim_at_the_recomputed_targets() -> None:
    # The share tests below allow for sampling noise; these catch a generator reading another
    # round, another sector table or a mislinked province, which moves a share by less.
    shares, sector_of_section = _sector_targets()
    targets = sector_targets()
    assert targets.by_sector == pytest.approx(shares, rel=1e-12)
    assert targets.sector_of_section == sector_of_section
    assert job_seeker_province_targets() == pytest.approx(_province_targets(), rel=1e-12)


@pytest.mark.parametrize("seed", [2, 4, 11])
def test_wlkp_workforce_by_sector_follows_bps_employment(seed: int) -> None:
    shares, sector_of_section = _sector_targets()
    section_of_class = {
        row["kbli_code"]: row["section"]
        for row in _rows(DATA_DIR / "reference" / "kbli2020" / "kbli2020_structure.csv")
        if row["level"] == "5"
    }
    workers: Counter[str] = Counter()
    largest: Counter[str] = Counter()  # the largest company's workers, by sector
    companies: Counter[str] = Counter()
    sector_of_company: dict[str, str] = {}
    for row in generate_wlkp_rows(1000, months=(1,), seed=seed):
        sector = sector_of_section.get(section_of_class[row["kbli_code"]], "?")
        workers[sector] += row["workers_total"]
        companies[row["wlkp_company_id"]] += row["workers_total"]
        sector_of_company[row["wlkp_company_id"]] = sector
    for company, count in companies.items():
        sector = sector_of_company[company]
        largest[sector] = max(largest[sector], count)
    total = sum(workers.values())
    assert "?" not in workers
    gaps = {sector: workers[sector] / total - share for sector, share in shares.items()}
    over = {sector: gap for sector, gap in gaps.items() if gap >= largest[sector] / total}
    assert not over, (over, {sector: largest[sector] / total for sector in over})
    assert min(gaps.values()) >= -SECTOR_SHORTFALL, gaps


def test_wlkp_companies_do_not_depend_on_how_many_follow() -> None:
    # The AK1 generator places job seekers at the first companies of the same seed's WLKP set.
    short = generate_wlkp_rows(40, months=(1, 2), seed=4)
    long = generate_wlkp_rows(120, months=(1, 2), seed=4)
    ids = {row["wlkp_company_id"] for row in short}
    assert [row for row in long if row["wlkp_company_id"] in ids] == short


@pytest.mark.parametrize("seed", [2, 4, 11])
def test_ak1_job_seekers_by_province_follow_bps_unemployment(seed: int) -> None:
    targets = _province_targets()
    regencies = region_index().regencies
    code_of = {r.province_name.upper(): r.province_code_kemendagri for r in regencies}
    seekers, _, _ = generate_ak1_records(2000, seed=seed)
    counts = Counter(code_of[row["province_name"]] for row in seekers)
    n = len(seekers)
    z = {
        code: (counts[code] - n * share) / math.sqrt(n * share * (1 - share))
        for code, share in targets.items()
    }
    assert set(counts) <= set(targets)
    assert max(abs(value) for value in z.values()) <= PROVINCE_Z, z


def test_cached_targets_cannot_be_changed_by_a_caller() -> None:
    targets = sector_targets()
    with pytest.raises(TypeError):
        targets.by_sector["Manufacturing"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        job_seeker_province_targets()["31"] = 1.0  # type: ignore[index]


def test_ak1_logs_its_largest_gap_and_provinces_without_regencies(caplog, monkeypatch) -> None:
    # A target province the regions reference has no regency for (99): its share goes to the
    # others, and the run says so instead of dropping it silently.
    targets = {**job_seeker_province_targets(), "99": 0.01}
    monkeypatch.setattr(ak1, "job_seeker_province_targets", lambda index: targets)
    with caplog.at_level("INFO", logger="ingest.admin"):
        ak1.generate_ak1_records(50, seed=4, companies=20)
    assert "no regency for provinces ['99'] (1.00 % of the target" in caplog.text
    assert "AK1 job seekers by Kemendagri province: largest gap to target" in caplog.text
    assert "WLKP workers by BPS sector: largest gap to target" in caplog.text
