"""The occupation model's first fit says so up front; a cached model is loaded without it."""

from __future__ import annotations

import logging

from ingest.occupations import build


def test_a_missing_model_is_announced_before_the_fit(tmp_path, monkeypatch, caplog):
    announced_before_fit = []

    def fake_fit():
        announced_before_fit.append("no cached occupation model" in caplog.text)
        return {"model": "stand-in"}

    monkeypatch.setattr(build, "fit_full_model", fake_fit)
    caplog.set_level(logging.INFO, logger=build.__name__)
    assert build.load_model(tmp_path) == {"model": "stand-in"}
    assert announced_before_fit == [True]
    assert "several minutes" in caplog.text
    caplog.clear()
    assert build.load_model(tmp_path) == {"model": "stand-in"}
    assert "no cached occupation model" not in caplog.text
