"""Salary parsing, including pay texts that used to fail silently."""

from __future__ import annotations

import math

import polars as pl
import pytest

from ingest.normalise.pay import parse_number, parse_pay, parse_pay_column


def test_rp_950_000_is_nine_hundred_fifty_thousand_not_950() -> None:
    pay = parse_pay("Rp 950.000")
    assert (pay.amount_min, pay.amount_max, pay.currency) == (950_000, 950_000, "IDR")


def test_decimal_comma_cents_is_4_5_million_not_450_million() -> None:
    pay = parse_pay("Rp 4.500.000,00")
    assert pay.amount_min == 4_500_000
    assert pay.is_plausible is True


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("Rp 4.500.000 – 6.000.000 per bulan", 4_500_000, 6_000_000, "month"),
        ("4,5 - 6 jt", 4_500_000, 6_000_000, "month"),
        ("IDR 5jt", 5_000_000, 5_000_000, "month"),
        ("Rp 5 juta", 5_000_000, 5_000_000, "month"),
        ("Rp 3 jt s/d 5 jt", 3_000_000, 5_000_000, "month"),
        ("Rp 3.000.000 sampai Rp 4.000.000", 3_000_000, 4_000_000, "month"),
        ("Rp 6,000,000 – Rp 8,400,000 per month", 6_000_000, 8_400_000, "month"),
        ("Rp3.600.000 – Rp3.900.000 per month", 3_600_000, 3_900_000, "month"),
        ("Rp 4.500.000,- s/d 6.000.000,-", 4_500_000, 6_000_000, "month"),
        ("500 rb - 1 jt", 500_000, 1_000_000, "month"),
        ("Rp 1,5 juta", 1_500_000, 1_500_000, "month"),
        ("Rp 25.000 per jam", 25_000, 25_000, "hour"),
        ("Rp 150.000/hari", 150_000, 150_000, "day"),
        ("IDR 120.000.000 per tahun", 120_000_000, 120_000_000, "year"),
        ("IDR 15000000 - 21000000 monthly", 15_000_000, 21_000_000, "month"),
        ("Rp 20000000 lebih", 20_000_000, None, "month"),
        ("up to 10 jt", None, 10_000_000, "month"),
        ("min 5jt", 5_000_000, None, "month"),
    ],
)
def test_forms(text: str, low: float | None, high: float | None, period: str) -> None:
    pay = parse_pay(text)
    assert pay.status == "parsed"
    assert (pay.amount_min, pay.amount_max, pay.period) == (low, high, period)


def test_usd_yearly_keeps_currency_and_gives_monthly_equivalent() -> None:
    pay = parse_pay("$4,000 – $6,000 per year (USD)")
    assert (pay.currency, pay.period, pay.amount_min) == ("USD", "year", 4000)
    assert pay.monthly_max == pytest.approx(500.0)
    assert pay.is_plausible is None  # the band is for rupiah only


def test_hourly_monthly_equivalent_uses_a_full_time_month() -> None:
    assert parse_pay("Rp 25.000 per jam").monthly_min == pytest.approx(25_000 * 40 * 52 / 12, 0.01)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Gaji kompetitif", "competitive"),
        ("Nego", "negotiable"),
        ("Negosiasi", "negotiable"),
        ("Dirahasiakan", "confidential"),
        ("UMR", "minimum_wage"),
        ("Sesuai UMK Bekasi", "minimum_wage"),
        ("Rp 0", "zero_placeholder"),
        ("0", "zero_placeholder"),
        ("N/A", "missing"),
        ("None", "missing"),
        ("", "missing"),
        (None, "missing"),
        ("World Class Benefits", "competitive"),
        ("hubungi kami", "unparsed"),
    ],
)
def test_placeholders_give_a_status_and_never_an_amount(text: str | None, status: str) -> None:
    pay = parse_pay(text)
    assert pay.status == status
    assert pay.amount_min is None and pay.amount_max is None
    assert pay.monthly_min is None


def test_amount_with_nego_keeps_amount_and_flags_it() -> None:
    pay = parse_pay("Rp 5 juta nego")
    assert pay.amount_min == 5_000_000 and "negotiable" in pay.flags


def test_implausible_amount_is_flagged_not_dropped() -> None:
    pay = parse_pay("Rp 5 - 7")
    assert pay.amount_min == 5 and pay.is_plausible is False


def test_range_written_backwards_is_swapped_and_flagged() -> None:
    pay = parse_pay("Rp 7 juta - 5 juta")
    assert (pay.amount_min, pay.amount_max) == (5_000_000, 7_000_000)
    assert "range_swapped" in pay.flags


@pytest.mark.parametrize(
    ("text", "value"),
    [("950.000", 950_000), ("4.500.000,00", 4_500_000), ("6,000,000", 6_000_000),
     ("4,5", 4.5), ("4.5", 4.5), ("1,234,567.89", 1_234_567.89), ("1.23.4", None)],
)  # fmt: skip
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_column_parses_each_distinct_text_once() -> None:
    texts = pl.Series(["Rp 950.000"] * 1000 + ["Nego"] * 1000 + [None])
    table = parse_pay_column(texts)
    assert table.height == 3


def test_real_jobstreet_2025_salary_strings_all_parse() -> None:
    """Every verbatim salary string of the shipped 2025 sample gets a status, amounts > 0."""
    from ingest.normalise.real_samples import load_jobstreet_2025

    df = load_jobstreet_2025()
    table = parse_pay_column(df["salary_text"])
    assert "unparsed" not in table["salary_status"].to_list()
    parsed = table.filter(pl.col("salary_status") == "parsed")
    assert parsed.height > 100
    assert parsed["salary_min"].min() >= 3_000_000 or parsed["salary_currency"].eq("USD").any()
    assert parsed.filter(pl.col("salary_currency") == "IDR")["salary_is_plausible"].all()


def test_singapore_dollar_is_not_read_as_us_dollar() -> None:
    assert parse_pay("S$ 3,000 per month").currency == "SGD"


@pytest.mark.parametrize(
    "text", ["-5000000", "Rp -5.000.000", "Rp. -4,5 jt", "Gaji: -3 juta", "\u22125000000"]
)
def test_negative_pay_is_a_status_never_a_positive_amount(text: str) -> None:
    pay = parse_pay(text)
    assert pay.status == "negative"
    assert pay.amount_min is None and pay.amount_max is None and pay.monthly_min is None


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("4jt-6jt", 4e6),
        ("4.000.000-6.000.000", 4e6),
        ("- Rp 5.000.000", 5e6),
        ("Rp 5.000.000,-", 5e6),
    ],
)
def test_a_dash_that_is_a_range_or_bullet_is_no_minus_sign(text: str, low: float) -> None:
    pay = parse_pay(text)
    assert pay.status == "parsed" and pay.amount_min == low


# Regression (verification 2026-12-05, finding 1): a Loker.id Max Salary `0` became
# "Rp 3000000 - 0", parsed to an amount of 0 and tripped the assertion in `parse_pay_column`,
# failing the whole build.
@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Rp 3000000 - 0", 3_000_000, None),
        ("Rp 3000000 - -0", 3_000_000, None),
        ("Rp 5.000.000 - 0,-", 5_000_000, None),
        ("0 - 5000000", None, 5_000_000),
        ("-0 - 5000000", None, 5_000_000),
        ("Rp 0 - 5 jt", None, 5_000_000),
    ],
)
def test_a_zero_end_of_a_range_is_not_stated(
    text: str, low: float | None, high: float | None
) -> None:
    pay = parse_pay(text)
    assert (pay.status, pay.amount_min, pay.amount_max) == ("parsed", low, high)
    assert "zero_end" in pay.flags


@pytest.mark.parametrize("text", ["0", "-0", "0.0", "0,0", "Rp -0", "0 - 0", "Rp 0 - -0"])
def test_zero_only_pay_is_a_placeholder(text: str) -> None:
    pay = parse_pay(text)
    assert (pay.status, pay.amount_min, pay.amount_max) == ("zero_placeholder", None, None)


def test_digits_beyond_a_float_are_unparsed_not_infinite() -> None:
    pay = parse_pay("Rp " + "9" * 400)
    assert (pay.status, pay.amount_min, pay.flags) == ("unparsed", None, ("amount_out_of_range",))


_ODD_ENDS = ["0", "-0", "0.0", "0,00", "00", "5000000", "-5000000", "4,5 jt", "1e400",
             "9" * 400, "NaN", "inf", "-inf", "", " ", "Rp", "0 jt", "0.000.000",
             "9" * 310 + " per jam"]  # fmt: skip
_ODD_TEXTS = sorted(
    {f"{a}{sep}{b}" for a in _ODD_ENDS for b in _ODD_ENDS for sep in (" - ", "-", " s/d ")}
    | {f"Rp {a}" for a in _ODD_ENDS}
    | set(_ODD_ENDS)
)


def test_no_odd_pay_text_gives_a_zero_nan_or_infinite_amount() -> None:
    """A property over every pairing of odd ends: amounts are positive and finite, or absent."""
    for text in _ODD_TEXTS:
        pay = parse_pay(text)
        for value in (pay.amount_min, pay.amount_max, pay.monthly_min, pay.monthly_max):
            assert value is None or (math.isfinite(value) and value > 0), (text, pay)
        if pay.status != "parsed":
            assert pay.amount_min is None and pay.amount_max is None, (text, pay)


def test_column_of_odd_pay_texts_never_raises() -> None:
    table = parse_pay_column(pl.Series(_ODD_TEXTS + [None]))
    assert table.height == len(_ODD_TEXTS) + 1
    assert table.filter(pl.col("salary_text") == "5000000 - 0")["salary_min"].item() == 5e6


@pytest.mark.parametrize("text", ["1e400", "Rp 1e400", "1E400 per bulan", "1e-400", "-1e400"])
def test_an_exponent_beyond_a_float_is_out_of_range_not_another_number(text: str) -> None:
    # Regression: "1e400" parsed as 400 (the digits after the `e` read as the amount).
    pay = parse_pay(text)
    assert (pay.status, pay.amount_min, pay.amount_max) == ("unparsed", None, None)
    assert pay.flags == ("amount_out_of_range",)


@pytest.mark.parametrize(("text", "amount"), [("5E+06", 5_000_000.0), ("Rp 4.5e6", 4_500_000.0)])
def test_an_exponent_a_float_holds_is_read_as_its_number(text: str, amount: float) -> None:
    pay = parse_pay(text)
    assert (pay.status, pay.amount_min, pay.amount_max) == ("parsed", amount, amount)


@pytest.mark.parametrize(
    ("text", "negative"),
    [("-5000000", True), ("-1.5", True), ("-0", False), ("-0.00", False), ("0", False),
     ("5000000", False), ("-" + "9" * 400, True), ("N/A", False), ("- 5", False)],
)  # fmt: skip
def test_one_rule_decides_negative_pay_and_minus_zero_is_zero(text: str, negative: bool) -> None:
    # The landing, check-vacancies, AK1 and parse_pay share it (they disagreed on "-0").
    from ingest.landing import not_negative
    from ingest.normalise.pay import is_negative_pay

    assert is_negative_pay(text) is negative
    assert not_negative(text) is not negative
    if text.startswith("-") and text[1:2].isdigit():
        assert (parse_pay(text).status == "negative") is negative


@pytest.mark.parametrize(
    "text",
    [
        "Rp 5.000.000 WA 0812-3456-7890",
        "Rp 5.000.000 hub 081234567890",
        "Rp 5 juta, kontak +62 812 3456 7890",
        "Rp 5.000.000 (0812.3456.789)",
    ],
)
def test_a_phone_number_beside_the_pay_is_not_an_amount(text: str) -> None:
    """Its groups were read as a second end: "Rp 5.000.000 WA 0812-3456-7890" gave 812 to
    5,000,000, flagged range_swapped."""
    pay = parse_pay(text)
    assert (pay.amount_min, pay.amount_max) == (5_000_000, 5_000_000)
    assert "range_swapped" not in pay.flags


def test_a_range_from_zero_is_not_a_phone_number() -> None:
    assert parse_pay("Rp 0-8500000").amount_max == 8_500_000
