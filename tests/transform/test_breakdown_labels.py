"""Labels of the coded `breakdown` values of the Sakernas marts (`dim_breakdown_value`): built
from the shipped lookups, every code the indicator marts write has one."""

from __future__ import annotations

import duckdb
from selected_build import build_selected

from ingest.landing import land_source
from ingest.sakernas.estimate import JOB_DIMS
from ingest.sources import source_by_name
from ingest.warehouse import ensure_landing_tables, write_landing
from orchestration import settings


def test_dim_breakdown_value_labels_sex_and_the_17_sectors_with_their_kbli_sections(tmp_path):
    assert "kbli_sector" in JOB_DIMS
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_landing_tables(con)
        spec = source_by_name("kbli2020_structure")
        write_landing(con, spec, land_source(spec, settings.DATA_DIR), "run-1")
    build_selected(
        tmp_path,
        warehouse,
        "--select",
        "stg_kbli__industries int_breakdown_value_labels dim_breakdown_value",
        "--indirect-selection",
        "cautious",
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = {
            row[0]: row[1:]
            for row in con.execute(
                "select breakdown, breakdown_variable, code, label_id, label_en, kbli_sections "
                "from marts.dim_breakdown_value"
            ).fetchall()
        }
        sections = {
            letter
            for (letter,) in con.execute(
                "select kbli_section from staging.stg_kbli__industries where kbli_level = 1"
            ).fetchall()
        }
    assert set(rows) == {"sex=1", "sex=2"} | {f"kbli_sector={code}" for code in range(1, 18)}
    assert rows["sex=1"] == ("sex", "1", "Laki-laki", "Male", None)
    assert rows["sex=2"] == ("sex", "2", "Perempuan", "Female", None)
    assert rows["kbli_sector=1"][2:] == (
        "Pertanian, Kehutanan dan Perikanan",
        "Agriculture; forestry and fishing",
        "A",
    )
    # BPS's sector 13 is two KBLI sections; its Indonesian label is both their titles.
    assert rows["kbli_sector=13"][3:] == (
        "Professional, scientific and technical activities",
        "M;N",
    )
    assert rows["kbli_sector=13"][2].startswith("Aktivitas Profesional, Ilmiah Dan Teknis; ")
    assert rows["kbli_sector=14"][3:] == (
        "Public administration and defence; compulsory social security",
        "O",
    )
    assert rows["kbli_sector=17"][3:] == ("Other services", "R;S;T;U")
    # Every section named joins dim_industry's sections.
    named = {s for row in rows.values() if row[4] for s in row[4].split(";")}
    assert named <= sections
