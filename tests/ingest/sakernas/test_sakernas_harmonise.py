"""Harmonisation by configuration: the real Jambi round, quarantine, another round layout."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from ingest.sakernas import harmonise, load_round_config
from ingest.sakernas.config import RoundConfigError
from ingest.sakernas.harmonise import HARMONISED_SCHEMA, HarmonisationError


def weighted_rate(persons: pl.DataFrame, numerator: str, denominator: str | None) -> float:
    weight = pl.col("weight")
    base = weight * pl.col(denominator) if denominator else weight
    return persons.select((weight * pl.col(numerator)).sum() / base.sum() * 100).item()


def test_jambi_reproduces_published_tpt_and_tpak(jambi_persons: pl.DataFrame) -> None:
    assert dict(jambi_persons.schema) == HARMONISED_SCHEMA
    assert round(weighted_rate(jambi_persons, "is_unemployed", "is_in_labour_force"), 2) == 5.13
    assert round(weighted_rate(jambi_persons, "is_in_labour_force", None), 2) == 67.79
    assert jambi_persons["weight"].sum() == 2_703_853


def test_jambi_codes_are_harmonised(jambi_persons: pl.DataFrame) -> None:
    # KODE_KAB "1" is Kerinci: regency codes carry the province and the leading zero.
    assert sorted(jambi_persons["regency_code"].unique().to_list())[:2] == ["1501", "1502"]
    assert "1571" in jambi_persons["regency_code"].to_list()
    employed = jambi_persons.filter(pl.col("is_employed"))
    assert employed["occupation_scheme"].unique().to_list() == ["KBJI2014"]
    # KBJI major group 0 (armed forces) is a real code for the employed, not "not applicable".
    assert employed.filter(pl.col("occupation_code") == "0").height == 33
    not_employed = jambi_persons.filter(~pl.col("is_employed"))
    assert not_employed["occupation_code"].null_count() == not_employed.height
    # Sentinel 0 ("not applicable") never becomes an earnings value.
    assert employed.filter(pl.col("earnings_monthly_idr") == 0).height == 0
    assert set(not_employed["earnings_missing_reason"].unique()) == {"not_applicable"}


def _tiny_round(rows: list[dict[str, str]]) -> pl.DataFrame:
    """A few 2020-08 microdata rows: `rows` plus one area, sample and answer to every other
    question the harmonisation reads."""
    return pl.DataFrame(rows).with_columns(
        pl.lit("15").alias("KODE_PROV"), pl.lit("1").alias("KODE_KAB"),
        pl.lit("4853").alias("ID_NKS"), pl.lit("2").alias("KLASIFIKAS"),
        pl.lit("1").alias("R25A"), pl.lit("0").alias("R12A"), pl.lit("0").alias("R13B_KBJI2"),
        pl.lit("0").alias("R13A_KATEG"), pl.lit("0").alias("R14A1"), pl.lit("0").alias("R14A2"),
        pl.lit("0").alias("R16A"), pl.lit("0").alias("R20B"), pl.lit("0").alias("R21A"),
        pl.lit("3").alias("R6A"),
    )  # fmt: skip


def test_rows_without_weight_or_sex_are_quarantined_not_lost() -> None:
    config = load_round_config("2020-08")
    base = {name: "2" for name in ("R9A", "R9B", "R9C", "R10A", "R22A", "R22B")}
    rows = [
        {**base, "FINAL_WEIG": "100", "K4": "1", "K6": "30", "URUTAN": "1"},
        {**base, "FINAL_WEIG": "", "K4": "2", "K6": "40", "URUTAN": "2"},
        {**base, "FINAL_WEIG": "120", "K4": "9", "K6": "41", "URUTAN": "3"},
    ]
    frame = _tiny_round(rows).with_columns(pl.col("FINAL_WEIG").replace("", None))
    persons, quarantine = harmonise(frame, config, source_file="tiny.csv")
    assert persons["person_key"].to_list() == ["1"]
    assert persons["is_unemployed"].to_list() == [True]
    assert quarantine.select(
        "source_file", "source_row", "field", "raw_value", "reason"
    ).rows() == [
        ("tiny.csv", 2, "FINAL_WEIG", None, "weight_missing_or_not_positive"),
        ("tiny.csv", 3, "K4", "9", "sex_code_unknown"),
    ]


def test_a_weight_too_large_for_a_float_is_quarantined_not_infinite() -> None:
    # Regression: FINAL_WEIG "1e400" (or 400 digits) became inf, passed the positive-weight
    # check and made every weighted estimate infinite.
    config = load_round_config("2020-08")
    base = {name: "2" for name in ("R9A", "R9B", "R9C", "R10A", "R22A", "R22B")}
    weights = ["100", "1e400", "9" * 400, "-1e400", "nan"]
    rows = [
        {**base, "FINAL_WEIG": weight, "K4": "1", "K6": "30", "URUTAN": str(number)}
        for number, weight in enumerate(weights, start=1)
    ]
    frame = _tiny_round(rows)
    persons, quarantine = harmonise(frame, config, source_file="tiny.csv")
    assert persons["person_key"].to_list() == ["1"]
    assert quarantine.select("source_file", "source_row", "field", "reason").rows() == [
        ("tiny.csv", 4, "FINAL_WEIG", "weight_missing_or_not_positive"),
        ("tiny.csv", 2, "FINAL_WEIG", "weight_not_finite"),
        ("tiny.csv", 3, "FINAL_WEIG", "weight_not_finite"),
        ("tiny.csv", 5, "FINAL_WEIG", "weight_not_finite"),
    ]
    assert persons.height + quarantine["source_row"].n_unique() == len(weights)


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "streamed"])
def test_a_repeated_person_is_quarantined_as_id_duplicated(lazy: bool) -> None:
    # Regression: 50 repeated rows of a 2,000-row file gave 2,050 persons and 0 quarantined,
    # raising the population and mean earnings. The person key (URUTAN in 2020-08) follows
    # the landings' rule: the first otherwise usable row claims it; a bad first copy does not.
    config = load_round_config("2020-08")
    base = {name: "2" for name in ("R9A", "R9B", "R9C", "R10A", "R22A", "R22B")}
    keys_and_weights = [
        ("1", "100"), ("2", "-5"), ("1", "100"), ("2", "120"), (" 1 ", "100"), ("2", "9"),
        ("", "50"), ("", "50"), ("3", "-1"),
    ]  # fmt: skip
    rows = [
        {**base, "FINAL_WEIG": weight, "K4": "1", "K6": "30", "URUTAN": key}
        for key, weight in keys_and_weights
    ]
    frame = _tiny_round(rows).with_columns(pl.col("URUTAN").replace("", None))
    persons, quarantine = harmonise(frame.lazy() if lazy else frame, config, source_file="d.csv")
    if lazy:
        persons, quarantine = persons.collect(), quarantine.collect()
    assert persons["source_row"].to_list() == [1, 4, 7, 8]
    assert persons["weight"].sum() == 320
    assert quarantine.sort("source_row", "reason").rows() == [
        ("d.csv", 2, "FINAL_WEIG", "-5", "weight_missing_or_not_positive", None),
        ("d.csv", 3, "URUTAN", "1", "id_duplicated", 1),
        ("d.csv", 5, "URUTAN", "1", "id_duplicated", 1),
        ("d.csv", 6, "URUTAN", "2", "id_duplicated", 4),
        ("d.csv", 9, "FINAL_WEIG", "-1", "weight_missing_or_not_positive", None),
    ]
    assert persons.height + quarantine["source_row"].n_unique() == len(rows)


def test_values_no_person_can_have_are_quarantined() -> None:
    # Regression: age -5 and 999 (counted as 65+), 200 weekly hours and employee earnings of
    # -3,500,000 and 9,999,999,999,999 went into the estimates.
    config = load_round_config("2020-08")
    worker = {"R9A": "1", "R9B": "0", "R9C": "0", "R10A": "0", "R22A": "0", "R22B": "0"}
    changes = [
        {}, {"K6": "-5"}, {"K6": "999"}, {"K6": "0"}, {"K6": "98"}, {"K6": "99"},
        {"R16A": "200"}, {"R16A": "168"}, {"R20B": "169"}, {"R16A": "-1"}, {"R16A": "nan"},
        {"R14A1": "-3500000"}, {"R14A2": "9999999999999"}, {"R14A1": "1000000000"},
        {"R14A1": "1000000001"}, {"R14A1": "0", "R14A2": "0"},
    ]  # fmt: skip
    rows = [
        {**worker, "FINAL_WEIG": "100", "K4": "1", "K6": "30", "URUTAN": str(number)}
        for number in range(1, len(changes) + 1)
    ]
    frame = _tiny_round(rows).with_columns(
        pl.lit("4").alias("R12A"), pl.lit("2000000").alias("R14A1"), pl.lit("40").alias("R16A")
    )
    for index, change in enumerate(changes):
        for name, value in change.items():
            frame = frame.with_columns(
                pl.when(pl.int_range(pl.len()) == index)
                .then(pl.lit(value))
                .otherwise(pl.col(name))
                .alias(name)
            )
    persons, quarantine = harmonise(frame, config, source_file="odd.csv")
    assert quarantine.sort("source_row").select(
        "source_row", "field", "raw_value", "reason"
    ).rows() == [
        (2, "K6", "-5", "age_out_of_range"),
        (3, "K6", "999", "age_out_of_range"),
        (6, "K6", "99", "age_out_of_range"),
        (7, "R16A", "200", "hours_out_of_range"),
        (9, "R20B", "169", "hours_out_of_range"),
        (10, "R16A", "-1", "hours_out_of_range"),
        (11, "R16A", "nan", "hours_out_of_range"),
        (12, "R14A1", "-3500000", "earnings_negative"),
        (13, "R14A2", "9999999999999", "earnings_above_ceiling"),
        (15, "R14A1", "1000000001", "earnings_above_ceiling"),
    ]
    assert persons["source_row"].to_list() == [1, 4, 5, 8, 14, 16]
    assert persons["age_group"].to_list() == ["25-34", "under_15", "65+", "25-34", "25-34", "25-34"]
    # Zero earnings are the "not applicable" sentinel: missing, not out of range.
    assert persons["earnings_monthly_idr"].to_list()[-1] is None


def test_a_round_with_other_names_and_scheme_needs_only_a_mapping(tmp_path: Path) -> None:
    mapping = {
        "extends": "2020-08",
        "round_id": "test-1990-08",
        "period": "1990-08",
        "weight": {"variable": "WEIGHT", "scale": 0.01},
        "sex": {"variable": "JK", "codes": {"L": "1", "P": "2"}},
        "occupation": {"variable": "KJI", "scheme": "KJI1982", "digits": 1},
    }
    path = tmp_path / "test-1990-08.yaml"
    path.write_text(yaml.safe_dump(mapping))
    config = load_round_config(path)
    frame = pl.DataFrame(
        {
            "URUTAN": ["1", "2"], "KODE_PROV": ["15", "15"], "KODE_KAB": ["71", "71"],
            "ID_NKS": ["1", "2"], "KLASIFIKAS": ["1", "1"], "WEIGHT": ["12345", "20000"],
            "JK": ["P", "L"], "K6": ["33", "50"], "R6A": ["8", "2"], "R9A": ["1", "1"],
            "R9B": ["0", "0"], "R9C": ["0", "0"], "R10A": ["0", "0"], "R22A": ["2", "2"],
            "R22B": ["2", "2"], "R25A": ["0", "0"], "R12A": ["4", "1"], "KJI": ["6", "0"],
            "R13A_KATEG": ["1", "7"], "R14A1": ["1000000", "0"], "R14A2": ["0", "0"],
            "R16A": ["40", "20"], "R20B": ["40", "20"], "R21A": ["2", "1"],
        }
    )  # fmt: skip
    persons, quarantine = harmonise(frame, config)
    assert quarantine.height == 0
    assert persons["weight"].to_list() == [123.45, 200.0]
    assert persons["sex"].to_list() == ["2", "1"]
    assert persons.select("occupation_scheme", "occupation_code").rows() == [
        ("KJI1982", "6"),
        ("KJI1982", "0"),
    ]
    assert persons["is_underemployed"].to_list() == [False, True]
    assert persons["education_level"].to_list() == ["university", "primary"]


def test_mapping_errors_name_the_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({"round_id": "x", "period": "2020-08"}))
    with pytest.raises(RoundConfigError, match="broken.yaml: required field `weight.variable`"):
        load_round_config(broken)
    config = load_round_config("2020-08")
    with pytest.raises(HarmonisationError, match="FINAL_WEIG"):
        harmonise(pl.DataFrame({"K4": ["1"]}), config, source_file="short.csv")


@pytest.mark.parametrize("age_range", [[15], [98, 0], ["0", "98"], "0-98"])
def test_a_malformed_age_range_is_a_mapping_error(tmp_path: Path, age_range: object) -> None:
    mapping = tmp_path / "ages.yaml"
    mapping.write_text(
        yaml.safe_dump({"extends": "2020-08", "age": {"variable": "K6", "range": age_range}})
    )
    with pytest.raises(RoundConfigError, match="ages.yaml: `age.range` must be two whole"):
        load_round_config(mapping)


def test_a_mapping_can_narrow_the_age_range(tmp_path: Path) -> None:
    mapping = tmp_path / "ages.yaml"
    mapping.write_text(
        yaml.safe_dump({"extends": "2020-08", "age": {"variable": "K6", "range": [15, 90]}})
    )
    base = {name: "2" for name in ("R9A", "R9B", "R9C", "R10A", "R22A", "R22B")}
    rows = [
        {**base, "FINAL_WEIG": "100", "K4": "1", "K6": age, "URUTAN": str(number)}
        for number, age in enumerate(["14", "15", "90", "91"], start=1)
    ]
    persons, quarantine = harmonise(_tiny_round(rows), load_round_config(mapping))
    assert persons["age"].to_list() == [15, 90]
    assert quarantine.select("source_row", "reason").rows() == [
        (1, "age_out_of_range"),
        (4, "age_out_of_range"),
    ]


def test_every_shipped_round_mapping_loads() -> None:
    for name in ("2020-08", *(f"synthetic-{year}-08" for year in range(2015, 2025))):
        config = load_round_config(name)
        assert config.period[:4].isdigit()
    assert load_round_config("synthetic-2017-08").occupation_digits == 4
    assert load_round_config("synthetic-2017-08").is_synthetic


def test_se_method_names_province_strata_where_the_regency_is_unknown() -> None:
    # Regression: synthetic provinces 92, 95, 96, 97 have no KODE_KAB, so their
    # strata are province x urban/rural, yet se_method said regency x urban/rural.
    config = load_round_config("2020-08")
    base = {name: "2" for name in ("R9A", "R9B", "R9C", "R10A", "R22A", "R22B")}
    rows = [
        {**base, "FINAL_WEIG": "100", "K4": "1", "K6": "30", "URUTAN": str(number)}
        for number in (1, 2)
    ]
    frame = _tiny_round(rows).with_columns(pl.Series("KODE_KAB", ["1", None], dtype=pl.String))
    persons, quarantine = harmonise(frame, config, source_file="tiny.csv")
    assert quarantine.height == 0
    methods = dict(zip(persons["person_key"], persons["se_method"], strict=True))
    assert methods["1"] == config.se_method
    assert "strata=regency_x_urban_rural" in methods["1"]
    assert "strata=province_x_urban_rural" in methods["2"]
