"""Vacancy validation rules (VAC-*): a failing input flags, a passing input does not.

The phrase rules (sex, age, marital status, religion, ethnicity, appearance) are tested example by
example in test_lexicon.py; here each rule runs through `check_vacancies`, the function the
warehouse and `lmis check-vacancies` both call.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from quality.vacancies import RULES, CheckSettings, check_vacancies, rule_table
from quality.vacancies.warehouse import missing_inputs, vacancy_input_projection

UMP = pl.DataFrame(
    {
        "province_code": ["31", "31", "33"],
        "wage_year": [2023, 2024, 2024],
        "minimum_wage_monthly_idr": [4_901_798.0, 5_067_381.0, 2_036_947.0],
    }
)


def _vacancy(**values) -> dict:
    base = {
        "id": "v",
        "title": "Staf Administrasi",
        "description": "Mengelola dokumen dan arsip kantor.",
        "salary_monthly_min": None,
        "salary_monthly_max": None,
        "province_code": "31",
        "posted_date": dt.date(2024, 5, 2),
        "hours_per_week": None,
    }
    return base | values


def _check(*vacancies: dict, settings: CheckSettings | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(list(vacancies), infer_schema_length=None)
    return check_vacancies(frame, UMP, settings or CheckSettings(as_of=dt.date(2024, 5, 10)))


def _one(result: pl.DataFrame, column: str, row: int = 0):
    return result[column][row]


# VAC-PAY-01
def test_pay_below_ump_is_flagged_with_the_ump_in_evidence():
    result = _check(_vacancy(salary_monthly_min=4_000_000.0, salary_monthly_max=5_500_000.0))
    assert _one(result, "is_pay_below_minimum_wage") is True
    evidence = _one(result, "pay_below_minimum_wage_evidence")
    assert "Rp 4000000" in evidence and "UMP 2024" in evidence and "Rp 5067381" in evidence


def test_pay_at_or_above_ump_passes():
    result = _check(_vacancy(salary_monthly_min=5_067_381.0))
    assert _one(result, "is_pay_below_minimum_wage") is False


def test_pay_uses_the_upper_bound_when_only_that_is_stated():
    result = _check(_vacancy(salary_monthly_max=2_000_000.0, province_code="33"))
    assert _one(result, "is_pay_below_minimum_wage") is True


def test_a_year_without_ump_uses_the_latest_earlier_year_and_says_so():
    result = _check(
        _vacancy(salary_monthly_min=5_000_000.0, posted_date=dt.date(2025, 7, 1)),
        settings=CheckSettings(as_of=dt.date(2025, 7, 9)),
    )
    assert _one(result, "is_pay_below_minimum_wage") is True
    assert _one(result, "minimum_wage_year") == 2024
    assert "no UMP for 2025" in _one(result, "pay_below_minimum_wage_evidence")


def test_the_posting_years_ump_is_used_where_the_table_has_it():
    ump_2025 = {"province_code": ["31"], "wage_year": [2025], "minimum_wage_monthly_idr": [5.4e6]}
    wages = pl.concat([UMP, pl.DataFrame(ump_2025)])
    vacancy = _vacancy(salary_monthly_min=5_200_000.0, posted_date=dt.date(2025, 3, 1))
    result = check_vacancies(
        pl.DataFrame([vacancy]), wages, CheckSettings(as_of=dt.date(2025, 3, 9))
    )
    assert _one(result, "is_pay_below_minimum_wage") is True
    assert _one(result, "minimum_wage_year") == 2025
    assert "latest earlier year" not in _one(result, "pay_below_minimum_wage_evidence")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"salary_monthly_min": None}, "no monthly pay"),
        ({"salary_monthly_min": 3.5}, "not a plausible wage"),
        ({"salary_monthly_min": 1_000_000.0, "province_code": None}, "province unknown"),
        ({"salary_monthly_min": 1_000_000.0, "province_code": "94"}, "no UMP for province 94"),
        ({"salary_monthly_min": 1_000_000.0, "posted_date": dt.date(2010, 1, 1)}, "no UMP"),
        (
            {"salary_monthly_min": 1_000_000.0, "employment_type": "Part Time"},
            "not applicable",
        ),
        ({"salary_monthly_min": 1_000_000.0, "employment_type": "internship"}, "not applicable"),
    ],
)
def test_pay_rule_not_checked_says_why(values, reason):
    result = _check(_vacancy(**values))
    assert _one(result, "is_pay_below_minimum_wage") is None
    assert reason in _one(result, "pay_below_minimum_wage_evidence")


def test_contract_posts_are_bound_by_the_ump():
    result = _check(_vacancy(salary_monthly_min=1_000_000.0, employment_type="full_time,contract"))
    assert _one(result, "is_pay_below_minimum_wage") is True


# VAC-HRS-01
def test_hours_above_the_limit_from_the_schedule_are_flagged():
    text = (
        "Tugas: administrasi.\n\nWaktu Bekerja :\nSenin - Sabtu 08.00 - 17.00\n\nTunjangan :\nBPJS"
    )
    result = _check(_vacancy(description=text))
    assert _one(result, "is_hours_above_legal_limit") is True
    assert "48.0 h/week" in _one(result, "hours_above_legal_limit_evidence")


def test_stated_hours_per_week_win_over_the_text():
    text = "Waktu Bekerja :\nSenin - Sabtu 08.00 - 17.00"
    result = _check(_vacancy(description=text, hours_per_week=40.0))
    assert _one(result, "is_hours_above_legal_limit") is False
    assert "stated hours_per_week" in _one(result, "hours_above_legal_limit_evidence")


def test_hours_within_the_limit_pass_and_unknown_hours_are_not_checked():
    within = _vacancy(id="a", description="Waktu Bekerja :\nSenin - Jumat 08.00 - 17.00")
    unknown = _vacancy(id="b")
    result = _check(within, unknown)
    assert result["is_hours_above_legal_limit"].to_list() == [False, None]


def test_a_day_over_eight_hours_is_above_the_limit_even_without_days():
    result = _check(_vacancy(description="Waktu Bekerja :\nJam 07.00 - 21.00"))
    assert _one(result, "is_hours_above_legal_limit") is True


# VAC-SEX-01 .. VAC-APP-01 through the full check, with stated requirement fields
@pytest.mark.parametrize(
    ("title", "description", "evidence"),
    [
        ("Admin", "Dicari admin wanita untuk toko kami.", "admin wanita"),
        ("Sopir", "Dibutuhkan segera sopir pria, SIM B1.", "sopir pria"),
        ("Staf Toko", "Kualifikasi:\n- Cewek, max 25 th", "Cewek"),
        ("Gudang", "Lowongan: Admin Gudang (Pria)", "Admin Gudang (Pria"),
        ("Kasir", "Dicari 2 cowok untuk jaga toko", "2 cowok"),
    ],
)
def test_noun_before_the_sex_word_and_cewek_cowok_are_flagged(title, description, evidence):
    result = _check(_vacancy(title=title, description=description))
    assert _one(result, "has_sex_requirement") is True
    assert evidence in _one(result, "sex_requirement_evidence")


@pytest.mark.parametrize(
    "description",
    [
        "Redaksi majalah Wanita Karir mencari penulis.",
        "Admin menginput stok Produk Wanita dan pakaian wanita.",
        "Cleaner membersihkan toilet pria dan area lobi.",
        "Staff berhak atas cuti haid bagi karyawan wanita sesuai undang-undang.",
    ],
)
def test_products_places_and_benefits_of_one_sex_are_not_flagged(description):
    result = _check(_vacancy(title="Staf Administrasi", description=description))
    assert _one(result, "has_sex_requirement") is False


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        ("has_sex_requirement", "Kualifikasi: Pria/Wanita, jujur"),
        ("has_age_limit", "Usia maksimal 25 tahun"),
        ("has_marital_status_requirement", "Belum menikah"),
        ("has_religion_requirement", "Diutamakan muslim"),
        ("has_ethnicity_requirement", "Diutamakan keturunan Tionghoa"),
        ("has_appearance_requirement", "Berpenampilan menarik"),
    ],
)
def test_each_phrase_rule_flags_its_phrase_and_only_that_rule(flag, text):
    result = _check(_vacancy(description=text))
    phrase_flags = [r.flag_column for r in RULES if r.flag_column.startswith("has_")]
    assert {f: _one(result, f) for f in phrase_flags} == {f: f == flag for f in phrase_flags}


# Real advert text (Loker.id 2025, JobStreet 2021) the rule missed; the review's posting ids.
@pytest.mark.parametrize(
    ("description", "scope"),
    [
        ("Kualifikasi :\n– Pria\n– Pendidikan SMA/SMK Sederajat", "one_sex"),  # 10710480
        ("Kualifikasi :\n– Wanita\n– Berusia 20 – 30 tahun", "one_sex"),  # 10840708
        ("Kualifikasi :\na.\tLaki-laki, Maksimal 35 Tahun\nb.\tMemiliki SIM B1", "one_sex"),
        ("? Pria, usia 18–30\u00a0tahun (memiliki KTP)? Lulusan SMA/SMK", "one_sex"),
        ("Kualifikasi :\nPerempuan dengan usia maks. 30 tahun", "one_sex"),  # 12120866
        ("Kualifikasi :\n1. Wanita dgn umur max 35 thn,", "one_sex"),  # 12370532
        ("membuka kesempatan bagi tenaga pengajar pria yang berdedikasi", "one_sex"),
        ("Kami membutuhkan personil wanita untuk divisi Export Import", "one_sex"),
        ("Kualifikasi :\nLaki / Perempuan , usia maksimal 40 tahun", "both_sexes"),  # 13523453
        ("1. Pendidikan S1 Akuntansi\n2. Laki / Perempuan  bersedia dinas", "both_sexes"),
    ],
)
def test_missed_sex_forms_are_flagged_with_their_scope(description, scope):
    result = _check(_vacancy(description=description))
    assert _one(result, "has_sex_requirement") is True
    assert _one(result, "sex_requirement_scope") == scope


@pytest.mark.parametrize(
    ("title", "description", "scope"),
    [
        ("Staf Toko", "Kualifikasi: Pria/Wanita, usia maksimal 30 tahun", "both_sexes"),
        ("Sales Promotion Girl / Boy", "Melayani pelanggan", "both_sexes"),
        ("SPG/SPB Mall", "Melayani pelanggan", "both_sexes"),
        ("Housekeeping", "Wanita / PriaMaksimal Usia 28 tahun", "both_sexes"),
        ("SPG Kosmetik", "Melayani pelanggan", "one_sex"),
        ("Admin", "Kualifikasi:\n- Wanita, max 25 th", "one_sex"),
        ("Admin", "Pria/Wanita\n- Wanita, max 25 th", "both_sexes"),
        ("Admin", "Mengelola dokumen", None),
        # The same sex in two languages names one sex; it read as both (a trailing slash).
        ("Admin", "Kualifikasi:\n- Wanita/Female\n- Usia maks 30", "one_sex"),
        ("Admin", "Requirements:\n- Pria/Male, max 30", "one_sex"),
        ("Admin", "Kualifikasi:\n- Wanita / Pria\n- Usia maks 30", "both_sexes"),
        # A quota for each sex names both (not a one-sex restriction); it read as the first.
        ("Admin", "Kebutuhan: Pria 3 orang, Wanita 2 orang", "both_sexes"),
        ("Admin", "vacant : 4 (2 pria dan 2 wanita) staff call center", "both_sexes"),
        # A sex glued to the next word is flagged; its scope was null.
        ("Admin", "Kualifikasi:\n- wanitausia max 25", "one_sex"),
    ],
)
def test_sex_scope_separates_one_sex_from_both_sexes_listed(title, description, scope):
    result = _check(_vacancy(title=title, description=description))
    assert _one(result, "sex_requirement_scope") == scope
    assert _one(result, "has_sex_requirement") is (scope is not None)


def test_sex_scope_reads_the_stated_sex_field_too():
    result = _check(
        _vacancy(id="a", required_sex="Perempuan"),
        _vacancy(id="b", required_sex="female", description="Kualifikasi: Pria/Wanita"),
    )
    assert result["sex_requirement_scope"].to_list() == ["one_sex", "both_sexes"]


# Real JobStreet 2021 advert text the rules missed (the review's ids in comments).
@pytest.mark.parametrize(
    ("flag", "description"),
    [
        ("has_appearance_requirement", "Berpenampilan Rapi, Menarik. Jujur, Bersih"),  # 3724410
        ("has_appearance_requirement", "Berpenampilan bersih, menarik, dan rapi"),  # 3734689
        ("has_appearance_requirement", "Berpenampilan rapi, bersih dan menarik"),  # 3736629
        ("has_appearance_requirement", "sederajat . Merpenampilan menarik . Jujur"),  # 3721520
        ("has_appearance_requirement", "Wanitaa Berpenampilann menarikk Tertarik"),  # 3732102
        ("has_appearance_requirement", "BertanggungjawabBerpenampilan menarikMemiliki"),
        ("has_appearance_requirement", "Sederajat3. Dapat menjaga penampilan menarik4. Antusias"),
        ("has_ethnicity_requirement", "Mempunyai Wajah oriental lebih diutamakan."),  # 3731737
        ("has_religion_requirement", "S1 Psikolog Lancar dalam membaca Al-Qur'an Bertanggung"),
        ("has_age_limit", "Persyaratan : Usia maksimal 3o tahun. Pendidikan"),  # 3720097
        ("has_age_limit", "di Hotel, Restoran, atau CateringUsia 30 - 50..."),  # 3726367
        ("has_age_limit", "Diploma(D3) atau Sarjana(S1) IT/IS/TK Umur dibawah dari 35 tahun"),
        # The same glued in lower case (HTML stripped): after a known word only, not "manusia".
        ("has_age_limit", "di Hotel, Restoran, atau cateringusia 30 - 50..."),
        ("has_age_limit", "Kualifikasi:\n- wanitausia max 25"),
    ],
)
def test_missed_text_requirements_are_flagged(flag, description):
    result = _check(_vacancy(title="Staf", description=description))
    assert _one(result, flag) is True


@pytest.mark.parametrize(
    ("flag", "description"),
    [
        ("has_age_limit", "You will manage 15-20 roles at any one time"),
        ("has_appearance_requirement", "Berpenampilan rapi dan sopan, gaji menarik"),
        # A phrase ends at a line: the next line is another item ("Gaji menarik": pay).
        ("has_appearance_requirement", "Kualifikasi:\n- Berpenampilan rapi\nGaji menarik"),
        ("has_appearance_requirement", "Wajah\nMenarik"),
        # Teasers join lines with a space: only words of looks stand in the phrase.
        ("has_appearance_requirement", "Berpenampilan rapi Gaji menarik Bonus"),
        ("has_ethnicity_requirement", "Hotel Mandarin Oriental Jakarta membuka lowongan"),
    ],
)
def test_look_alikes_of_the_new_forms_are_not_flagged(flag, description):
    result = _check(_vacancy(title="Staf", description=description))
    assert _one(result, flag) is False


def test_stated_sex_and_maximum_age_fields_flag_like_text():
    result = _check(_vacancy(required_sex="female", max_age=35))
    assert _one(result, "has_sex_requirement") is True
    assert _one(result, "sex_requirement_evidence") == "required_sex: female"
    assert _one(result, "has_age_limit") is True


# VAC-STL-01
def test_old_posting_not_seen_in_the_latest_crawl_is_stale():
    old = _vacancy(
        id="old",
        posted_date=dt.date(2024, 1, 2),
        last_seen_date=dt.date(2024, 2, 1),
        source="board",
    )
    relisted = _vacancy(
        id="relisted",
        posted_date=dt.date(2024, 1, 2),
        last_seen_date=dt.date(2024, 5, 10),
        source="board",
    )
    recent = _vacancy(
        id="recent",
        posted_date=dt.date(2024, 4, 20),
        last_seen_date=dt.date(2024, 4, 25),
        source="board",
    )
    result = _check(old, relisted, recent, settings=CheckSettings())  # as of the latest crawl
    assert result["is_stale"].to_list() == [True, False, False]
    assert "seen in the latest crawl" in result["stale_evidence"][1]


def test_a_source_crawled_on_one_day_cannot_be_judged_stale():
    """Dealls 2024 is one crawl: every posting was listed that day, so none is seen to have gone
    (the rule's test), however old its posting date (dealls, "posted 2023-03-08, 533 days")."""
    crawl = dt.date(2024, 8, 22)
    snapshot = [
        _vacancy(
            id=f"dealls:{n}",
            source="dealls",
            posted_date=posted,
            first_seen_date=crawl,
            last_seen_date=crawl,
        )
        for n, posted in enumerate([dt.date(2023, 3, 8), dt.date(2024, 8, 15)])
    ]
    result = _check(*snapshot, settings=CheckSettings())
    assert result["is_stale"].to_list() == [None, None]
    assert "crawled on one day only (2024-08-22)" in result["stale_evidence"][0]
    assert "533 days before it" in result["stale_evidence"][0]
    # A reference date of the user's (`--as-of`) still judges such a file.
    later = CheckSettings(as_of=dt.date(2024, 12, 1))
    assert _check(*snapshot, settings=later)["is_stale"].to_list() == [True, True]


def test_stale_age_is_configurable():
    posting = _vacancy(posted_date=dt.date(2024, 4, 1))
    strict = CheckSettings(as_of=dt.date(2024, 5, 10), stale_after_days=30)
    assert _one(_check(posting, settings=strict), "is_stale") is True
    assert _one(_check(posting), "is_stale") is False


# VAC-DUP-01
def test_later_posting_of_a_cluster_is_a_duplicate():
    first = _vacancy(id="a", vacancy_id="a", posted_date=dt.date(2024, 5, 1))
    later = _vacancy(id="b", vacancy_id="a", posted_date=dt.date(2024, 5, 3))
    other = _vacancy(id="c", vacancy_id="c", posted_date=dt.date(2024, 5, 2))
    result = _check(later, first, other)
    assert result["is_duplicate"].to_list() == [True, False, False]
    assert result["duplicate_evidence"][0] == "another posting of vacancy a"


def test_the_linkers_first_posting_wins():
    first = _vacancy(id="a", vacancy_id="a", is_first_posting=False)
    chosen = _vacancy(id="b", vacancy_id="a", is_first_posting=True)
    assert _check(first, chosen)["is_duplicate"].to_list() == [True, False]


def test_without_clusters_same_title_employer_and_province_is_a_duplicate():
    first = _vacancy(id="a", company="PT Maju", posted_date=dt.date(2024, 5, 1))
    again = _vacancy(id="b", company="PT  MAJU", title="STAF  administrasi")
    elsewhere = _vacancy(id="c", company="PT Maju", province_code="33")
    result = _check(first, again, elsewhere)
    assert result["is_duplicate"].to_list() == [False, True, False]


def test_output_has_a_flag_and_evidence_per_rule_and_counts_flags():
    result = _check(_vacancy(description="Pria, usia maksimal 25 tahun"))
    for rule in RULES:
        assert rule.flag_column in result.columns and rule.evidence_column in result.columns
    assert _one(result, "flags_raised") == 2
    assert _one(result, "flagged_rules") == "sex_requirement,age_limit"
    assert rule_table()["standard_id"].to_list() == [r.standard_id for r in RULES]


def test_a_posting_breaking_no_rule_has_flagged_rules_empty_not_null():
    # Documented in the quality marts' YAML: '' (never null) when nothing is flagged.
    result = _check(_vacancy(description="Staf administrasi, pendidikan minimal SMA"))
    assert _one(result, "flags_raised") == 0
    assert _one(result, "flagged_rules") == ""


def test_input_without_required_columns_or_with_duplicate_ids_is_refused():
    with pytest.raises(ValueError, match="description"):
        check_vacancies(pl.DataFrame({"id": ["a"], "title": ["x"]}), UMP)
    frame = pl.DataFrame({"id": ["a", "a"], "title": ["x", "y"], "description": ["", ""]})
    with pytest.raises(ValueError, match="unique"):
        check_vacancies(frame, UMP)


@pytest.mark.parametrize("normalised", [False, True])
def test_warehouse_postings_of_either_shape_map_onto_the_contract(normalised):
    pay = (
        "4000000.0 as salary_monthly_min_idr, 6000000.0 as salary_monthly_max_idr, "
        "'v' as vacancy_id, true as is_first_posting, "
        if normalised
        else "4000000.0 as salary_min, 6000000.0 as salary_max, 'monthly' as salary_period, "
        "'IDR' as salary_currency, "
    )
    con = duckdb.connect()
    con.execute(
        "create table fct_vacancy_postings as select 'jobstreet:1' as posting_id, "
        "'jobstreet' as source, 'Kasir' as job_title, 'Usia maksimal 25 tahun' as description, "
        f"'PT A' as company_name, {pay}'31' as province_bps_code, "
        "date '2024-05-02' as posted_date, date '2024-05-02' as first_seen_date, "
        "date '2024-05-09' as last_seen_date, 'Full Time' as employment_type"
    )
    relation = con.table("fct_vacancy_postings")
    vacancies = pl.from_arrow(
        relation.project(vacancy_input_projection(relation.columns)).to_arrow_table()
    )
    result = check_vacancies(vacancies, UMP)
    assert _one(result, "is_pay_below_minimum_wage") is True
    assert _one(result, "has_age_limit") is True
    assert ("vacancy_id" in " ".join(missing_inputs(relation.columns))) is not normalised


@pytest.mark.parametrize(
    ("employment_type", "judged"),
    [
        ("full_time;part_time", False),
        ("Full Time, Part Time", False),
        ("contract;internship", False),
        ("full_time;freelance", False),
        ("full_time;contract", True),
        ("contract;temporary", True),
        ("Full Time", True),
    ],
)
def test_a_post_that_also_offers_part_time_work_is_not_judged_on_pay(employment_type, judged):
    """A posting offering full-time and part-time work was flagged below the UMP: its one
    monthly pay may be the part-time option's, not comparable with the monthly UMP."""
    result = _check(_vacancy(salary_monthly_min=1_000_000.0, employment_type=employment_type))
    assert (_one(result, "is_pay_below_minimum_wage") is not None) is judged
    if not judged:
        assert "not applicable" in _one(result, "pay_below_minimum_wage_evidence")


def test_the_warehouse_judges_pay_on_every_employment_type_of_the_posting():
    # fct_vacancy_postings' employment_type is only the first type the board names.
    con = duckdb.connect()
    con.execute(
        "create table fct_vacancy_postings as select 'dealls:1' as posting_id, "
        "'dealls' as source, 'Kasir' as job_title, '' as description, 'PT A' as company_name, "
        "1000000.0 as salary_monthly_min_idr, cast(null as double) as salary_monthly_max_idr, "
        "'31' as province_bps_code, date '2024-05-02' as posted_date, "
        "'full_time' as employment_type, 'full_time;part_time' as employment_types"
    )
    relation = con.table("fct_vacancy_postings")
    vacancies = pl.from_arrow(
        relation.project(vacancy_input_projection(relation.columns)).to_arrow_table()
    )
    con.close()
    result = check_vacancies(vacancies, UMP)
    assert _one(result, "is_pay_below_minimum_wage") is None
    assert _one(result, "pay_below_minimum_wage_evidence") == (
        "not applicable: employment type full_time;part_time"
    )


def test_pay_rule_judges_the_amount_as_posted_when_the_mart_withholds_implausible_pay():
    # fct_vacancy_postings keeps implausible pay ("IDR 6 - 9 monthly") out of
    # salary_monthly_*_idr; the pay rule still reads it as posted and says why it is not judged.
    con = duckdb.connect()
    con.execute(
        "create table fct_vacancy_postings as select 'lokerid:1' as posting_id, "
        "'lokerid' as source, 'Kasir' as job_title, '' as description, 'PT A' as company_name, "
        "cast(null as double) as salary_monthly_min_idr, "
        "cast(null as double) as salary_monthly_max_idr, "
        "6.0 as salary_monthly_min_idr_as_posted, 9.0 as salary_monthly_max_idr_as_posted, "
        "'31' as province_bps_code, date '2024-05-02' as posted_date"
    )
    relation = con.table("fct_vacancy_postings")
    vacancies = pl.from_arrow(
        relation.project(vacancy_input_projection(relation.columns)).to_arrow_table()
    )
    result = check_vacancies(vacancies, UMP)
    assert _one(result, "is_pay_below_minimum_wage") is None
    assert "is not a plausible wage" in _one(result, "pay_below_minimum_wage_evidence")


def test_a_schedule_that_cannot_be_paired_is_not_determined_never_false():
    # Review s12: "Jam 8 sd Jam 16.30, Senin - Sabtu Jam 8 sd 12:00" was judged 24 h/week, false.
    text = "Waktu Bekerja :\nJam 8 sd Jam 16.30, Senin - Sabtu Jam 8 sd 12:00"
    result = _check(_vacancy(description=text))
    assert _one(result, "is_hours_above_legal_limit") is None
    assert _one(result, "hours_per_week_judged") is None
    assert _one(result, "hours_above_legal_limit_evidence").startswith("not determined")


def test_a_break_range_is_not_read_as_the_working_day():
    # Review s12: the break was read as the day (2.5 h/week, false); really 42 h/week.
    text = "Waktu Bekerja :\nWorking Hours 08:00-17:30 WIB, Break Time 11:30-14:00Monday - Saturday"
    result = _check(_vacancy(description=text))
    assert _one(result, "is_hours_above_legal_limit") is True
    assert "42.0 h/week" in _one(result, "hours_above_legal_limit_evidence")


def test_opening_hours_alone_are_not_checked_and_the_evidence_says_why():
    # Review s13: a shop's "Jam operasional" was judged as the worker's week (84 h, flagged).
    text = "Jam operasional : Senin - Minggu 08.00 - 22.00"
    result = _check(_vacancy(description=text))
    assert _one(result, "is_hours_above_legal_limit") is None
    evidence = _one(result, "hours_above_legal_limit_evidence")
    assert evidence.startswith("not checked: only opening hours stated")
    assert "Senin - Minggu 08.00 - 22.00" in evidence
