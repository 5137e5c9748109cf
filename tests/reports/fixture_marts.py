"""Small fixture marts whose right answers are known, for the report tests.

National Sakernas-like estimates 2018-08..2024-08 for a handful of KBJI 2014 codes:
- 2512 (software developers): employment, wages and hours rising faster than ever before and
  than the others -> must be LISTED (skilled, strategic sector J), reasons growth/wages/hours.
- 2611 (lawyers): every estimate suppressed, at 4 and 3 digits -> must be UNDETERMINED.
- 2166 (graphic designers): flat -> must be NOT LISTED.
- 2513 (web developers): suppressed at 4 digits, its minor group 251 rising -> scored at 251.
- 2421, 3313: flat or falling, so the cross-occupation quantiles mean something.
"""

from __future__ import annotations

import gzip
from datetime import date, timedelta
from pathlib import Path

import polars as pl

PERIODS = [f"{year}-08" for year in range(2018, 2025)]
MUST_BE_LISTED = "2512"
MUST_BE_UNDETERMINED = "2611"
MUST_NOT_BE_LISTED = "2166"
SCORED_AT_MINOR_GROUP = "2513"
HOSTILE_TITLE = "<script>alert('x')</script> Pengembang & <b>perangkat lunak</b>"

# (employed start, employed yearly growth, wage yearly growth, hours yearly growth) per code;
# the growth of the last three years (rounds 2021-2024) differs where a shortage must show.
SERIES = {
    "2512": (100_000, (0.01, 0.12), (0.03, 0.15), (0.0, 0.02)),
    "2166": (80_000, (0.0, 0.0), (0.03, 0.03), (0.0, 0.0)),
    "2421": (90_000, (0.01, -0.02), (0.03, 0.02), (0.0, -0.01)),
    "3313": (70_000, (0.02, 0.01), (0.03, 0.035), (0.0, 0.0)),
    "251": (150_000, (0.01, 0.10), (0.03, 0.12), (0.0, 0.02)),
    "216": (120_000, (0.0, 0.0), (0.03, 0.03), (0.0, 0.0)),
    "242": (130_000, (0.01, -0.02), (0.03, 0.02), (0.0, -0.01)),
    "331": (110_000, (0.02, 0.01), (0.03, 0.03), (0.0, 0.0)),
}
SUPPRESSED = ("2611", "261", "2513")


def _row(period: str, breakdown: str, indicator: str, value: float | None, suppressed: bool):
    return {
        "period": period,
        "area_level": "national",
        "area_code": "00",
        "breakdown": breakdown,
        "indicator": indicator,
        "value": None if suppressed else value,
        # RSE 1 %: a national estimate of 400 sample persons whose rising series is
        # distinguishable from sampling noise (the significance rule lets it signal).
        "se": None if suppressed else value * 0.01,
        "rse": None if suppressed else 1.0,
        "reliability": "suppressed" if suppressed else "reliable",
        "sample_persons": 3 if suppressed else 400,
        "breakdown_variable": breakdown.partition("=")[0],
        "unit": "persons",
        "sample_psus": 2 if suppressed else 90,
        "se_method": "fixture",
        "is_suppressed": suppressed,
        "suppression_reason": "too_few_sample_persons" if suppressed else None,
        "is_synthetic": True,
    }


def survey_mart() -> pl.DataFrame:
    rows = []
    for index, period in enumerate(PERIODS):
        wage_total = 3_000_000 * 1.03**index
        rows.append(_row(period, "total", "earnings_mean_monthly_idr", wage_total, False))
        rows.append(_row(period, "total", "employed", 130e6, False))
        for code, (start, employment, wages, hours) in SERIES.items():
            breakdown = f"kbji{len(code)}={code}"

            def level(base: float, rates: tuple[float, float], i: int = index) -> float:
                value = base
                for step in range(1, i + 1):
                    # Steps 5-6 are the growth into rounds 2023 and 2024: the recent regime.
                    value *= 1 + rates[1 if step >= 5 else 0]
                return value

            rows.append(_row(period, breakdown, "employed", level(start, employment), False))
            rows.append(
                _row(period, breakdown, "earnings_mean_monthly_idr", level(5e6, wages), False)
            )
            rows.append(_row(period, breakdown, "hours_mean_weekly", level(40, hours), False))
        for code in SUPPRESSED:
            breakdown = f"kbji{len(code)}={code}"
            for indicator in ("employed", "earnings_mean_monthly_idr", "hours_mean_weekly"):
                rows.append(_row(period, breakdown, indicator, 1.0, True))
    return pl.DataFrame(rows)


def postings_mart(coded: bool) -> pl.DataFrame:
    """40 postings of 2512 in each of the last two years (when coded), else none coded."""
    latest = date(2025, 10, 1)
    rows = []
    for i in range(80):
        first_seen = latest - timedelta(days=i * 9)
        rows.append(
            {
                "posting_id": f"fixture:{i}",
                "source": "fixture",
                "job_title": HOSTILE_TITLE,
                "province_bps_code": "15",
                "first_seen_date": first_seen,
                "last_seen_date": first_seen + timedelta(days=45),
                "posted_date": first_seen,
                "kbji2014_code": MUST_BE_LISTED if coded else None,
                "is_occupation_coded": coded,
            }
        )
    return pl.DataFrame(rows)


def occupation_dimension() -> pl.DataFrame:
    codes = sorted({*SERIES, *SUPPRESSED})
    return pl.DataFrame(
        {
            "kbji_code": codes,
            "title_id": [HOSTILE_TITLE if c == MUST_BE_LISTED else f"Jabatan {c}" for c in codes],
            "isco08_title_en": [f"Occupation {c}" for c in codes],
        }
    )


def write_fixture_marts(folder: Path, coded_postings: bool = False) -> Path:
    """Write the fixture marts as published parquet; the portal mart is left out on purpose."""
    folder.mkdir(parents=True, exist_ok=True)
    survey_mart().write_parquet(folder / "labour_force_indicators_synthetic.parquet")
    postings_mart(coded_postings).write_parquet(folder / "fct_vacancy_postings.parquet")
    occupation_dimension().write_parquet(folder / "dim_occupation.parquet")
    return folder


def write_overview_marts(folder: Path) -> Path:
    """One province's employment and unemployment rate, one posting: what the overview reads."""
    folder.mkdir(parents=True, exist_ok=True)
    base = {"period": "2024-08", "area_level": "province", "area_code": "15"}
    pl.DataFrame(
        [
            base
            | {
                "breakdown": "total",
                "indicator": "employed",
                "value": 1_734_567.0,
                "se": 12_345.6,
                "rse": 0.7,
                "reliability": "reliable",
            },
            base
            | {
                "breakdown": "total",
                "indicator": "tpt",
                "value": 5.13,
                "se": 0.25,
                "rse": 4.9,
                "reliability": "use_with_caution",
            },
        ]  # fmt: skip
    ).write_parquet(folder / "labour_force_indicators.parquet")
    pl.DataFrame(
        {"region_level": ["province"], "bps_code": ["15"], "region_name": ["Jambi"]}
    ).write_parquet(folder / "dim_region.parquet")
    pl.DataFrame(
        {"source": ["lokerid"], "province_bps_code": ["15"], "kbji2014_code": [None]},
        schema_overrides={"kbji2014_code": pl.String},
    ).write_parquet(folder / "fct_vacancy_postings.parquet")
    return folder


def write_evidence(path: Path) -> Path:
    path.write_text(
        "evidence_id,kbji2014_code,province_bps_code,collected_date,source_type,source_name,"
        "respondents,respondents_reporting_difficulty,is_illustrative,note\n"
        "fx-1,2512,00,2024-06-01,employer_survey,Fixture survey,10,8,true,fixture row\n"
        "fx-2,2166,00,2024-06-01,consultation,Fixture consultation,2,2,true,too few\n",
        encoding="utf-8",
    )
    return path


HOSTILE_CATEGORY = "<img src=x onerror=alert(1)> IT & Software"
SKILL_RISING, SKILL_FALLING, SKILL_STABLE, SKILL_NOT_NAMED = (
    "http://data.europa.eu/esco/skill/fixture-python",
    "http://data.europa.eu/esco/skill/fixture-cobol",
    "http://data.europa.eu/esco/skill/fixture-teamwork",
    "http://data.europa.eu/esco/skill/fixture-testing",
)


def write_skills_fixture(folder: Path) -> tuple[Path, Path]:
    """Postings of 2512 in two half-years with known skills, and a tiny ESCO reference.

    Previous half-year: 30 postings, 5 ask for python, 20 for cobol, 10 for teamwork.
    Latest half-year: 30 postings, 25 python, 2 cobol, 10 teamwork.
    ESCO lists python and testing as essential for ISCO 2512, cobol as optional.
    """
    marts = folder / "marts"
    esco = folder / "esco"
    marts.mkdir(parents=True, exist_ok=True)
    esco.mkdir(parents=True, exist_ok=True)
    latest = date(2025, 10, 1)
    postings, skills = [], []
    for window, offset, wanted in (
        ("previous", 200, {SKILL_RISING: 5, SKILL_FALLING: 20, SKILL_STABLE: 10}),
        ("current", 0, {SKILL_RISING: 25, SKILL_FALLING: 2, SKILL_STABLE: 10}),
    ):
        for i in range(30):
            posting_id = f"{window}:{i}"
            postings.append(
                {
                    "posting_id": posting_id,
                    "source": "jobstreet",
                    "kbji2014_code": MUST_BE_LISTED,
                    "is_occupation_coded": True,
                    "province_bps_code": "15" if i % 2 else "31",
                    "category_text": HOSTILE_CATEGORY,
                    "first_seen_date": latest - timedelta(days=offset + i * 5),
                    "last_seen_date": latest - timedelta(days=offset + i * 5 - 20),
                    "is_synthetic": False,
                }
            )
            for uri, count in wanted.items():
                if i < count:
                    label = uri.rsplit("-", 1)[1]
                    skills.append(
                        {
                            "posting_id": posting_id,
                            "skill_uri": uri,
                            "skill_label": label,
                            "skill_source": "esco",
                            "matched_text": label,
                            "source_field": "description",
                        }
                    )
    pl.DataFrame(postings).write_parquet(marts / "fct_vacancy_postings.parquet")
    pl.DataFrame(skills).write_parquet(marts / "bridge_vacancy_skills.parquet")
    pl.DataFrame(
        {
            "kbji_code": ["2512", "251"],
            "kbji_level": [4, 3],
            "isco08_code": ["2512", "251"],
            "title_id": ["Pengembang perangkat lunak", "Pengembang"],
            "isco08_title_en": ["Software developers", "Developers"],
        },
        schema_overrides={"kbji_level": pl.Int32},
    ).write_parquet(marts / "dim_occupation.parquet")
    (esco / "esco_occupations_en.csv").write_text(
        "occupation_uri,esco_code,isco08_code,preferred_label\n"
        "http://data.europa.eu/esco/occupation/fixture-dev,2512.1,2512,software developer\n",
        encoding="utf-8",
    )
    relations = (
        "occupation_uri,skill_uri,relation_type,skill_label\n"
        f"http://data.europa.eu/esco/occupation/fixture-dev,{SKILL_RISING},essential,python\n"
        f"http://data.europa.eu/esco/occupation/fixture-dev,{SKILL_NOT_NAMED},essential,testing\n"
        f"http://data.europa.eu/esco/occupation/fixture-dev,{SKILL_FALLING},optional,cobol\n"
    )
    # mtime=0: gzip stamps the time of writing, and the page's data version hashes ESCO's bytes.
    (esco / "esco_occupation_skill_relations.csv.gz").write_bytes(
        gzip.compress(relations.encode("utf-8"), mtime=0)
    )
    return marts, esco
