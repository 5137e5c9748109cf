"""Karirhub vacancies from the real API responses, listing page and RSS feed."""

from __future__ import annotations

import gzip
import json

import polars as pl
import pytest

from ingest.admin.karirhub import (
    DETAILS_FILE,
    read_karirhub_details,
    read_karirhub_listing,
    read_karirhub_rss,
)


@pytest.fixture(scope="module")
def details():
    return read_karirhub_details()


def test_all_57_responses_load_with_regions_resolved(details) -> None:
    assert details.rows_in == 57
    assert details.rows_loaded == 57
    assert details.rows_quarantined == 0
    staging = details.staging
    assert staging["is_region_resolved"].all()
    assert staging["regency_code_bps"].null_count() == 0
    assert staging["province_code_bps"].null_count() == 0
    assert details.metadata["region_match_methods"] == {"kemendagri_code": 57}


def test_region_levels_village_codes_and_bps_districts(details) -> None:
    staging = details.staging
    assert staging.filter(pl.col("region_level") == "city").height == 15
    villages = staging.filter(pl.col("region_level") == "village")
    assert villages["village_code_kemendagri"].str.len_chars().unique().to_list() == [10]
    bogor = villages.filter(pl.col("village_code_kemendagri") == "3201332006").row(0, named=True)
    assert bogor["regency_code_bps"] == "3201"
    assert bogor["district_code_kemendagri"] == "320133"
    assert bogor["district_code_bps"] is not None and len(bogor["district_code_bps"]) == 7


def test_fields_the_quality_checks_need(details) -> None:
    staging = details.staging
    assert staging["is_partner_repost"].sum() == 15
    assert set(staging.filter("is_partner_repost")["partner_platform_name"]) == {"HiredToday"}
    assert staging["is_salary_shown"].sum() == 32
    # 888/999 is what the API holds when the employer hid the salary: not a wage.
    placeholders = staging.filter(pl.col("salary_status") == "hidden_placeholder")
    assert placeholders.height == 5
    assert placeholders["wage_min_monthly_idr"].null_count() == 5
    assert staging["required_sex"].drop_nulls().unique().sort().to_list() == ["female", "male"]
    assert "disabled" in staging["required_physical_condition"].to_list()
    assert staging["min_education_name"].value_counts().sort("count")[-1, 0] == (
        "SMA atau Sederajat"
    )
    assert staging["quota"].sum() >= staging["available_quota"].sum()
    assert (staging["kbji4"].is_null() & ~staging["is_occupation_coded"]).all()


def test_times_are_utc_and_agree_with_the_listing(details) -> None:
    listing = read_karirhub_listing()
    joined = listing.staging.join(details.staging, on="vacancy_id", suffix="_detail")
    assert joined.height == 30
    assert (joined["published_at"] == joined["published_at_detail"]).all()
    assert (joined["regency_code_bps"] == joined["regency_code_bps_detail"]).all()


def test_listing_and_rss_load(details) -> None:
    for load in (read_karirhub_listing(), read_karirhub_rss()):
        assert load.rows_loaded == 30
        assert load.staging["is_region_resolved"].all()
        assert set(load.staging["vacancy_id"]) <= set(details.staging["vacancy_id"])
    rss = read_karirhub_rss().staging
    # The RSS <title> is cut and decorated; the full title comes from content:encoded.
    assert "DIBUTUHKAN STAFF PENAGIHAN LAPANGAN - TENTENA - PAMONA" in rss["vacancy_title"]


def test_broken_lines_go_to_quarantine_with_their_line_number(tmp_path) -> None:
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    broken = [lines[0], lines[0], '{"data": {"id": "x"', json.dumps({"data": {}}), *lines[1:3]]
    path = tmp_path / "details.jsonl"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    load = read_karirhub_details(path)
    assert load.rows_in == 6
    assert load.rows_loaded == 3
    reasons = dict(zip(load.quarantine["source_row"], load.quarantine["reason_code"], strict=True))
    assert reasons == {2: "id_duplicated", 3: "invalid_json", 4: "missing_id"}
    repeated = load.quarantine.filter(pl.col("source_row") == 2)["reason"].item()
    assert repeated.endswith("is already used by the row on line 1")
    assert "line 3" in load.quarantine.filter(pl.col("source_row") == 3)["reason"][0]


def test_quarantine_reasons_name_file_line_or_position_and_field(tmp_path) -> None:
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    details = tmp_path / "details.jsonl"
    details.write_text("\n".join([lines[0], lines[0], "{oops"]) + "\n", encoding="utf-8")
    reasons = read_karirhub_details(details).quarantine["reason"].to_list()
    assert reasons[0].startswith("details.jsonl line 2 field data.id: id '")
    assert reasons[0].endswith("' is already used by the row on line 1")
    assert reasons[1].startswith("details.jsonl line 3 field *: not valid JSON (")
    # A listing hit and an RSS item are no lines of their file: their position names them.
    listing = tmp_path / "listing.json"
    listing.write_text(json.dumps({"data": [{"title": "Kasir"}]}), encoding="utf-8")
    [reason] = read_karirhub_listing(listing).quarantine["reason"].to_list()
    assert reason == "listing.json hit 1 field id: no id"
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel><item><title>Kasir</title></item></channel></rss>")
    [reason] = read_karirhub_rss(feed).quarantine["reason"].to_list()
    assert reason == "feed.xml item 1 field guid: no guid"


def test_quota_lots_is_quarantined_naming_quota_file_and_line(tmp_path) -> None:
    """A quota of "lots" was quarantined under field `data` with Python's exception text."""
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    body = json.loads(lines[1])
    body["data"]["quota"] = "lots"
    path = tmp_path / "details.jsonl"
    path.write_text("\n".join([lines[0], json.dumps(body)]) + "\n", encoding="utf-8")
    load = read_karirhub_details(path)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)
    row = load.quarantine.row(0, named=True)
    assert (row["source_file"], row["source_row"]) == ("details.jsonl", 2)
    assert (row["field"], row["reason_code"]) == ("data.quota", "unparseable_field")
    assert row["reason"] == "details.jsonl line 2 field data.quota: not a whole number: 'lots'"
    assert json.loads(row["raw_record"])["quota"] == "lots"


def test_every_unusable_value_of_a_record_is_named_in_key_order(tmp_path) -> None:
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    body = json.loads(lines[0])
    body["data"].update(quota=2.5, published_at="yesterday", min_age=[18])
    path = tmp_path / "details.jsonl"
    path.write_text(json.dumps(body) + "\n", encoding="utf-8")
    [row] = read_karirhub_details(path).quarantine.iter_rows(named=True)
    assert row["field"] == "data.quota;data.published_at;data.min_age"
    assert row["reason"] == (
        "details.jsonl line 1 field data.quota: not a whole number: 2.5; "
        "field data.published_at: not a date and time: 'yesterday'; "
        "field data.min_age: not a number: [18]"
    )


def _load_with(tmp_path, *changes):
    """The first real response, then one copy of the second per change, each with its own id."""
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    out = [lines[0]]
    for number, change in enumerate(changes):
        body = json.loads(lines[1])
        body["data"]["id"] = f"changed-{number}"
        change(body["data"])
        out.append(json.dumps(body))
    path = tmp_path / "details.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return read_karirhub_details(path)


@pytest.mark.parametrize(
    ("change", "field", "code", "detail"),
    [
        # Numbers past 64 bits stopped the whole file (Polars ComputeError, OverflowError).
        (lambda d: d.update(quota=1e30), "data.quota", "unparseable_field", "too large"),
        (lambda d: d.update(quota=2**63), "data.quota", "unparseable_field", "too large"),
        (lambda d: d.update(quota="9e99"), "data.quota", "unparseable_field", "too large"),
        # Values of the wrong kind in keys that were passed on unchecked.
        (
            lambda d: d["min_education"].update(level="S1"),
            "data.min_education.level",
            "unparseable_field",
            "not a whole number: 'S1'",
        ),
        (lambda d: d.update(show_salary="ya"), "data.show_salary", "unparseable_field", "'ya'"),
        (lambda d: d.update(status=["open"]), "data.status", "unparseable_field", "['open']"),
        (lambda d: d.update(title=7), "data.title", "unparseable_field", "7"),
        # Nesting that is not the API's, named by its key.
        (lambda d: d.update(skills=["python"]), "data.skills", "unexpected_structure", "python"),
        (lambda d: d.update(region="Jambi"), "data.region", "unexpected_structure", "'Jambi'"),
        (lambda d: d.update(employer=["PT X"]), "data.employer", "unexpected_structure", "PT X"),
        # 0 is no missing date: it is a value that is no date.
        (lambda d: d.update(published_at=0), "data.published_at", "unparseable_field", ": 0"),
        (lambda d: d.update(expires_at=0), "data.expires_at", "unparseable_field", ": 0"),
        # Text that is no calendar date is `invalid_date`, as README "Bad input" says.
        (
            lambda d: d.update(published_at="2025-02-30T10:00:00+07:00"),
            "data.published_at",
            "invalid_date",
            "2025-02-30",
        ),
        (lambda d: d.update(expires_at="2025-02-30"), "data.expires_at", "invalid_date", "02-30"),
    ],
)
def test_a_bad_value_quarantines_its_record_under_its_key(tmp_path, change, field, code, detail):
    load = _load_with(tmp_path, change)
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (2, 1, 1)
    row = load.quarantine.row(0, named=True)
    assert (row["field"], row["reason_code"]) == (field, code)
    assert row["reason"].startswith(f"details.jsonl line 2 field {field}: ")
    assert detail in row["reason"]


def test_many_bad_records_never_stop_the_file_and_every_row_is_counted(tmp_path) -> None:
    changes = [
        lambda d: d.update(quota=1e30, min_age="9e99"),
        lambda d: d.update(show_salary="ya", status=["open"], skills=["python"]),
        lambda d: d.update(id=123),
        lambda d: d.update(id={"nested": 1}),
        lambda d: d["region"]["regionable"].update(code={"x": 1}),
        lambda d: d.update(published_at="0001-01-01 00:00:00"),
        lambda d: None,
    ]
    load = _load_with(tmp_path, *changes)
    assert load.rows_in == load.rows_loaded + load.rows_quarantined == 8
    assert load.rows_loaded == 2
    fields = load.quarantine["field"].to_list()
    assert fields[:2] == ["data.quota;data.min_age", "data.status;data.show_salary;data.skills"]
    assert fields[2:4] == ["data.id", "data.id"]
    assert fields[4] == "data.region.regionable.code"


def test_a_time_with_its_own_zone_is_converted_not_relabelled(tmp_path) -> None:
    """Karirhub's times are WIB wall clock; one ending in Z (UTC) was read as WIB, 7 h off."""
    load = _load_with(
        tmp_path,
        lambda d: d.update(published_at="2025-10-22 09:34:51"),
        lambda d: d.update(published_at="2025-10-22T02:34:51Z"),
        lambda d: d.update(published_at="2025-10-22T09:34:51+07:00"),
        # 20:00 UTC on the 22nd is 03:00 WIB on the 23rd: the WIB date is kept.
        lambda d: d.update(expires_at="2025-11-22T20:00:00Z"),
    )
    times = load.staging["published_at"].to_list()[1:4]
    assert {t.isoformat() for t in times} == {"2025-10-22T02:34:51+00:00"}
    assert load.staging["expires_date"].to_list()[-1].isoformat() == "2025-11-23"


def test_a_valid_record_after_a_quarantined_first_record_of_its_id_loads(tmp_path) -> None:
    # Regression (one repeated-id rule, IdClaims): Karirhub rejected a repeated id before
    # checking the record, and a record quarantined for a bad date claims no id; the id's later
    # valid record loads, and a later record of it with a bad value lists both problems.
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()
    bad_date = json.loads(lines[0])
    bad_date["data"]["published_at"] = "yesterday"
    bad_quota = json.loads(lines[0])
    bad_quota["data"]["quota"] = "lots"
    path = tmp_path / "details.jsonl"
    records = [json.dumps(bad_date), lines[0], json.dumps(bad_quota)]
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    load = read_karirhub_details(path)
    assert (load.rows_in, load.rows_loaded, load.rows_quarantined) == (3, 1, 2)
    assert load.staging["source_row"].to_list() == [2]
    rows = load.quarantine.select("source_row", "field", "reason_code").rows()
    # Text that is no date and time is `invalid_date`, as for the vacancy sources.
    assert rows[0] == (1, "data.published_at", "invalid_date")
    assert rows[1][0] == 3 and set(rows[1][2].split(";")) == {"unparseable_field", "id_duplicated"}
    assert "is already used by the row on line 2" in load.quarantine["reason"][1]


@pytest.mark.parametrize("name", ["details.JSONL.GZ", "details.jsonl.Gz"])
def test_details_named_gz_in_any_case_are_read_through_gzip(tmp_path, name) -> None:
    # Regression: only a lower-case `.gz` was unzipped; `.GZ` failed on the gzip header bytes.
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()[:3]
    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    load = read_karirhub_details(path)
    assert (load.rows_in, load.rows_loaded) == (3, 3)


def _details_with_a_nik_quota(path, rows: int = 3):
    """The first `rows` responses of the real file, the second with a NIK typed as its quota."""
    lines = gzip.open(DETAILS_FILE, "rt", encoding="utf-8").read().splitlines()[:rows]
    body = json.loads(lines[1])
    body["data"]["quota"] = 3172040801054263  # a NIK-shaped number (16 digits)
    lines[1] = json.dumps(body)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_regions_resolved_counts_the_rows_loaded_not_a_row_quarantined_as_a_nik(tmp_path):
    """Regression: the readers counted regions on the rows they staged, before the row with a
    NIK-shaped number was quarantined (`AdminLoad`): 3 regions resolved for 2 rows loaded."""
    from ingest.admin.landing import admin_source, land_admin_source, landing_metadata

    path = _details_with_a_nik_quota(tmp_path / "details.jsonl")
    load, result = land_admin_source(admin_source("karirhub_details"), tmp_path, paths=[path])
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert load.quarantine["reason_code"].to_list() == ["nik_shaped_number"]
    [entry] = load.metadata["files"]
    assert entry["regions_resolved"] == 2 <= result.rows_loaded
    assert sum(entry["region_match_methods"].values()) == 2
    assert landing_metadata(load, result)["regions_resolved"] == 2
    read = read_karirhub_details(path)
    assert read.metadata["regions_resolved"] == read.rows_loaded == 2


def test_regions_resolved_of_a_file_leaves_out_its_rows_with_a_repeated_id(tmp_path):
    """Two files of one partition with the same responses: the second file's rows are
    quarantined as `id_duplicated` when landed, so none of its regions counts."""
    from ingest.admin.landing import admin_source, land_admin_source

    first = _details_with_a_nik_quota(tmp_path / "a.jsonl")
    second = _details_with_a_nik_quota(tmp_path / "b.jsonl")
    load, result = land_admin_source(
        admin_source("karirhub_details"), tmp_path, paths=[first, second]
    )
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    regions = {e["source_file"]: e["regions_resolved"] for e in load.metadata["files"]}
    assert regions == {"a.jsonl": 2, "b.jsonl": 0}
