"""Published BPS open unemployment rates (TPT) by province and August round, as generator targets.

Sources (data/real/bps-labour-aggregates, see its PROVENANCE.md): the Open Data Jabar table for
August 2018-2024 (34 provinces, 38 in 2024) and the BPS-API series for August 2015-2017 (English
province names, mapped to BPS codes with `province_bps_codes_id_en.csv`).

The four provinces split from Papua in 2022 have no published figure before 2024. Their territory
was part of Papua (94) or Papua Barat (91), so before 2024 each is calibrated to its parent's
published rate (`target_source = parent_province:<code>`): the pre-split territory as a whole then
still reproduces the published parent figure.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

log = logging.getLogger(__name__)

AGGREGATES_FOLDER = Path("real") / "bps-labour-aggregates"

NEW_PAPUA_PROVINCES: dict[str, tuple[str, str]] = {
    # BPS code: (name, parent BPS code before the 2022 split)
    "92": ("PAPUA BARAT DAYA", "91"),
    "95": ("PAPUA SELATAN", "94"),
    "96": ("PAPUA TENGAH", "94"),
    "97": ("PAPUA PEGUNUNGAN", "94"),
}

DOUBTFUL_FIGURES = {("2024-08", "92"), ("2024-08", "94")}
"""Both show 6.48 in the source, likely a copy error (see PROVENANCE.md); used as published."""


def published_tpt(data_dir: Path) -> pl.DataFrame:
    """Every published August TPT: `period`, `province_code`, `tpt_published`, `source`."""
    folder = data_dir / AGGREGATES_FOLDER
    jabar = pl.read_csv(
        folder / "tpt_province_august_2018_2024_opendatajabar.csv",
        schema_overrides={"kode_provinsi": pl.String},
    ).select(
        (pl.col("tahun").cast(pl.String) + "-08").alias("period"),
        pl.col("kode_provinsi").str.zfill(2).alias("province_code"),
        pl.col("indeks_tpt").cast(pl.Float64).alias("tpt_published"),
        pl.lit("opendatajabar_tpt_august").alias("source"),
    )
    codes = pl.read_csv(folder / "province_bps_codes_id_en.csv", infer_schema=False).select(
        pl.col("province_eng").alias("province"),
        pl.col("bps_id").str.slice(0, 2).alias("province_code"),
    )
    bps_api = (
        pl.read_csv(folder / "ier_unemployment-province_cleaned.csv", infer_schema=False)
        .filter(pl.col("date").is_in(["2015-08-01", "2016-08-01", "2017-08-01"]))
        .join(codes, on="province", how="left")
    )
    unmatched = bps_api.filter(pl.col("province_code").is_null())
    if unmatched.height:
        raise ValueError(
            f"{folder}: provinces without a BPS code: {unmatched['province'].unique().to_list()}"
        )
    bps_api = bps_api.select(
        pl.col("date").str.slice(0, 7).alias("period"),
        "province_code",
        pl.col("unemployment_rate").cast(pl.Float64).alias("tpt_published"),
        pl.lit("bps_api_tpt_august").alias("source"),
    )
    return pl.concat([bps_api, jabar]).sort("period", "province_code")


def calibration_targets(data_dir: Path, periods: list[str], provinces: list[str]) -> pl.DataFrame:
    """One target TPT per province and period: published, or the parent's for new provinces."""
    published = published_tpt(data_dir)
    grid = pl.DataFrame({"period": periods}).join(
        pl.DataFrame({"province_code": provinces}), how="cross"
    )
    parent = pl.col("province_code").replace_strict(
        {code: parent for code, (_, parent) in NEW_PAPUA_PROVINCES.items()}, default=None
    )
    targets = (
        grid.join(published, on=["period", "province_code"], how="left")
        .with_columns(parent.alias("parent_code"))
        .join(
            published.select(
                "period",
                pl.col("province_code").alias("parent_code"),
                pl.col("tpt_published").alias("parent_tpt"),
            ),
            on=["period", "parent_code"],
            how="left",
        )
        .with_columns(
            pl.coalesce("tpt_published", "parent_tpt").alias("target_tpt"),
            pl.when(pl.col("tpt_published").is_not_null())
            .then(pl.col("source"))
            .when(pl.col("parent_tpt").is_not_null())
            .then(pl.lit("parent_province:") + pl.col("parent_code"))
            .alias("target_source"),
            (pl.col("period") + "|" + pl.col("province_code"))
            .is_in([f"{period}|{code}" for period, code in DOUBTFUL_FIGURES])
            .alias("is_doubtful_source_figure"),
        )
        .select(
            "period",
            "province_code",
            "tpt_published",
            "target_tpt",
            "target_source",
            "is_doubtful_source_figure",
        )
    )
    missing = targets.filter(pl.col("target_tpt").is_null())
    if missing.height:
        raise ValueError(f"no published or parent TPT for {missing.rows()[:5]} ...")
    log.info(
        "calibration targets: %d province-rounds, %d from a parent province",
        targets.height,
        targets.filter(pl.col("target_source").str.starts_with("parent")).height,
    )
    return targets
