"""Scrapy project that collects online vacancies from Indonesian job boards and career pages.

Layout (see `docs/crawling.md`):

- `settings.py`: polite defaults (robots.txt, AutoThrottle, per-domain delay, user agent with a
  contact address from `LMIS_CRAWL_CONTACT`), telnet console and remote control switched off.
- `base.py`: spider base classes per kind of site (paginated JSON API, HTML listing with detail
  pages, pages carrying schema.org JobPosting JSON-LD). Spiders in `spiders/` are mostly
  declarative on top of them, one file per spider named after it.
- `jsonld.py`, `lenient_json.py`, `salary.py`, `encoding.py`, `text.py`: parsing that survives what
  real pages do.
- `middlewares.py`, `pipelines.py`, `extensions.py`: Retry-After, encoding repair, raw-response
  archive, cleaning, de-duplication, the seen-postings store and the crawl log.
- `runner.py`: `run_crawl(...)` starts one crawl in a subprocess (the Twisted reactor cannot
  restart inside one process) and returns a `CrawlResult` with coverage and completeness.
"""
