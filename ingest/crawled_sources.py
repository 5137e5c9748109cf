"""The crawled sources the warehouse lands, one per scheduled spider, declared once.

Declared here, beside the file sources (`ingest/sources.py`), so the quality layer can read
what a source states (`pay_is_site_band`) without importing orchestration; the Dagster side
(`orchestration/crawling/`) schedules and lands them from this declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrawledSource:
    """One spider whose daily crawl lands in `raw.crawled_<spider>`.

    `source` is what the spider writes into its items' `source` field (the board; `careers` for
    employer pages); a landed row with another value is quarantined.
    """

    spider: str
    source: str
    description: str
    pay_is_site_band: bool = False
    """The board shows pay as its own salary band, not the employer's figure (as
    `SourceSpec.pay_is_site_band`)."""

    @property
    def table(self) -> str:
        return f"crawled_{self.spider}"

    @property
    def name(self) -> str:
        """The name of this landing in `raw.quarantine` and `raw.load_audit`.

        The table name, not the board: the static snapshot of the same board lands as
        `jobstreet` and replaces its quarantine rows whole, which must not touch the crawl's.
        """
        return self.table


CRAWLED_SOURCES: tuple[CrawledSource, ...] = (
    CrawledSource(
        "jobstreet", "jobstreet", "JobStreet Indonesia postings from its job-search API."
    ),
    CrawledSource(
        "glints", "glints", "Glints Indonesia postings from its GraphQL search, every keyword."
    ),
    CrawledSource(
        "karirhub",
        "karirhub",
        "Karirhub (Kemnaker) vacancies from its catalogue API, each with its detail call.",
    ),
    CrawledSource(
        "lokerid",
        "lokerid",
        "Loker.id postings from its search pages and detail pages.",
        # Its cards show the site's Rp 1-million band ("Rp 3 - 4 Juta"), not the employer's pay.
        pay_is_site_band=True,
    ),
    CrawledSource(
        "dealls", "dealls", "Dealls postings from its listing pages and JobPosting JSON-LD."
    ),
    CrawledSource(
        "careers_jsonld",
        "careers",
        "Employer career pages (LMIS_CAREER_PAGES) read as schema.org JobPosting JSON-LD.",
    ),
)


def crawled_source(spider: str) -> CrawledSource:
    for source in CRAWLED_SOURCES:
        if source.spider == spider:
            return source
    raise KeyError(f"no crawled source for spider {spider!r}")
