"""The 00:30 crawl schedule starts switched on only in production (orchestration/crawling/jobs.py).

A developer with `LMIS_CRAWL_CONTACT` in `.env` running `make dagster-dev` must not crawl the
real job boards at night.
"""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import pytest

from orchestration.crawling.jobs import crawl_schedule_default_status

CONTACT = "data-team@example.org"


@pytest.mark.parametrize("env", [{}, {"LMIS_ENV": ""}, {"LMIS_ENV": "development"}])
def test_development_leaves_the_crawl_schedule_stopped_even_with_a_contact(env):
    assert crawl_schedule_default_status(CONTACT, env) == dg.DefaultScheduleStatus.STOPPED


@pytest.mark.parametrize("value", ["production", " Production "])
def test_production_with_a_contact_starts_it(value):
    status = crawl_schedule_default_status(CONTACT, {"LMIS_ENV": value})
    assert status == dg.DefaultScheduleStatus.RUNNING


def test_production_without_a_contact_leaves_it_stopped():
    status = crawl_schedule_default_status(None, {"LMIS_ENV": "production"})
    assert status == dg.DefaultScheduleStatus.STOPPED


def test_the_definitions_schedule_is_stopped_in_development_with_a_contact():
    # In a fresh process, as `dagster dev` loads the definitions from the environment.
    code = (
        "from orchestration.crawling.jobs import crawl_daily_schedule as s; "
        "import sys; sys.stdout.write(s.default_status.value)"
    )
    env = {**os.environ, "LMIS_CRAWL_CONTACT": CONTACT, "LMIS_ENV_FILE": ""}
    env.pop("LMIS_ENV", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert completed.stdout == "STOPPED"
