"""In-process tests of the parsing and bookkeeping pieces (no crawl, no network)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from crawl_test_helpers import merge_after_barrier

from ingest.scrapers.archive import ReplayIndex, WarcWriter, iter_responses
from ingest.scrapers.base import rebase
from ingest.scrapers.coverage import CoverageTracker
from ingest.scrapers.encoding import choose_encoding, decode_body
from ingest.scrapers.jsonld import posting_fields, read_job_postings
from ingest.scrapers.lenient_json import LenientJSONError, loads_lenient
from ingest.scrapers.middlewares import parse_retry_after
from ingest.scrapers.pipelines import merge_into_day_file
from ingest.scrapers.salary import Salary, parse_salary_text, salary_from_structured
from ingest.scrapers.state import SeenStore, read_table
from ingest.scrapers.text import clean_inline_text, unescape_entities

# -- lenient JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "repair"),
    [
        ('{"a": [1, 2,],}', {"a": [1, 2]}, "trailing_comma"),
        ('{"a": 1 // note\n}', {"a": 1}, "comment"),
        ('{"a": /* x */ 1}', {"a": 1}, "comment"),
        ("{'a': 'b'}", {"a": "b"}, "single_quoted_string"),
        ("{a: 1, '@type': 'JobPosting'}", {"a": 1, "@type": "JobPosting"}, "unquoted_key"),
        ('{"d": "line one\nline two"}', {"d": "line one\nline two"}, "raw_control_character"),
        ("{\"d\": 'it\\'s'}", {"d": "it's"}, "invalid_escape"),
        ('{"t": "5" Monitor"}', {"t": '5" Monitor'}, "unescaped_quote"),
        ('{"a": True, "b": undefined}', {"a": True, "b": None}, "js_or_python_literal"),
        ('{"a": 1}{"b": 2}', [{"a": 1}, {"b": 2}], "concatenated_values"),
        ('{"a": 1};', {"a": 1}, "stray_semicolon"),
        ('<!-- {"a": 1} -->', {"a": 1}, "wrapper_removed"),
        ('//<![CDATA[\n{"a": 1}\n//]]>', {"a": 1}, "comment"),
        ('{"a" 1: }', None, None),
    ],
)
def test_lenient_json_accepts_what_browsers_accept(text, value, repair) -> None:
    if value is None:
        with pytest.raises(LenientJSONError):
            loads_lenient(text)
        return
    parsed, repairs = loads_lenient(text)
    assert parsed == value
    assert repair in repairs


def test_lenient_json_strict_input_needs_no_repair() -> None:
    assert loads_lenient('{"a": "\\u00e9\\ud83d\\ude00"}') == ({"a": "é😀"}, [])


def test_lenient_json_reports_where_it_failed() -> None:
    with pytest.raises(LenientJSONError, match="character"):
        loads_lenient('{"title": "unterminated')


# -- salaries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp 3 – 4 Juta", Salary(3e6, 4e6, "IDR", None)),
        ("Rp 20 Juta Lebih", Salary(20e6, None, "IDR", None)),
        ("Rp 4.000.000 - Rp 6.000.000 per bulan", Salary(4e6, 6e6, "IDR", "MONTH")),
        ("IDR 5,000,000/month", Salary(5e6, 5e6, "IDR", "MONTH")),
        ("3jt - 4,5jt", Salary(3e6, 4.5e6, None, None)),
        ("Rp5.000.000,00", Salary(5e6, 5e6, "IDR", None)),
        ("USD 1,500.50 per hour", Salary(1500.5, 1500.5, "USD", "HOUR")),
        ("hingga Rp 8 juta", Salary(None, 8e6, "IDR", None)),
        ("Rp 150.000 / hari", Salary(150e3, 150e3, "IDR", "DAY")),
        ("Negosiasi", None),
        ("", None),
    ],
)
def test_salary_text(text: str, expected: Salary | None) -> None:
    assert parse_salary_text(text) == expected


@pytest.mark.parametrize(
    ("value", "expected", "problems"),
    [
        (5000000, Salary(5e6, 5e6, None, None), []),
        ("5.000.000", Salary(5e6, 5e6, None, None), []),
        (
            {
                "@type": "MonetaryAmount",
                "currency": "IDR",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": 4e6,
                    "maxValue": 6e6,
                    "unitText": "MONTH",
                },
            },
            Salary(4e6, 6e6, "IDR", "MONTH"),
            [],
        ),
        ({"value": {"value": 3500000}}, Salary(3.5e6, 3.5e6, None, None), []),
        (
            {"currency": "idr", "minValue": "3000000", "maxValue": "4000000", "unitText": "month"},
            Salary(3e6, 4e6, "IDR", "MONTH"),
            [],
        ),
        ({"currency": "IDR", "value": "5.000.000 - 7.000.000"}, Salary(5e6, 7e6, "IDR", None), []),
        (
            [{"currency": "IDR", "value": 1e6}, {"currency": "IDR", "value": 2e6}],
            Salary(1e6, 1e6, "IDR", None),
            ["salary_multiple_values"],
        ),
        ("Kompetitif", None, ["salary_negotiable"]),
        ({"currency": "IDR"}, None, ["salary_unparsed"]),
        (None, None, []),
    ],
)
def test_structured_salary(value, expected, problems) -> None:
    assert salary_from_structured(value) == (expected, problems)


# -- JSON-LD -----------------------------------------------------------------------------------


def _page(*blocks: str) -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return f"<html><head>{scripts}</head><body></body></html>"


def test_jsonld_several_blocks_one_broken() -> None:
    page = _page(
        '{"@type": "BreadcrumbList"}',
        '{"@type": "Organization", "name": "PT X',
        '{"@type": "JobPosting", "title": "Kasir"}',
    )
    extraction = read_job_postings(page)
    assert extraction.blocks_total == 3
    assert [p.node["title"] for p in extraction.postings] == ["Kasir"]
    assert len(extraction.failures) == 1
    assert extraction.failures[0].block_index == 1
    assert extraction.failures[0].raw_text == '{"@type": "Organization", "name": "PT X'


def test_jsonld_graph_type_list_iri_and_nesting() -> None:
    page = _page(
        json.dumps(
            {"@graph": [{"@type": "WebPage"}, {"@type": ["JobPosting", "Thing"], "title": "A"}]}
        ),
        json.dumps([{"@type": "http://schema.org/JobPosting", "title": "B"}]),
        json.dumps(
            {"@type": "WebPage", "mainEntity": {"@type": "schema:JobPosting", "title": "C"}}
        ),
        json.dumps(
            {
                "@type": "ItemList",
                "itemListElement": [{"item": {"@type": "JobPosting", "title": "D"}}],
            }
        ),
    )
    titles = [p.node["title"] for p in read_job_postings(page).postings]
    assert titles == ["A", "B", "C", "D"]


def test_jsonld_doubly_escaped_entities_and_fields() -> None:
    node = {
        "@type": "JobPosting",
        "title": "Sales &amp;amp; Marketing",
        "description": "&amp;lt;p&amp;gt;Tugas &amp;amp; tanggung jawab&amp;lt;/p&amp;gt;",
        "hiringOrganization": {"@type": "Organization", "name": "PT Maju &amp; Jaya"},
        "identifier": {"@type": "PropertyValue", "value": 123},
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "jobLocation": [
            {
                "@type": "Place",
                "address": {"addressLocality": "Bandung", "addressRegion": "Jawa Barat"},
            },
            {"@type": "Place", "address": "Jakarta"},
        ],
        "baseSalary": {"@type": "MonetaryAmount", "currency": "IDR", "value": "4500000"},
    }
    fields, problems = posting_fields(node)
    assert fields["title"] == "Sales & Marketing"
    assert fields["description"] == "<p>Tugas & tanggung jawab</p>"
    assert fields["company_name"] == "PT Maju & Jaya"
    assert fields["identifier"] == "123"
    assert fields["employment_type"] == "FULL_TIME,CONTRACTOR"
    assert fields["location"] == "Bandung, Jawa Barat; Jakarta"
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"]) == (
        4.5e6,
        4.5e6,
        "IDR",
    )
    assert "title_entities_unescaped" in problems
    assert "description_entities_unescaped_twice" in problems


def test_jsonld_lenient_block_counts_repairs() -> None:
    page = _page("{'@type': 'JobPosting', title: 'Kurir',}")
    extraction = read_job_postings(page)
    assert extraction.postings[0].node["title"] == "Kurir"
    assert extraction.repairs["single_quoted_string"] == 1
    assert extraction.repairs["trailing_comma"] == 1


# -- encoding ----------------------------------------------------------------------------------

TEXT = "Tanggung jawab • gaji – ‘Rp’ café"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "source", "contradicted"),
    [
        (
            TEXT.encode("cp1252"),
            "text/html; charset=utf-8",
            "cp1252",
            "windows-1252-fallback",
            True,
        ),
        (TEXT.encode("utf-8"), "text/html; charset=ISO-8859-1", "utf-8", "utf-8-sniffed", True),
        (b"\xef\xbb\xbf" + TEXT.encode(), "text/html; charset=windows-1252", "utf-8", "bom", True),
        (TEXT.encode("utf-16-le").join([b"\xff\xfe", b""]), "text/html", "utf-16-le", "bom", False),
        (
            b'<meta charset="windows-1252">' + TEXT.encode("cp1252"),
            "text/html",
            "cp1252",
            "body",
            False,
        ),
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8", "header", False),
        (
            TEXT.encode("utf-8"),
            "text/html; charset=no-such-charset",
            "utf-8",
            "utf-8-sniffed",
            True,
        ),
    ],
)
def test_encoding_decision(body, content_type, encoding, source, contradicted) -> None:
    decision = choose_encoding(body, content_type)
    assert (decision.encoding, decision.source, decision.contradicted) == (
        encoding,
        source,
        contradicted,
    )
    assert decode_body(body, decision).endswith(TEXT)


# -- small helpers -------------------------------------------------------------------------------


def test_inline_text_cleaning() -> None:
    assert clean_inline_text("  Senior UX Researcher\u200b ") == (
        "Senior UX Researcher",
        ["zero_width_removed", "whitespace_normalised"],
    )
    assert clean_inline_text("F&amp;amp;B <b>Staff</b>")[0] == "F&B Staff"
    assert clean_inline_text("F&B") == ("F&B", [])
    assert unescape_entities("&amp;amp;amp;amp;x") == ("&amp;x", 3)  # capped


def test_retry_after_forms() -> None:
    now = datetime(2025, 10, 23, 2, 0, tzinfo=UTC)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_rebase_keeps_path_and_query() -> None:
    url = "https://api.kemnaker.go.id/karirhub/catalogue/v1/vacancies?page=2"
    assert rebase(url, "http://127.0.0.1:8123") == (
        "http://127.0.0.1:8123/karirhub/catalogue/v1/vacancies?page=2"
    )
    assert rebase(url, "http://127.0.0.1:8123/prefix/") == (
        "http://127.0.0.1:8123/prefix/karirhub/catalogue/v1/vacancies?page=2"
    )
    assert rebase(url, None) == url


# -- coverage --------------------------------------------------------------------------------------


def test_coverage_repeated_page_and_shortfall() -> None:
    tracker = CoverageTracker()
    tracker.set_expected("all", 5, 2)
    assert tracker.page_received("all", ["a", "b"]) == (["a", "b"], False)
    assert tracker.page_received("all", ["c", "c"]) == (["c"], False)
    assert tracker.page_received("all", ["c", "b"]) == ([], True)
    tracker.stop("all", "repeated_page")
    for key in "abc":
        tracker.item_emitted(key)
    summary = tracker.summary("finished")
    assert not summary["is_complete"]
    assert summary["expected"] == {"listings": 5, "pages": 3, "detail_pages": 0}
    assert summary["achieved"]["pages_repeated"] == 1
    assert summary["incomplete_reasons"] == ["stream all: listed 3 of 5 (repeated_page)"]


def test_coverage_complete_only_when_everything_was_read() -> None:
    tracker = CoverageTracker()
    tracker.set_expected("all", 2, 10)
    tracker.page_received("all", ["a", "b"])
    tracker.stop("all", "short_page")
    assert tracker.detail_expected("a") and tracker.detail_expected("b")
    assert not tracker.detail_expected("a")  # asked once only
    tracker.detail_done("a")
    assert not tracker.summary("finished")["is_complete"]  # b still pending
    tracker.detail_done("b")
    assert tracker.summary("finished")["is_complete"]
    assert not tracker.summary("shutdown")["is_complete"]


# -- archive, seen store, day file -------------------------------------------------------------


def test_warc_round_trip_and_replay_index(tmp_path: Path) -> None:
    path = tmp_path / "responses.warc.gz"
    writer = WarcWriter(path)
    headers = [(b"Content-Type", b"application/json"), (b"Retry-After", b"1")]
    writer.write_response("http://h/x", 429, headers, b"{}", "fp1", "POST", b'{"page": 2}')
    writer.write_response("http://h/x", 200, headers[:1], b'{"ok": 1}', "fp1", "POST", b"{}")
    writer.write_response("http://h/y", 200, [], b"\x00\xffbinary", "fp2", "GET")
    writer.close()
    responses = list(iter_responses(path))
    assert [(r.url, r.status, r.body) for r in responses] == [
        ("http://h/x", 429, b"{}"),
        ("http://h/x", 200, b'{"ok": 1}'),
        ("http://h/y", 200, b"\x00\xffbinary"),
    ]
    assert responses[0].headers == headers and responses[0].method == "POST"
    index = ReplayIndex(path)
    assert len(index) == 2 and index.get("fp1").status == 200  # the final answer wins
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip


def test_seen_store_is_idempotent_per_day(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    store = SeenStore(db)
    first = store.record("lokerid", "1", "u", "2025-07-09", "run1")
    again = store.record("lokerid", "1", "u", "2025-07-09", "run2")
    later = store.record("lokerid", "1", "u", "2025-07-10", "run3")
    backfill = store.record("lokerid", "1", "u", "2025-07-01", "run4")
    store.close()
    assert (first.is_new, again.is_new, later.is_new) == (True, True, False)
    assert (backfill.first_seen_date, backfill.last_seen_date) == ("2025-07-01", "2025-07-10")
    (row,) = read_table(db, "seen_postings")
    assert row["days_seen"] == 3 and row["last_run_id"] == "run3"


def test_seen_store_counts_a_backfilled_day_between_first_and_last_once(tmp_path: Path) -> None:
    # Regression: a date between the first and the last was not counted at all.
    db = tmp_path / "state.sqlite"
    store = SeenStore(db)
    for day, run in (("2025-12-01", "r1"), ("2025-12-03", "r2"), ("2025-12-02", "r3")):
        store.record("lokerid", "1", "u", day, run)
    store.record("lokerid", "1", "u", "2025-12-02", "r4")  # the backfill run again
    store.close()
    (row,) = read_table(db, "seen_postings")
    assert row["days_seen"] == 3
    assert (row["first_seen_date"], row["last_seen_date"], row["last_run_id"]) == (
        "2025-12-01",
        "2025-12-03",
        "r2",
    )


def test_day_file_merge_replaces_instead_of_adding(tmp_path: Path) -> None:
    day = tmp_path / "items.jsonl"
    run_one, run_two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    rows = [{"source": "s", "source_posting_id": str(i), "v": 1} for i in range(3)]
    run_one.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run_two.write_text(json.dumps({"source": "s", "source_posting_id": "1", "v": 2}) + "\n")
    assert merge_into_day_file(run_one, day) == 3
    assert merge_into_day_file(run_two, day) == 3
    merged = {r["source_posting_id"]: r["v"] for r in map(json.loads, day.read_text().splitlines())}
    assert merged == {"0": 1, "1": 2, "2": 1}
    assert len(day.read_text().splitlines()) == 3


def test_two_runs_merging_into_one_day_at_once_keep_both_runs_postings(tmp_path: Path) -> None:
    # Two runs of a spider on one day used to share one temporary file and read the day file
    # before the other had renamed its merge: postings of one run were lost.
    import multiprocessing

    runs = []
    for run in ("a", "b"):
        path = tmp_path / f"{run}.jsonl"
        rows = ({"source": "s", "source_posting_id": f"{run}{i}"} for i in range(20_000))
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        runs.append(path)
    # Fresh interpreters, not forks: a fork of the multi-threaded test process can inherit a
    # lock another thread held (Polars' pool, logging) and hang for ever; it did, once in CI.
    # Spawned workers start tens of milliseconds apart, about as long as a merge takes, so both
    # wait at a barrier first: without it one worker could do both merges and prove nothing.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(2) as pool:
        for attempt in range(3):
            day = tmp_path / f"day{attempt}" / "items.jsonl"
            day.parent.mkdir()
            barrier = manager.Barrier(2)
            pool.starmap(merge_after_barrier, [(barrier, run, day) for run in runs])
            assert len(day.read_text().splitlines()) == 40_000
            assert not list(day.parent.glob("*.tmp"))


def test_nan_from_lenient_json_never_reaches_the_items_file() -> None:
    from ingest.scrapers.pipelines import dumps_item

    parsed, _ = loads_lenient("{'a': NaN, 'b': [Infinity]}")
    assert math.isnan(parsed["a"])
    assert json.loads(dumps_item({"raw": parsed})) == {"raw": {"a": None, "b": [None]}}
