"""Labels of the coded values in the Sakernas marts' `breakdown` (the `dim_breakdown_value` mart).

Two breakdown variables carry bare codes: `sex` (`1`, `2`) and `kbli_sector` (`1`..`17`, BPS's
17 sectors, Sakernas variable R13A_KATEG). The others name their values (`education=university`,
`status=employee`, `age_group=15-24`) or key another dimension (`kbji1`..`kbji4`: dim_occupation).

- Sectors: the English names from BPS's own 17-sector lookup shipped with the BPS aggregates
  (`data/real/bps-labour-aggregates/bps_sector17_isic_lookup.csv`, `id_bps` 1..17; its row 18,
  "Overall", is no sector), the KBLI 2020 sections each covers from
  `data/reference/calibration/bps_sector17_kbli_sections.csv` (the same 17 sectors in the same
  order, as BPS's web series spells them), and as the Indonesian label the KBLI 2020 titles of
  those sections (dim_industry), joined by "; ".
- Sex: no shipped file labels Sakernas K4 (its codebook gives only "Jenis Kelamin"); the BPS
  coding is 1 male, 2 female (ingest/sakernas/harmonise.py), written here.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from orchestration.settings import DATA_DIR

SECTOR_LOOKUP = DATA_DIR / "real" / "bps-labour-aggregates" / "bps_sector17_isic_lookup.csv"
SECTOR_SECTIONS = DATA_DIR / "reference" / "calibration" / "bps_sector17_kbli_sections.csv"
SECTORS = 17
SEX_LABELS = (("1", "Laki-laki", "Male"), ("2", "Perempuan", "Female"))
"""BPS's Sakernas K4 codes; no shipped file holds their labels."""

SCHEMA = {
    "breakdown_variable": pl.String,
    "code": pl.String,
    "breakdown": pl.String,
    "label_id": pl.String,
    "label_en": pl.String,
    "kbli_sections": pl.String,
}


def sector_labels(
    section_titles: dict[str, str],
    lookup: Path = SECTOR_LOOKUP,
    sections: Path = SECTOR_SECTIONS,
) -> pl.DataFrame:
    """One row per BPS sector 1..17: its English name, KBLI sections and their Indonesian
    titles (`section_titles`: KBLI section letter -> title)."""
    names = pl.read_csv(lookup, infer_schema=False).filter(
        pl.col("id_bps").cast(pl.Int32) <= SECTORS
    )
    covered = pl.read_csv(sections, infer_schema=False)
    if names.height != SECTORS or covered.height != SECTORS:
        raise ValueError(
            f"{lookup.name} has {names.height} sectors, {sections.name} {covered.height}: "
            f"both should list BPS's {SECTORS} sectors in order"
        )
    rows = []
    # Both files list the sectors in BPS's order (1 agriculture .. 17 other services); the
    # sections file has no id column, so the row order is the key.
    for (code, label_en), letters in zip(
        names.select("id_bps", "sector").rows(), covered["kbli_sections"], strict=True
    ):
        missing = [letter for letter in letters.split(";") if letter not in section_titles]
        if missing:
            raise ValueError(f"KBLI sections {missing} of sector {code} have no title")
        label_id = "; ".join(section_titles[letter] for letter in letters.split(";"))
        rows.append(("kbli_sector", code, f"kbli_sector={code}", label_id, label_en, letters))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def breakdown_value_labels(section_titles: dict[str, str], **files: Path) -> pl.DataFrame:
    """The `dim_breakdown_value` rows: sex and kbli_sector codes with their labels."""
    sex = pl.DataFrame(
        [
            ("sex", code, f"sex={code}", label_id, label_en, None)
            for code, label_id, label_en in SEX_LABELS
        ],
        schema=SCHEMA,
        orient="row",
    )
    return pl.concat([sex, sector_labels(section_titles, **files)])
