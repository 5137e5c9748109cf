"""The crawled sources, as `orchestration/crawling/` has always imported them.

The declaration lives in `ingest/crawled_sources.py`, where the quality layer may read it too;
this name stays so the crawling assets, jobs and their tests keep one import each.
"""

from ingest.crawled_sources import CRAWLED_SOURCES, CrawledSource, crawled_source

__all__ = ["CRAWLED_SOURCES", "CrawledSource", "crawled_source"]
