"""The synthetic generator: calibration to published TPT, structure, determinism, and the CLI."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from ingest.sakernas import harmonise
from ingest.sakernas.generator import SyntheticSakernas, generate, parse_rounds
from ingest.sakernas.pipeline import _text_scan, discover_inputs
from orchestration.cli import main
from orchestration.settings import DATA_DIR

SHIPPED = DATA_DIR / "synthetic" / "sakernas"


def province_round_tpt(folder: Path) -> pl.DataFrame:
    """Weighted TPT per province-round, through the same mapping the mart uses."""
    frames = []
    for item in discover_inputs([folder]):
        persons = harmonise(_text_scan(item.path), item.config).persons
        frames.append(
            persons.group_by("period", "province_code")
            .agg(
                (
                    (pl.col("weight") * pl.col("is_unemployed")).sum()
                    / (pl.col("weight") * pl.col("is_in_labour_force")).sum()
                    * 100
                ).alias("tpt")
            )  # fmt: skip
            .collect()
        )
    targets = pl.read_csv(
        folder / "calibration_targets_synthetic.csv", schema_overrides={"province_code": pl.String}
    )
    return pl.concat(frames).join(targets, on=["period", "province_code"], how="full")


@pytest.fixture(scope="module")
def small_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, DATA_DIR, parse_rounds("2015-2024"), 38 * 10 * 150, seed=11)
    return out


def test_every_province_round_reproduces_published_tpt(small_synthetic: Path) -> None:
    checked = province_round_tpt(small_synthetic)
    assert checked.height == 38 * 10
    assert checked["tpt"].null_count() == 0
    assert (checked["tpt"] - checked["target_tpt"]).abs().max() < 0.05
    published = checked.filter(pl.col("tpt_published").is_not_null())
    assert published.height == 34 * 9 + 38
    assert (published["tpt"] - published["tpt_published"]).abs().max() < 0.05


def test_new_papua_provinces_use_their_parent_before_2024(small_synthetic: Path) -> None:
    targets = pl.read_csv(
        small_synthetic / "calibration_targets_synthetic.csv",
        schema_overrides={"province_code": pl.String},
    )
    south_papua = targets.filter(pl.col("province_code") == "95").sort("period")
    assert south_papua["target_source"].to_list()[:9] == ["parent_province:94"] * 9
    assert south_papua["target_source"][9] == "opendatajabar_tpt_august"
    papua_2016 = targets.filter((pl.col("period") == "2016-08") & (pl.col("province_code") == "94"))
    assert south_papua["target_tpt"][1] == papua_2016["target_tpt"][0]


def test_shipped_default_is_synthetic_and_calibrated() -> None:
    files = sorted(SHIPPED.glob("sakernas_synthetic_*.parquet"))
    assert len(files) == 10
    assert pq.read_schema(files[0]).metadata[b"lmis.is_synthetic"] == b"true"
    checked = province_round_tpt(SHIPPED)
    assert checked.height == 380
    assert (checked["tpt"] - checked["target_tpt"]).abs().max() < 0.05


def test_occupation_and_industry_codes_exist_in_their_classifications(
    small_synthetic: Path,
) -> None:
    data = pl.read_parquet(small_synthetic / "sakernas_synthetic_2020-08.parquet")
    kbji = pl.read_csv(
        DATA_DIR / "reference" / "kbji2014" / "kbji2014_structure.csv", infer_schema=False
    ).filter(pl.col("n_digits") == "4")["kbji_code"]
    kbli = pl.read_csv(
        DATA_DIR / "reference" / "kbli2020" / "kbli2020_structure.csv", infer_schema=False
    )["kbli_code"]
    employed = data.filter(pl.col("R12A") > 0)
    assert employed["R13B_KBJI4"].is_in(kbji.implode()).all()
    assert employed["R13A_KBLI5"].is_in(kbli.implode()).all()
    assert (employed["R13B_KBJI4"].str.slice(0, 1).cast(pl.Int8) == employed["R13B_KBJI2"]).all()
    assert employed["R13B_KBJI4"].n_unique() > 150
    # Agricultural workers (KBJI 6) work in agriculture (sector 1).
    assert (employed.filter(pl.col("R13B_KBJI2") == 6)["R13A_KATEG"] == 1).all()
    assert data["KODE_PROV"].n_unique() == 38
    employees = employed.filter((pl.col("R12A") == 4) & (pl.col("R14A1") > 0))
    assert 1_500_000 < employees["R14A1"].median() < 5_000_000


def test_generation_is_deterministic_for_a_seed() -> None:
    generator = SyntheticSakernas(DATA_DIR, seed=5)
    first = generator.province_round("2019-08", "15", 400, 4.06)
    again = SyntheticSakernas(DATA_DIR, seed=5).province_round("2019-08", "15", 400, 4.06)
    other = SyntheticSakernas(DATA_DIR, seed=6).province_round("2019-08", "15", 400, 4.06)
    assert first.equals(again)
    assert not first.equals(other)


def test_cli_builds_the_mart_from_the_real_jambi_extract(tmp_path: Path) -> None:
    source = DATA_DIR / "real" / "sakernas-2020-08-jambi" / "sakernas_2020_08_jambi.csv.gz"
    out = tmp_path / "labour_force_indicators.parquet"
    assert main(["sakernas", "indicators", str(source), str(out), "--round", "2020-08"]) == 0
    mart = pl.read_parquet(out)
    tpt = mart.filter(
        (pl.col("indicator") == "tpt")
        & (pl.col("area_level") == "province")
        & (pl.col("breakdown") == "total")
    )
    assert round(tpt["value"][0], 2) == 5.13
    assert pq.read_schema(out).metadata[b"lmis.is_synthetic"] == b"false"


def test_generating_again_in_place_gives_a_byte_identical_manifest(tmp_path: Path) -> None:
    # The shipped manifest is tracked in git: a run timing in it dirtied the checkout on every
    # regeneration. Two generations into one folder must give the same bytes.
    manifests = []
    for _ in range(2):
        generate(tmp_path, DATA_DIR, ["2023-08", "2024-08"], 400, seed=3, provinces=["15", "16"])
        manifests.append((tmp_path / "manifest_synthetic.json").read_bytes())
    assert manifests[0] == manifests[1]
    assert b"seconds" not in manifests[0]


def test_the_shipped_manifest_has_no_run_timing() -> None:
    shipped = DATA_DIR / "synthetic" / "sakernas" / "manifest_synthetic.json"
    assert "seconds" not in shipped.read_text()
