"""SYNTHETIC Sakernas-shaped extracts for all 38 provinces and the August rounds 2015-2024.

Public microdata covers one province and one round; the occupation work needs several rounds at
4-digit KBJI for every province. This generator writes records with the variable names and codes
of the August 2020 public-use file (so the `2020-08` mapping logic applies), plus `R13B_KBJI4`
(4-digit KBJI 2014) and `R13A_KBLI5` (5-digit KBLI 2020). Nothing here is BPS data: every file,
table and manifest it writes is labelled synthetic.

How it is built, per province and round (vectorised numpy, seeded per province-round so any
subset regenerates identically):

* design: census blocks (`ID_NKS`, about 25 persons each) allocated to regencies, each block
  urban or rural; strata are regency x urban/rural like the real design; weights vary by block
  and sum to the province's 15+ population (Kemendagri 2025 population, 72 % aged 15+, scaled
  back 1.1 % a year); `KODE_KAB` is a BPS 2020 regency code's suffix, missing in the four 2022
  Papua provinces, whose regencies have no BPS code in the shipped reference;
* persons: sex, age, education (younger and urban people more educated, rising over time),
  participation by sex and age, unemployment propensity higher for the young, the educated and
  urban areas, with a block-level random effect (so standard errors show a design effect);
* jobs: KBJI major group by urban/rural and education (shares around the Jambi 2020 profile),
  a 4-digit unit group within it from the KBJI 2014 structure, a 17-category sector and a KBLI
  2020 5-digit code consistent with the occupation, status in employment, net earnings
  (log-normal around the province's published average wage, by occupation and sex, 4.5 % a year
  nominal growth) and hours;
* calibration: the weights of the unemployed and the employed are then rescaled within the
  labour force so that the weighted TPT equals the published BPS figure
  (`calibration.calibration_targets`), then rounded to whole persons like `FINAL_WEIG`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.sakernas.calibration import NEW_PAPUA_PROVINCES, calibration_targets

log = logging.getLogger(__name__)

SYNTHETIC_FILE_PREFIX = "sakernas_synthetic_"
PERSONS_PER_BLOCK = 25
SHARE_15_PLUS = 0.72
POPULATION_GROWTH = 0.011
WAGE_GROWTH = 0.045
KEMENDAGRI_TO_BPS_NEW = {"93": "95", "94": "96", "95": "97", "96": "92"}

# Employed shares by KBJI 2014 major group (Jambi August 2020, PROVENANCE.md), index = group.
MAJOR_GROUP_BASE = np.array([0.36, 2.03, 5.25, 2.05, 4.51, 20.15, 32.24, 5.67, 5.07, 22.67])
MAJOR_GROUP_URBAN = np.array([1.5, 2.0, 2.0, 2.5, 2.5, 1.6, 0.12, 1.4, 1.5, 0.8])
MAJOR_GROUP_HIGH_EDUCATION = np.array([3.0, 5.0, 12.0, 5.0, 4.0, 0.8, 0.15, 0.4, 0.5, 0.2])
MAJOR_GROUP_LOW_EDUCATION = np.array([0.3, 0.2, 0.02, 0.1, 0.2, 0.9, 1.4, 1.2, 1.0, 1.5])
WAGE_FACTOR_BY_GROUP = np.array([1.5, 1.8, 1.6, 1.35, 1.15, 0.8, 0.6, 0.9, 1.0, 0.6])

# P(sector | major group): rows = group 0..9, columns = BPS 17 categories 1..17.
_SECTOR_WEIGHTS = {
    0: {14: 1.0},
    1: {7: 0.35, 14: 0.2, 3: 0.15, 11: 0.1, 15: 0.1, 9: 0.1},
    2: {15: 0.45, 16: 0.2, 14: 0.12, 13: 0.1, 10: 0.08, 11: 0.05},
    3: {14: 0.25, 11: 0.15, 16: 0.15, 7: 0.15, 3: 0.1, 13: 0.1, 10: 0.1},
    4: {14: 0.3, 11: 0.15, 7: 0.2, 15: 0.1, 3: 0.1, 8: 0.1, 16: 0.05},
    5: {7: 0.5, 9: 0.25, 17: 0.12, 16: 0.05, 14: 0.08},
    6: {1: 1.0},
    7: {3: 0.5, 6: 0.3, 8: 0.05, 17: 0.1, 4: 0.05},
    8: {8: 0.5, 3: 0.3, 2: 0.12, 5: 0.08},
    9: {1: 0.5, 7: 0.12, 6: 0.15, 3: 0.1, 17: 0.08, 12: 0.05},
}
SECTOR_KBLI_SECTIONS = {
    1: "A", 2: "B", 3: "C", 4: "D", 5: "E", 6: "F", 7: "G", 8: "H", 9: "I", 10: "J",
    11: "K", 12: "L", 13: "MN", 14: "O", 15: "P", 16: "Q", 17: "RSTU",
}  # fmt: skip

# P(status | major group), status codes 1..7 (R12A).
_STATUS_WEIGHTS = {
    "office": [0.04, 0.02, 0.02, 0.9, 0.0, 0.01, 0.01],
    "sales": [0.4, 0.1, 0.03, 0.32, 0.0, 0.05, 0.1],
    "agriculture": [0.33, 0.27, 0.02, 0.05, 0.12, 0.0, 0.21],
    "craft": [0.28, 0.06, 0.03, 0.45, 0.0, 0.16, 0.02],
    "elementary": [0.1, 0.03, 0.0, 0.4, 0.22, 0.15, 0.1],
}
STATUS_PROFILE_BY_GROUP = [
    "office", "office", "office", "office", "office", "sales", "agriculture", "craft", "craft",
    "elementary",
]  # fmt: skip


@dataclass(frozen=True)
class Geography:
    """Provinces (BPS codes), their regencies and their 2025 populations."""

    provinces: list[str]
    regencies: dict[str, list[str]]
    population: dict[str, float]
    wage_2020: dict[str, float]
    uncoded_regencies: frozenset[str] = frozenset()
    """Labels in `regencies` that are no BPS code (the 2022 Papua provinces' regencies): the
    generator uses them for the design only and writes their `KODE_KAB` as missing."""


def _normalise_name(name: str) -> str:
    """'Kabupaten Sorong' and 'KAB. SORONG' -> 'KAB SORONG'; 'Kota Sorong' -> 'KOTA SORONG'.
    The kind stays in the key: Sorong is both a kabupaten and a kota."""
    name = re.sub(r"\s+", " ", name.upper()).strip()
    kind = "KOTA" if name.startswith("KOTA ") else "KAB"
    bare = re.sub(r"^(KABUPATEN|KAB\.?|KOTA)\s+", "", name)
    return f"{kind} {bare}"


def load_geography(data_dir: Path) -> Geography:
    """BPS province and regency codes for the 38 provinces (see docs/sakernas.md for Papua)."""
    wilayah = data_dir / "reference" / "wilayah"
    bridge_prov = pl.read_csv(
        wilayah / "bps_kemendagri_bridging_2020_provinsi.csv", infer_schema=False
    )
    bridge_kab = pl.read_csv(
        wilayah / "bps_kemendagri_bridging_2020_kabkota.csv", infer_schema=False
    )
    kab_2025 = pl.read_csv(wilayah / "kemendagri_2025_kabupaten_kota.csv", infer_schema=False)
    people = pl.read_csv(wilayah / "kemendagri_2025_penduduk_luas.csv", infer_schema=False)

    dagri_to_bps = dict(zip(bridge_prov["kode_dagri"], bridge_prov["kode_bps"], strict=True))
    dagri_to_bps.update(KEMENDAGRI_TO_BPS_NEW)
    provinces = sorted(dagri_to_bps.values())

    regencies: dict[str, list[str]] = {code: [] for code in provinces}
    for code in bridge_kab["kode_bps"]:
        regencies[code[:2]].append(code)
    # BPS regency codes of the four new Papua provinces were not found (wilayah PROVENANCE.md).
    # Their regencies are found by name (and kind) in the 2025 Kemendagri list and move there
    # under a label (new province code + their 2020 suffix) that serves the design only: it is
    # no BPS code, so it is never written (KODE_KAB missing; see `uncoded_regencies`).
    bps_by_name = {
        _normalise_name(name): code
        for name, code in zip(bridge_kab["nama_dagri"], bridge_kab["kode_bps"], strict=True)
        if code[:2] in ("91", "94")
    }
    uncoded: set[str] = set()
    for dagri, bps in KEMENDAGRI_TO_BPS_NEW.items():
        names = kab_2025.filter(pl.col("kode_provinsi") == dagri)["nama"]
        for name in names:
            old = bps_by_name.get(_normalise_name(name))
            if old is None:
                raise ValueError(f"{wilayah}: {name} ({dagri}) is not in the 2020 bridging table")
            regencies[old[:2]].remove(old)
            regencies[bps].append(bps + old[2:])
            uncoded.add(bps + old[2:])
    for code in provinces:
        regencies[code].sort()
        if not regencies[code]:
            raise ValueError(f"{wilayah}: no regencies found for province {code}")

    level1 = people.filter(pl.col("level") == "1")
    population = {
        dagri_to_bps[code]: float(total)
        for code, total in zip(level1["kode_kemendagri"], level1["penduduk_total"], strict=True)
    }
    wages = pl.read_csv(
        data_dir
        / "real"
        / "bps-labour-aggregates"
        / "avg_net_wage_province_2020-02_2021-02_with_ump2021.csv",
        infer_schema=False,
    )
    names = pl.read_csv(
        data_dir / "real" / "bps-labour-aggregates" / "province_bps_codes_id_en.csv",
        infer_schema=False,
    )
    wage_table = wages.join(
        names.select(pl.col("province_idn").alias("province"), pl.col("bps_id").str.slice(0, 2)),
        on="province",
    )
    wage_2020 = {
        code: float(value)
        for code, value in zip(wage_table["bps_id"], wage_table["2020-08-01"], strict=True)
    }
    national = float(wages.filter(pl.col("province") == "Indonesia")["2020-08-01"][0])
    for code, (_, parent) in NEW_PAPUA_PROVINCES.items():
        wage_2020[code] = wage_2020.get(parent, national)
    for code in provinces:
        wage_2020.setdefault(code, national)
    return Geography(provinces, regencies, population, wage_2020, frozenset(uncoded))


def _kbji_unit_groups(data_dir: Path) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """4-digit KBJI 2014 codes per major group, with fixed long-tailed popularity weights."""
    structure = pl.read_csv(
        data_dir / "reference" / "kbji2014" / "kbji2014_structure.csv", infer_schema=False
    ).filter(pl.col("n_digits") == "4")
    groups: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    rng = np.random.default_rng(20140)
    for major in range(10):
        codes = np.array(sorted(c for c in structure["kbji_code"] if c.startswith(str(major))))
        popularity = rng.pareto(1.2, size=codes.size) + 0.05
        groups[major] = (codes, popularity / popularity.sum())
    return groups


def _kbli_classes(data_dir: Path) -> dict[int, np.ndarray]:
    """5-digit KBLI 2020 codes for each BPS 17-category sector."""
    structure = pl.read_csv(
        data_dir / "reference" / "kbli2020" / "kbli2020_structure.csv", infer_schema=False
    ).filter(pl.col("kbli_code").str.len_chars() == 5)
    by_section = structure.group_by("section").agg(pl.col("kbli_code").sort())
    lookup = dict(zip(by_section["section"], by_section["kbli_code"].to_list(), strict=True))
    return {
        sector: np.array(sorted(code for section in sections for code in lookup.get(section, [])))
        for sector, sections in SECTOR_KBLI_SECTIONS.items()
    }


def _stable_seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _choice_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(probabilities.shape[0])[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)


class SyntheticSakernas:
    """Generates synthetic province-rounds; reference tables are loaded once."""

    def __init__(self, data_dir: Path, seed: int = 20200815) -> None:
        self.data_dir = data_dir
        self.seed = seed
        self.geography = load_geography(data_dir)
        self.kbji = _kbji_unit_groups(data_dir)
        self.kbli = _kbli_classes(data_dir)
        self.sector_matrix = np.zeros((10, 17))
        for group, weights in _SECTOR_WEIGHTS.items():
            for sector, weight in weights.items():
                self.sector_matrix[group, sector - 1] = weight
        self.status_matrix = np.array(
            [_STATUS_WEIGHTS[profile] for profile in STATUS_PROFILE_BY_GROUP]
        )

    def province_round(
        self, period: str, province: str, n_persons: int, target_tpt: float
    ) -> pa.Table:
        """One province-round as an Arrow table in the Sakernas 2020 layout (+ KBJI4, KBLI5)."""
        rng = np.random.default_rng(_stable_seed(self.seed, period, province))
        year = int(period[:4])
        regencies = self.geography.regencies[province]

        # Design: blocks per regency (at least two), each block urban or rural.
        n_blocks = max(2 * len(regencies), int(np.ceil(n_persons / PERSONS_PER_BLOCK)))
        regency_share = rng.dirichlet(np.full(len(regencies), 4.0))
        per_regency = np.maximum(2, np.round(regency_share * n_blocks).astype(int))
        block_regency = np.repeat(np.arange(len(regencies)), per_regency)
        n_blocks = block_regency.size
        is_city = np.array([int(code[2:]) >= 71 for code in regencies])
        urban_share = np.where(is_city, 0.95, rng.uniform(0.1, 0.45, len(regencies)))
        block_urban = rng.random(n_blocks) < urban_share[block_regency]
        # Keep at least two blocks per stratum where a regency has both kinds.
        for r in range(len(regencies)):
            members = np.flatnonzero(block_regency == r)
            urban_count = block_urban[members].sum()
            if urban_count == 1 or urban_count == members.size - 1:
                block_urban[members] = urban_count * 2 > members.size
        block_effect = rng.normal(0.0, 0.45, n_blocks)
        block_weight_factor = rng.lognormal(0.0, 0.25, n_blocks)

        person_block = np.sort(rng.integers(0, n_blocks, n_persons))
        urban = block_urban[person_block]
        n = n_persons

        sex = rng.integers(1, 3, n)
        age = np.minimum(15 + rng.exponential(21.0, n).astype(int), 98)
        latent = rng.normal(0, 1, n) + 0.6 * urban - 0.025 * (age - 35) + 0.04 * (year - 2020)
        education = np.digitize(latent, [-1.2, -0.3, 0.3, 1.4, 1.65])  # 0..5
        vocational = rng.random(n) < 0.4
        r6a = np.select(
            [education == 0, education == 1, education == 2, education == 3, education == 4],
            [1, 2, 3, np.where(vocational, 5, 4), rng.choice([6, 7], n)],
            default=8,
        )

        male = sex == 1
        participation_logit = (
            np.where(male, 2.4, 0.6)
            - np.where(age < 20, 1.6, 0.0)
            - np.where(age < 25, 0.5, 0.0)
            - np.clip(age - 55, 0, None) * 0.09
            + 0.3 * (r6a >= 6)
        )
        in_labour_force = rng.random(n) < 1 / (1 + np.exp(-participation_logit))

        # Unemployment: relative risk, scaled so the expected weighted rate is near the target;
        # the exact target is reached by weight calibration below.
        risk = np.exp(
            1.1 * (age < 25)
            + 0.35 * ((r6a >= 4) & (r6a <= 5))
            + 0.35 * urban
            + block_effect[person_block]
        )
        lf_risk_mean = risk[in_labour_force].mean() if in_labour_force.any() else 1.0
        p_unemployed = np.clip(target_tpt / 100 * risk / lf_risk_mean, 0, 0.9)
        unemployed = in_labour_force & (rng.random(n) < p_unemployed)
        # A small sample can draw no unemployed at all, and no weight calibration can turn zero
        # into the published rate: then two labour-force members are drawn by propensity.
        labour_force_index = np.flatnonzero(in_labour_force)
        if unemployed.sum() < 2 and labour_force_index.size >= 3:
            propensity = risk[labour_force_index] / risk[labour_force_index].sum()
            unemployed[rng.choice(labour_force_index, 2, replace=False, p=propensity)] = True
        employed = in_labour_force & ~unemployed
        temporarily_absent = employed & (rng.random(n) < 0.02)

        # Weights proportional to block factors, summing to the province's 15+ population.
        population = (
            self.geography.population[province]
            * SHARE_15_PLUS
            / (1 + POPULATION_GROWTH) ** (2025 - year)
        )
        raw_weight = block_weight_factor[person_block]
        weight = raw_weight * population / raw_weight.sum()
        weight = self._calibrate(weight, employed, unemployed, target_tpt)

        # Occupation (major group), unit group, sector, KBLI class and status for the employed.
        high = r6a >= 6
        low = r6a <= 2
        group_probabilities = (
            MAJOR_GROUP_BASE[None, :]
            * np.where(urban[:, None], MAJOR_GROUP_URBAN[None, :], 1.0)
            * np.where(high[:, None], MAJOR_GROUP_HIGH_EDUCATION[None, :], 1.0)
            * np.where(low[:, None], MAJOR_GROUP_LOW_EDUCATION[None, :], 1.0)
        )
        major = _choice_rows(rng, group_probabilities)
        unit_group = np.empty(n, dtype=object)
        for group, (codes, popularity) in self.kbji.items():
            members = np.flatnonzero(major == group)
            unit_group[members] = rng.choice(codes, size=members.size, p=popularity)
        sector = _choice_rows(rng, self.sector_matrix[major]) + 1
        kbli_class = np.empty(n, dtype=object)
        for code, classes in self.kbli.items():
            members = np.flatnonzero(sector == code)
            kbli_class[members] = rng.choice(classes, size=members.size)
        status = _choice_rows(rng, self.status_matrix[major]) + 1

        # Earnings (net, monthly, Rp) and hours.
        median_wage = (
            self.geography.wage_2020[province]
            * 0.85
            * WAGE_FACTOR_BY_GROUP[major]
            * (1 + WAGE_GROWTH) ** (year - 2020)
            * np.where(male, 1.12, 0.85)
            * (1 + 0.12 * (r6a - 4))
        )
        cash = np.round(median_wage * rng.lognormal(0, 0.5, n) / 50_000) * 50_000
        cash = np.maximum(cash, 50_000)
        has_pay = employed & (status != 7) & ~temporarily_absent
        in_kind = np.where(
            rng.random(n) < 0.12, np.round(cash * rng.uniform(0.05, 0.2, n) / 10_000) * 10_000, 0
        )
        employee_like = (status == 4) | (status == 5) | (status == 6)
        hours = (
            np.where(employee_like, rng.normal(44, 9, n), rng.normal(37, 14, n)).round().clip(1, 98)
        )
        second_job = employed & ~temporarily_absent & (rng.random(n) < 0.12)
        hours_all = np.where(second_job, hours + rng.normal(12, 5, n).round().clip(1, 40), hours)
        wants_more = rng.random(n) < np.where(hours_all < 35, 0.3, 0.08)

        at_work = employed & ~temporarily_absent
        looking = rng.random(n)
        # Unemployed: looking (R22A), preparing a business (R22B), or R25A in 1-3.
        r22a = np.where(unemployed & (looking < 0.8), 1, 2)
        r22b = np.where(unemployed & (looking >= 0.8) & (looking < 0.9), 1, 2)
        r25a = np.where(
            unemployed & (looking >= 0.9),
            rng.integers(1, 4, n),
            np.where(employed | unemployed, 0, rng.integers(4, 11, n)),
        )
        block_id = province_id = int(province)
        block_id = province_id * 100_000 + person_block
        zero = np.zeros(n, dtype=np.int16)
        columns = {
            "TAHUN": np.full(n, year * 10 + 8, dtype=np.int32),
            "URUTAN": np.arange(1, n + 1, dtype=np.int32),
            "SMT": np.full(n, 2, dtype=np.int8),
            "FINAL_WEIG": weight.astype(np.int32),
            "KODE_PROV": np.full(n, province_id, dtype=np.int16),
            "KODE_KAB": pa.array(
                np.array([int(c[2:]) for c in regencies], dtype=np.int16)[
                    block_regency[person_block]
                ],
                mask=np.array([c in self.geography.uncoded_regencies for c in regencies])[
                    block_regency[person_block]
                ],
                type=pa.int16(),
            ),
            "ID_NKS": block_id.astype(np.int32),
            "KLASIFIKAS": np.where(urban, 1, 2).astype(np.int8),
            "K4": sex.astype(np.int8),
            "K6": age.astype(np.int16),
            "R6A": r6a.astype(np.int8),
            "R9A": np.where(at_work, 1, 2).astype(np.int8),
            "R9B": np.where(at_work, 0, 2).astype(np.int8),
            "R9C": np.where(at_work, 0, 2).astype(np.int8),
            "R10A": np.where(at_work, 0, np.where(temporarily_absent, 1, 2)).astype(np.int8),
            "R12A": np.where(employed, status, zero).astype(np.int8),
            "R13A_KATEG": np.where(employed, sector, zero).astype(np.int8),
            "R13B_KBJI2": np.where(employed, major, zero).astype(np.int8),
            "R13B_KBJI4": pa.array(np.where(employed, unit_group, None), type=pa.string()),
            "R13A_KBLI5": pa.array(np.where(employed, kbli_class, None), type=pa.string()),
            "R14A1": np.where(has_pay, cash, 0).astype(np.int64),
            "R14A2": np.where(has_pay, in_kind, 0).astype(np.int64),
            "R16A": np.where(at_work, hours, 0).astype(np.int16),
            "R20A": np.where(employed, np.where(second_job, 1, 2), 0).astype(np.int8),
            "R20B": np.where(at_work, hours_all, 0).astype(np.int16),
            "R21A": np.where(employed, np.where(wants_more, 1, 2), 0).astype(np.int8),
            "R22A": r22a.astype(np.int8),
            "R22B": r22b.astype(np.int8),
            "R25A": r25a.astype(np.int8),
        }
        return pa.table(columns)

    @staticmethod
    def _calibrate(
        weight: np.ndarray, employed: np.ndarray, unemployed: np.ndarray, target_tpt: float
    ) -> np.ndarray:
        """Rescale unemployed and employed weights so the weighted TPT hits the target exactly,
        keeping the labour force total; round to whole persons (at least 1) like FINAL_WEIG."""
        unemployed_total = weight[unemployed].sum()
        employed_total = weight[employed].sum()
        labour_force = unemployed_total + employed_total
        calibrated = weight.copy()
        if unemployed_total > 0 and employed_total > 0:
            calibrated[unemployed] *= target_tpt / 100 * labour_force / unemployed_total
            calibrated[employed] *= (1 - target_tpt / 100) * labour_force / employed_total
        return np.maximum(np.round(calibrated), 1)


def parse_rounds(text: str) -> list[str]:
    """`2015-2024` or `2018,2020` or `2020-08` -> August periods `YYYY-08`."""
    periods: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if re.fullmatch(r"\d{4}-\d{4}", part):
            start, end = (int(x) for x in part.split("-"))
            periods += [f"{y}-08" for y in range(start, end + 1)]
        elif re.fullmatch(r"\d{4}(-08)?", part):
            periods.append(f"{part[:4]}-08")
        else:
            raise ValueError(f"cannot read round {part!r}; use e.g. 2015-2024 or 2018,2020")
    return sorted(set(periods))


def allocate_persons(total: int, populations: dict[str, float]) -> dict[str, int]:
    """Split a round's sample over provinces in proportion to the square root of population
    (small provinces get relatively more, as in the real allocation), at least 200 each."""
    roots = {code: np.sqrt(pop) for code, pop in populations.items()}
    scale = total / sum(roots.values())
    return {code: max(200, int(round(root * scale))) for code, root in roots.items()}


def generate(
    out_dir: Path,
    data_dir: Path,
    periods: list[str],
    persons_total: int,
    seed: int = 20200815,
    provinces: list[str] | None = None,
) -> dict[str, object]:
    """Write one parquet file per round (`sakernas_synthetic_<period>.parquet`), the calibration
    targets and a manifest into `out_dir`; returns the manifest.

    The manifest holds only what the seed and arguments determine, so generating again in place
    (the tracked `data/synthetic/sakernas/`) leaves it byte-identical; the time taken is logged.
    """
    started = time.perf_counter()
    generator = SyntheticSakernas(data_dir, seed)
    chosen = provinces or generator.geography.provinces
    targets = calibration_targets(data_dir, periods, chosen)
    out_dir.mkdir(parents=True, exist_ok=True)
    per_round = persons_total // len(periods)
    allocation = allocate_persons(
        per_round, {code: generator.geography.population[code] for code in chosen}
    )
    target_lookup = {
        (row["period"], row["province_code"]): row["target_tpt"]
        for row in targets.iter_rows(named=True)
    }
    files = []
    rows_written = 0
    for period in periods:
        path = out_dir / f"{SYNTHETIC_FILE_PREFIX}{period}.parquet"
        writer = None
        for province in chosen:
            table = generator.province_round(
                period, province, allocation[province], target_lookup[(period, province)]
            )
            if writer is None:
                metadata = {
                    b"lmis.is_synthetic": b"true",
                    b"lmis.generator": b"ingest.sakernas.generator",
                    b"lmis.seed": str(seed).encode(),
                    b"lmis.round_mapping": f"synthetic-{period}".encode(),
                }
                schema = table.schema.with_metadata(metadata)
                writer = pq.ParquetWriter(path, schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
            rows_written += table.num_rows
        if writer is not None:
            writer.close()
        files.append(path.name)
        log.info("wrote %s (%d provinces)", path.name, len(chosen))
    targets.write_csv(out_dir / "calibration_targets_synthetic.csv")
    manifest: dict[str, object] = {
        "is_synthetic": True,
        "description": "SYNTHETIC Sakernas-shaped microdata; not BPS data",
        "seed": seed,
        "periods": periods,
        "provinces": len(chosen),
        "persons": rows_written,
        "files": files,
    }
    (out_dir / "manifest_synthetic.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log.info(
        "generated %d synthetic persons in %d rounds x %d provinces in %.1f s",
        rows_written,
        len(periods),
        len(chosen),
        time.perf_counter() - started,
    )
    return manifest
