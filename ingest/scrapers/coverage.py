"""Coverage accounting: what a crawl expected to find, what it got, and whether that is all.

A crawl reads one or more listing *streams* (a search result, a keyword, an RSS feed, a career
page). For each stream the site usually states a total; the tracker records it, every page
received and the reason the stream stopped. Postings found on listings that need a detail page
are tracked until their detail arrives, fails, or is forbidden by robots.txt.

A crawl is complete only when every stream reached the total its site reported (or, with no
total, ended on an empty, short or last page), every detail page was read, no request failed for
good, no listing record had to be quarantined and Scrapy finished normally. Anything else is
reported with its reasons and counts; a half-crawl is never reported as a good night.

Pagination that serves the same page again (a site that clamps `page=99` to its last page) is
detected because the page brings no posting the stream has not already listed; the stream then
stops with reason `repeated_page`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Detail outcomes that are not a shortfall: read, or a linked page that simply holds no posting.
BENIGN_DETAIL_OUTCOMES = frozenset({"ok", "no_jobposting"})
# Stop reasons that mean "the stream ended on its own", as opposed to being cut short.
NATURAL_ENDS = frozenset(
    {"empty_page", "short_page", "reached_total", "no_next_page", "single_page", "repeated_page"}
)


@dataclass
class StreamCoverage:
    """One listing stream: expectations from the site and what the crawl observed."""

    name: str
    expected_total: int | None = None
    page_size: int | None = None
    pages_fetched: int = 0
    pages_repeated: int = 0
    listed_ids: set[str] = field(default_factory=set)
    stop_reason: str | None = None

    @property
    def expected_pages(self) -> int | None:
        if self.expected_total is None or not self.page_size:
            return None
        return max(1, math.ceil(self.expected_total / self.page_size))

    @property
    def listed(self) -> int:
        return len(self.listed_ids)

    def shortfall(self) -> int:
        if self.expected_total is None:
            return 0
        return max(0, self.expected_total - self.listed)


class CoverageTracker:
    """Collects coverage facts during a crawl; `summary()` turns them into the crawl's verdict."""

    def __init__(self) -> None:
        self.streams: dict[str, StreamCoverage] = {}
        self.details: dict[str, str] = {}  # posting key -> pending | ok | <failure reason>
        self.failures: Counter[str] = Counter()  # "<role>:<reason>" -> count
        self.notes: Counter[str] = Counter()  # other counted facts (quarantined, jsonld, ...)
        self.item_keys: set[str] = set()

    # -- listing streams -------------------------------------------------------------------

    def stream(self, name: str) -> StreamCoverage:
        if name not in self.streams:
            self.streams[name] = StreamCoverage(name)
        return self.streams[name]

    def set_expected(self, stream: str, total: int | None, page_size: int | None) -> None:
        coverage = self.stream(stream)
        if total is not None:
            coverage.expected_total = int(total)
        if page_size:
            coverage.page_size = int(page_size)

    def page_received(self, stream: str, ids: list[str]) -> tuple[list[str], bool]:
        """Register a listing page; returns (ids new to this stream, page is a repeat)."""
        coverage = self.stream(stream)
        coverage.pages_fetched += 1
        new_ids: list[str] = []
        for posting_id in ids:
            if posting_id not in coverage.listed_ids and posting_id not in new_ids:
                new_ids.append(posting_id)
        repeated = bool(ids) and not new_ids
        if repeated:
            coverage.pages_repeated += 1
        coverage.listed_ids.update(new_ids)
        return new_ids, repeated

    def stop(self, stream: str, reason: str) -> None:
        coverage = self.stream(stream)
        if coverage.stop_reason is None:
            coverage.stop_reason = reason

    # -- details and failures --------------------------------------------------------------

    def detail_expected(self, key: str) -> bool:
        """Register a detail page to fetch; False if it is already known (do not request it)."""
        if key in self.details:
            return False
        self.details[key] = "pending"
        return True

    def detail_done(self, key: str, outcome: str = "ok") -> None:
        self.details[key] = outcome

    def request_failed(self, role: str, reason: str, key: str | None = None) -> None:
        self.failures[f"{role}:{reason}"] += 1
        if key is not None and key in self.details:
            self.details[key] = reason

    def note(self, name: str, count: int = 1) -> None:
        self.notes[name] += count

    def item_emitted(self, key: str) -> None:
        self.item_keys.add(key)

    # -- verdict ---------------------------------------------------------------------------

    def summary(self, finish_reason: str) -> dict[str, Any]:
        """Expected vs achieved coverage, completeness and the reasons for any shortfall."""
        reasons: list[str] = []
        if finish_reason != "finished":
            reasons.append(f"finish_reason={finish_reason}")
        expected_listings = 0
        expected_known = bool(self.streams)
        expected_pages: int | None = 0
        streams: dict[str, Any] = {}
        for name, coverage in sorted(self.streams.items()):
            if coverage.expected_total is None:
                expected_known = False
            else:
                expected_listings += coverage.expected_total
            if coverage.expected_pages is None:
                expected_pages = None
            elif expected_pages is not None:
                expected_pages += coverage.expected_pages
            shortfall = coverage.shortfall()
            if shortfall:
                reasons.append(
                    f"stream {name}: listed {coverage.listed} of {coverage.expected_total}"
                    f" ({coverage.stop_reason})"
                )
            elif coverage.stop_reason not in NATURAL_ENDS:
                # None: a page was asked for but the stream never came to an end.
                reasons.append(f"stream {name}: stopped by {coverage.stop_reason or 'unfinished'}")
            streams[name] = {
                "expected_total": coverage.expected_total,
                "expected_pages": coverage.expected_pages,
                "page_size": coverage.page_size,
                "pages_fetched": coverage.pages_fetched,
                "pages_repeated": coverage.pages_repeated,
                "listed": coverage.listed,
                "stop_reason": coverage.stop_reason,
            }
        # A detail still "pending" at the end was never answered (the crawl was stopped).
        detail_outcomes = Counter(
            "not_fetched" if outcome == "pending" else outcome for outcome in self.details.values()
        )
        not_ok = sorted(
            (o, n) for o, n in detail_outcomes.items() if o not in BENIGN_DETAIL_OUTCOMES
        )
        if not_ok:
            detail_text = ", ".join(f"{outcome} {n}" for outcome, n in not_ok)
            reasons.append(f"detail pages not read: {detail_text}")
        failed_requests = sum(self.failures.values())
        if failed_requests:
            reasons.append(
                "failed requests: "
                + ", ".join(f"{kind} {n}" for kind, n in sorted(self.failures.items()))
            )
        if self.notes.get("listing_records_quarantined"):
            reasons.append(
                f"listing records quarantined: {self.notes['listing_records_quarantined']}"
            )
        listed_postings = len(set().union(*(s.listed_ids for s in self.streams.values())))
        return {
            "expected": {
                "listings": expected_listings if expected_known else None,
                "pages": expected_pages if self.streams else None,
                "detail_pages": len(self.details),
            },
            "achieved": {
                "listings": sum(s.listed for s in self.streams.values()),
                "listed_postings": listed_postings,
                "postings": len(self.item_keys),
                "pages_fetched": sum(s.pages_fetched for s in self.streams.values()),
                "pages_repeated": sum(s.pages_repeated for s in self.streams.values()),
                "detail_pages": detail_outcomes.get("ok", 0),
            },
            "streams": streams,
            "detail_outcomes": dict(sorted(detail_outcomes.items())),
            "failures": dict(sorted(self.failures.items())),
            "notes": dict(sorted(self.notes.items())),
            "is_complete": not reasons,
            "incomplete_reasons": reasons,
        }
