"""`lmis normalise` writes whole amounts in digits, however large.

Regression: an amount of 9e18 or more (beyond Int64; a parsed typo, not a plausible wage) was
written as "1e+20", which a reader of OUT takes for a float or cannot compare as text.
"""

from __future__ import annotations

import polars as pl

from orchestration.commands.normalise import money_as_text


def test_whole_amounts_are_digits_and_fractions_stay() -> None:
    frame = pl.DataFrame({"pay": [4_500_000.0, 4.5, 9.3e18, 1e20, -2e19, None, 1e40]})
    written = frame.select(money_as_text("pay"))["pay"].to_list()
    assert written == [
        "4500000",
        "4.5",
        "9300000000000000000",
        "100000000000000000000",
        "-20000000000000000000",
        None,
        "1e+40",
    ]
