"""The incremental night: land only what changed, rebuild only what depends on it.

Every landing asset declares its files per partition (orchestration/landing/inputs.py) and
records, with its rows, the fingerprint of the files and code it landed (`raw.landed_inputs`).
`plan_night` compares those with the files on disk:

- a table or partition whose files now fingerprint differently (or that never landed) is landed
  again: partitioned ones by a run of their landing job for that partition, whole ones inside
  the `nightly` run;
- the `nightly` run then materialises only the assets downstream of what changed since the last
  publication (dbt selects the changed sources' descendants, then the gates, publication and
  reports); the marts not downstream of a change stay in the warehouse as they are and are
  published again with the rest, so the publication and the release are always complete;
- a partition landed before whose files are all gone from the landing folder (a day's export
  withdrawn) is deleted before anything lands: its raw rows and quarantine rows, its landed
  record (kept in `raw.removed_partitions`), and, through the staging models' post-hook, its
  staging rows; the marts downstream rebuild. A source with no file left, or with a file that
  fits no partition, keeps its partitions with a warning (`removed_partitions`);
- nothing changed: nothing runs (`lmis backfill` then cuts the day's release from the current
  publication, orchestration/operations/backfill.py).

What was published is remembered in `raw.published_inputs` (the landed fingerprints a
successful `nightly` run was built from, and its run id). Without it, or when
`data/marts/_publication.json` names another run (a run from the Dagster UI, a restore), the
whole `nightly` job runs. Changed code changes every fingerprint, so it re-lands everything.

`until` limits a night to the partitions that had started by that day: a backfilled day D lands
the portal days up to D, not the files of the days after it. Partitions after D already landed
(by a later night, `lmis run` or the landing sensor) are set aside before anything lands: their
rows leave raw and staging like a withdrawn partition's, though their files stay and nothing
goes into `raw.removed_partitions`, so D's marts and release hold only what had started by D.
The night of their own day (or any later night) lands them again (`set_aside`). A later
partition whose files are gone is no set-aside but a withdrawal, recorded as on any night: set
aside, it would never be landed again, so never seen as withdrawn. A set-aside partition whose
file cannot be read by the night that would land it again (file_check.py) is quarantined as
usual and, since its rows are gone, recorded as withdrawn then: `raw.removed_partitions` (the
rows and quarantined rows of its last landing, `night_id` ending `file unreadable`), a
`file_quarantined` alert saying so, and the night's list of withdrawals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import dagster as dg
import duckdb

from ingest.warehouse import WHOLE_TABLE, landed_inputs, remove_partition, table_columns
from orchestration import settings
from orchestration.landing.inputs import LandedInput, files_fingerprint
from orchestration.landing.partitions import partition_start
from orchestration.operations.releases import MISSING_SOURCES_TAG
from orchestration.operations.warehouse_lock import (
    WarehouseLockedError,
    connect,
    wait_seconds_from_env,
    writer_lock,
)
from orchestration.runner import execute_job

log = logging.getLogger(__name__)

STATE_POLL_SECONDS = 0.5
"""How often planning retries a warehouse held open outside the writer lock."""

PUBLICATION_MANIFEST = "_publication.json"
WITHDRAWN = "withdrawn"
"""`raw.published_inputs.fingerprint` of a partition withdrawn since the last publication."""
PUBLISHED_INPUTS_DDL = (
    "create table if not exists raw.published_inputs (relation varchar not null, "
    "partition_key varchar not null, fingerprint varchar not null, run_id varchar not null)"
)


@dataclass(frozen=True)
class PartitionRun:
    """One run of a partitioned landing job: one partition of some of its assets."""

    job_name: str
    partition_key: str
    asset_keys: tuple[dg.AssetKey, ...]


@dataclass(frozen=True)
class RemovedPartition:
    """A landed partition none of whose files is on disk any more."""

    relation: str
    partition_key: str
    source_name: str | None = None


STAND_IN_SOURCES_DDL = (
    "create table if not exists raw.stand_in_sources (relation varchar not null, "
    "night varchar not null, reason varchar not null, stood_in_at timestamptz not null)"
)
"""Empty tables a night put in for a source it could not land (`stand_in_missing_sources`)."""

QUARANTINED_FILES_DDL = (
    "create table if not exists raw.quarantined_files (file_path varchar not null, "
    "sha256 varchar not null, reason_code varchar not null, detail varchar, "
    "relation varchar not null, partition_key varchar not null, night varchar, "
    "quarantined_at timestamptz not null)"
)
"""Files the night could not read at all (orchestration/landing/file_check.py)."""


@dataclass(frozen=True)
class QuarantinedFile:
    """A file set aside unread: its table or partition is not landed from it."""

    relation: str
    partition_key: str
    path: str
    sha256: str
    reason_code: str
    detail: str
    known: bool = False
    """Recorded by an earlier night with the same bytes: not read again."""
    set_aside_rows: tuple[int, int] | None = None
    """`(rows, quarantined rows)` its partition held when a backfill set it aside (landed from
    an earlier version of the file): with the file unreadable they are not landed again, so the
    partition is recorded as withdrawn (`record_quarantined_files`). None: not such a file."""

    def describe(self) -> str:
        return f"{self.path} ({self.reason_code}: {self.detail})"


@dataclass
class NightPlan:
    removed_partitions: list[RemovedPartition] = field(default_factory=list)
    set_aside: list[RemovedPartition] = field(default_factory=list)
    """Landed partitions that start after the night's day (`until`): deleted before it lands."""
    partition_runs: list[PartitionRun] = field(default_factory=list)
    quarantined_files: list[QuarantinedFile] = field(default_factory=list)
    """Unreadable files: their table or partition is left as it was (not landed tonight)."""
    withdrawn_unreadable: list[RemovedPartition] = field(default_factory=list)
    """Partitions a backfill set aside whose file is now unreadable: recorded as withdrawn."""
    missing_sources: list[str] = field(default_factory=list)
    """Relations landed whole, never landed, whose file is unreadable, and those an earlier
    night's stand-in still stands for (`standing_stand_ins`: its file since removed or still
    unreadable): an empty stand-in table keeps the models reading them building, and the run
    and its release name them (`MISSING_SOURCES_TAG`)."""
    nightly_selection: list[dg.AssetKey] | None = None
    """Assets of the `nightly` run; None: the whole job."""
    run_nightly: bool = True
    reasons: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return (
            not self.removed_partitions
            and not self.set_aside
            and not self.partition_runs
            and not self.run_nightly
        )

    def describe(self) -> str:
        nightly = (
            "no nightly run"
            if not self.run_nightly
            else "the whole nightly job"
            if self.nightly_selection is None
            else f"{len(self.nightly_selection)} assets of the nightly job"
        )
        removed = (
            f"{len(self.removed_partitions)} removed partition(s), "
            if self.removed_partitions
            else ""
        )
        aside = (
            f"{len(self.set_aside)} partition(s) after the day set aside, "
            if self.set_aside
            else ""
        )
        return f"{removed}{aside}{len(self.partition_runs)} partition run(s), {nightly}"


def all_landed_inputs() -> list[LandedInput]:
    from orchestration.admin.assets import LANDED_INPUTS as ADMIN
    from orchestration.landing.assets import LANDED_INPUTS as FILES
    from orchestration.sakernas.assets import LANDED_INPUTS as SAKERNAS

    return [*FILES, *ADMIN, *SAKERNAS]


def landing_job_of(asset_key: dg.AssetKey) -> str:
    from orchestration import jobs

    for job, keys in (
        (jobs.portal_days_job, jobs.PORTAL_DAY_KEYS),
        (jobs.wlkp_periods_job, jobs.WLKP_PERIOD_KEYS),
        (jobs.sakernas_rounds_job, jobs.SAKERNAS_ROUND_KEYS),
    ):
        if asset_key in keys:
            return job.name
    raise KeyError(f"{asset_key.to_user_string()} is in no partitioned landing job")


def crawled_relations() -> dict[str, dg.AssetKey]:
    """`raw.crawled_<spider>` -> its crawl asset. Crawl days are not landed from files the
    night can look at: `crawl_daily` lands them on its own schedule, recording each day's
    fingerprint in `raw.landed_inputs` like any landing."""
    from orchestration.crawling.sources import CRAWLED_SOURCES

    return {f"raw.{s.table}": dg.AssetKey(["raw", s.table]) for s in CRAWLED_SOURCES}


def changed_crawl_days(
    landed: dict[tuple[str, str], str],
    published: dict[tuple[str, str], str],
    crawled: dict[str, dg.AssetKey],
) -> set[dg.AssetKey]:
    """Crawl assets with a day landed, landed again or gone since the last publication."""
    days = {(r, k) for r, k in set(landed) | set(published) if r in crawled}
    return {crawled[r] for r, k in days if landed.get((r, k)) != published.get((r, k))}


def _asset_graph():
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def current_inputs(until: date | None = None) -> dict[tuple[str, str], tuple[LandedInput, str]]:
    """`(relation, partition) -> (its LandedInput, fingerprint of its files now)`."""
    found = {}
    for item in all_landed_inputs():
        for key, files in item.files_by_partition(settings.DATA_DIR).items():
            if until is not None and item.partitions_def is not None:
                if partition_start(item.partitions_def, key) > until:
                    continue
            found[(item.relation, key)] = (item, files_fingerprint(files))
    return found


@contextmanager
def _state_connection(wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for planning, queued like a writer and bounded by its timeout.

    While a run writes the warehouse no other process can open it, even to read: the schedule
    (whose run key is the day, so it is not retried) and `lmis backfill` wait for the writer
    instead of failing. A process outside the lock protocol holding DuckDB's own lock is waited
    for too, up to the same deadline (`wait_seconds`, by default `LMIS_WAREHOUSE_WAIT_SECONDS`;
    the landing sensor passes 0: it must answer within Dagster's sensor timeout).
    """
    from orchestration.crawling.warehouse import queued_connection

    path = settings.WAREHOUSE_PATH
    wait = wait_seconds_from_env() if wait_seconds is None else wait_seconds
    with queued_connection(
        path, lambda: connect(path, read_only=True), wait, STATE_POLL_SECONDS
    ) as con:
        yield con


def standing_stand_ins() -> dict[str, str]:
    """`relation -> reason` of the stand-in tables still standing (`stand_ins_on`)."""
    if not settings.WAREHOUSE_PATH.exists():
        return {}
    with _state_connection() as con:
        return stand_ins_on(con)


def stand_ins_on(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """`relation -> reason` of the stand-in tables still standing: recorded in
    `raw.stand_in_sources` and no landing of the relation since (a stand-in records none, so any
    row in `raw.landed_inputs` means a readable file replaced it). Whether its file is still
    unreadable or was removed, the source is still missing from the marts."""
    if table_columns(con, "raw.stand_in_sources") is None:
        return {}
    rows = con.execute(
        "select relation, arg_max(night || ': ' || reason, stood_in_at) "
        "from raw.stand_in_sources group by relation order by relation"
    ).fetchall()
    landed = {relation for relation, _ in landed_inputs(con)}
    return {relation: reason for relation, reason in rows if relation not in landed}


def _read_state(wait_seconds: float | None = None) -> tuple[dict, dict, str | None]:
    if not settings.WAREHOUSE_PATH.exists():
        return {}, {}, None
    with _state_connection(wait_seconds) as con:
        landed = landed_inputs(con)
        has_published = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'published_inputs'"
        ).fetchone()[0]
        published, published_run = {}, None
        if has_published:
            rows = con.execute(
                "select relation, partition_key, fingerprint, run_id from raw.published_inputs"
            ).fetchall()
            published = {(r[0], r[1]): r[2] for r in rows}
            published_run = rows[0][3] if rows else None
    return landed, published, published_run


def _publication_run() -> str | None:
    path = settings.MARTS_DIR / PUBLICATION_MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text()).get("run_id")


def _partition_runs(stale: Iterable[tuple[LandedInput, str]]) -> list[PartitionRun]:
    grouped: dict[tuple[str, str], list[dg.AssetKey]] = {}
    for item, key in stale:
        grouped.setdefault((landing_job_of(item.asset_key), key), []).append(item.asset_key)
    return [
        PartitionRun(job, key, tuple(sorted(set(keys), key=lambda k: k.to_user_string())))
        for (job, key), keys in sorted(grouped.items())
    ]


def removed_partitions(
    landed: Iterable[tuple[str, str]],
    current: dict[tuple[str, str], tuple[LandedInput, str]],
) -> list[RemovedPartition]:
    """Landed partitions none of whose files is on disk any more, after a backfilled day too
    (`current` may stop at it): such a partition is no set-aside (`partitions_after`), and
    would otherwise leave the warehouse unrecorded.

    Held back, with a warning: every partition of a source with no file on disk at all (a folder
    not mounted looks the same as a withdrawn source), and of a source with a file that fits no
    partition (a day's file renamed so that its day cannot be read is not a withdrawal).
    """
    by_relation: dict[str, list[str]] = {}
    for relation, key in set(landed) - set(current):
        if key != WHOLE_TABLE:
            by_relation.setdefault(relation, []).append(key)
    removed = []
    for item in all_landed_inputs():
        if item.partitions_def is None or item.relation not in by_relation:
            continue
        # `current` may stop at a backfilled day; the files after it still count as on disk.
        on_disk = item.files_by_partition(settings.DATA_DIR)
        gone = [key for key in sorted(by_relation[item.relation]) if key not in on_disk]
        if not gone:
            continue
        if not on_disk:
            log.warning(
                "no file of %s is on disk: its %d landed partitions are kept (is its folder "
                "mounted? to withdraw the whole source, restore a snapshot without it)",
                item.relation,
                len(by_relation[item.relation]),
            )
            continue
        placed = {path for files in on_disk.values() for path in files}
        matched = item.all_files(settings.DATA_DIR) if item.all_files else []
        unplaced = [path for path in matched if path not in placed]
        if unplaced:
            log.warning(
                "%s: %d file(s) fit no partition (%s); partitions %s are kept until every file "
                "of the source has a partition or is removed",
                item.relation,
                len(unplaced),
                unplaced[0].name,
                ", ".join(gone),
            )
            continue
        removed.extend(RemovedPartition(item.relation, key, item.source_name) for key in gone)
    return removed


def partitions_after(
    landed: Iterable[tuple[str, str]], until: date | None
) -> list[RemovedPartition]:
    """Landed partitions of file-landed sources that start after `until` and still have a file
    on disk (module doc); one with none is a withdrawal (`removed_partitions`)."""
    if until is None:
        return []
    by_relation = {i.relation: i for i in all_landed_inputs() if i.partitions_def is not None}
    on_disk = {
        relation: item.files_by_partition(settings.DATA_DIR)
        for relation, item in by_relation.items()
    }
    later = []
    for relation, key in sorted(landed):
        item = by_relation.get(relation)
        if item is None or key == WHOLE_TABLE or key not in on_disk[relation]:
            continue
        try:
            starts = partition_start(item.partitions_def, key)
        except Exception:  # a key its partitioning does not know: not ours to judge here
            continue
        if starts > until:
            later.append(RemovedPartition(relation, key, item.source_name))
    return later


def _known_quarantined_files(
    wait_seconds: float | None = None,
) -> dict[tuple[str, str], tuple[str, str]]:
    """`(file path, sha256) -> (reason, detail)` of the files quarantined by earlier nights.
    With the warehouse busy beyond `wait_seconds` (the sensor's 0): none, so every file is read
    again (reading is what screens it; the lookup only saves the work)."""
    if not settings.WAREHOUSE_PATH.exists():
        return {}
    try:
        with _state_connection(wait_seconds) as con:
            return _quarantined_rows(con)
    except WarehouseLockedError:
        if wait_seconds is None:
            raise
        log.info("the warehouse is being written: known quarantined files not looked up")
        return {}


def _quarantined_rows(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, str]]:
    """`_known_quarantined_files` read on an open connection."""
    if table_columns(con, "raw.quarantined_files") is None:
        return {}
    rows = con.execute(
        "select file_path, sha256, any_value(reason_code), any_value(detail) "
        "from raw.quarantined_files group by all"
    ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def _set_aside_before(
    partitions: list[tuple[LandedInput, str]],
) -> dict[tuple[str, str], tuple[int, int]]:
    """Of `partitions` (none landed now), those a backfill set aside (`remove_partition` with
    `withdrawn=False`): landed before, every load withdrawn, and no withdrawal recorded since.
    `(relation, partition) -> (rows, quarantined rows)` of their last landing."""
    partitions = [(item, key) for item, key in partitions if item.source_name]
    if not partitions or not settings.WAREHOUSE_PATH.exists():
        return {}
    found = {}
    with _state_connection() as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        if "load_audit" not in tables:
            return {}
        for item, key in partitions:
            [(withdrawn_at, held, rows, quarantined)] = con.execute(
                "select max(withdrawn_at), count(*) filter (where withdrawn_at is null), "
                "arg_max(rows_loaded, loaded_at), arg_max(rows_quarantined, loaded_at) "
                "from (select run_id, max(loaded_at) as loaded_at, max(withdrawn_at) as "
                "withdrawn_at, sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as "
                "rows_quarantined from raw.load_audit where source = ? and partition_key = ? "
                "group by run_id)",
                [item.source_name, key],
            ).fetchall()
            if withdrawn_at is None or held:
                continue
            if "removed_partitions" in tables:
                [(recorded,)] = con.execute(
                    "select count(*) from raw.removed_partitions where relation = ? "
                    "and partition_key = ? and removed_at >= ?",
                    [item.relation, key, withdrawn_at],
                ).fetchall()
                if recorded:
                    continue
            found[(item.relation, key)] = (int(rows), int(quarantined))
    return found


def unreadable_files(
    stale: list[tuple[LandedInput, str]], wait_seconds: float | None = None
) -> dict[tuple[str, str], list[QuarantinedFile]]:
    """The stale tables and partitions with a file that cannot be read (file_check.py): a file
    recorded before with the same bytes is not read again."""
    from orchestration.landing.file_check import unreadable_reason
    from orchestration.operations.releases import sha256_of

    known = _known_quarantined_files(wait_seconds)
    found: dict[tuple[str, str], list[QuarantinedFile]] = {}
    for item, key in stale:
        for path in item.files_by_partition(settings.DATA_DIR).get(key, []):
            sha = sha256_of(path)
            recorded = known.get((str(path), sha))
            problem = recorded or unreadable_reason(path)
            if problem is not None:
                found.setdefault((item.relation, key), []).append(
                    QuarantinedFile(
                        item.relation, key, str(path), sha, *problem, recorded is not None
                    )
                )
    return found


def screen_partition(
    partition_key: str,
    asset_keys: Iterable[dg.AssetKey],
    tags: dict[str, str],
    *,
    job_name: str = "nightly",
    run_id: str = "no-run",
    wait_seconds: float | None = None,
) -> tuple[list[dg.AssetKey], list[QuarantinedFile]]:
    """A landing started outside the night's plan (the landing sensor's runs, `lmis backfill
    --job land_portal_days`) gets the plan's file check (`unreadable_files`), record and alert
    (`record_quarantined_files`, naming `job_name` and `run_id`, the run about to be asked
    for): returns the assets still to land and the files set aside. `partition_key`
    `WHOLE_TABLE`: the sources landed whole among `asset_keys`. `wait_seconds`: how long to
    wait for a busy warehouse (the sensor's 0: reading files needs no lock, and a recording
    that cannot wait is left to the next night, the alert still written)."""
    keys = list(asset_keys)
    whole = partition_key == WHOLE_TABLE
    items = [
        item
        for item in all_landed_inputs()
        if item.asset_key in keys and (item.partitions_def is None) == whole
    ]
    bad = unreadable_files([(item, partition_key) for item in items], wait_seconds)
    files = [f for found in bad.values() for f in found]
    record_quarantined_files(files, tags, job_name, run_id, wait_seconds)
    blocked = {item.asset_key for item in items if (item.relation, partition_key) in bad}
    return [key for key in keys if key not in blocked], files


def plan_night(until: date | None = None, *, full: bool = False) -> NightPlan:
    """What tonight must run (see the module doc); `full`: every partition and the whole job."""
    current = current_inputs(until)
    landed, published, published_run = _read_state()
    plan = NightPlan(
        removed_partitions=removed_partitions(landed, current),
        set_aside=partitions_after(landed, until),
    )
    landed_before = dict(landed)
    if full:
        landed, published, published_run = {}, {}, None
    stale = [
        (item, key)
        for (relation, key), (item, fingerprint) in sorted(current.items())
        if landed.get((relation, key)) != fingerprint
    ]
    bad = unreadable_files(stale)
    unlandable: set[dg.AssetKey] = set()
    if bad:
        # Not landed tonight: what landed before from earlier files stays and counts as
        # unchanged; a table or partition never landed is left out as if its file were absent.
        stale = [(item, key) for item, key in stale if (item.relation, key) not in bad]
        items = {relation_key: current[relation_key][0] for relation_key in bad}
        for relation_key in bad:
            item = items[relation_key]
            if relation_key[1] == WHOLE_TABLE:
                unlandable.add(item.asset_key)
                if relation_key not in landed_before:
                    plan.missing_sources.append(item.relation)
            if relation_key in landed_before:
                current[relation_key] = (item, landed_before[relation_key])
            else:
                del current[relation_key]
        # A partition not landed whose rows a backfill set aside: they would go unrecorded.
        set_aside = _set_aside_before(
            [
                (items[relation_key], relation_key[1])
                for relation_key in bad
                if relation_key[1] != WHOLE_TABLE and relation_key not in landed_before
            ]
        )
        for (relation, key), rows in sorted(set_aside.items()):
            bad[(relation, key)] = [replace(f, set_aside_rows=rows) for f in bad[(relation, key)]]
            source = items[(relation, key)].source_name
            plan.withdrawn_unreadable.append(RemovedPartition(relation, key, source))
        plan.quarantined_files = [f for files in bad.values() for f in files]
    # A stand-in of an earlier night still standing (its file removed, or still unreadable):
    # the source is still missing from the marts, and every night says so until it lands.
    for relation, reason in standing_stand_ins().items():
        if relation not in plan.missing_sources:
            log.warning("%s: still missing (an empty table stands in since %s)", relation, reason)
            plan.missing_sources.append(relation)
    plan.missing_sources.sort()
    plan.partition_runs = _partition_runs((i, k) for i, k in stale if i.partitions_def)
    if full or not published_run or published_run != _publication_run():
        plan.reasons.append(
            "full rebuild asked"
            if full
            else "no publication built by an incremental night: whole nightly job"
        )
        if unlandable:  # a whole source with an unreadable file: the job without its landing
            from orchestration.jobs import nightly_job

            keys = nightly_job.selection.resolve(_asset_graph()) - unlandable
            plan.nightly_selection = sorted(keys, key=lambda k: k.to_user_string())
        return plan
    stale_keys = {(item.relation, key) for item, key in stale}
    changed = {
        item.asset_key
        for (relation, key), (item, fingerprint) in current.items()
        if (relation, key) in stale_keys or published.get((relation, key)) != fingerprint
    }
    crawled = crawled_relations()
    changed |= changed_crawl_days(landed, published, crawled)
    # A table or partition published (or landed) before and no longer in the inputs changes the
    # marts too (crawl days are not in the inputs: they are compared above).
    gone = {relation for relation, key in set(published) - set(current) if relation not in crawled}
    gone |= {removed.relation for removed in plan.removed_partitions + plan.set_aside}
    changed |= {i.asset_key for i in all_landed_inputs() if i.relation in gone}
    if not changed:
        plan.run_nightly = False
        plan.reasons.append("no input changed since the last publication")
        return plan
    graph = _asset_graph()
    from orchestration.jobs import nightly_job

    nightly_keys = nightly_job.selection.resolve(graph)
    downstream = dg.AssetSelection.assets(*changed).downstream().resolve(graph)
    # A source whose file is unreadable is never landed tonight, even when it counts as changed.
    selected = (downstream & nightly_keys) - unlandable
    plan.nightly_selection = sorted(selected, key=lambda k: k.to_user_string())
    plan.reasons.append("changed: " + ", ".join(sorted(k.to_user_string() for k in changed)))
    return plan


def _run_partition(run: PartitionRun, tags: dict[str, str]) -> tuple[bool, str]:
    settings.ensure_dagster_home()
    from orchestration.definitions import defs
    from orchestration.operations.stale_runs import free_slots_of_dead_runs, process_tags

    job = defs.resolve_job_def(run.job_name)
    with writer_lock(settings.WAREHOUSE_PATH), dg.DagsterInstance.get() as instance:
        free_slots_of_dead_runs(instance)
        result = execute_job(
            job,
            instance,
            partition_key=run.partition_key,
            asset_selection=list(run.asset_keys),
            tags={**tags, **process_tags()},
        )
    log.info(
        "%s %s (%s): %s",
        run.job_name,
        run.partition_key,
        ", ".join(k.to_user_string() for k in run.asset_keys),
        "ok" if result.success else "FAILED",
    )
    return result.success, result.run_id


def _remove_partitions(removed: list[RemovedPartition], tags: dict[str, str]) -> None:
    """Delete the withdrawn partitions. Each is first marked `withdrawn` among the published
    inputs, so that until a `nightly` run publishes without it, every night still sees its
    source as changed, even if this night stops before its `nightly` run or the partition was
    landed by a night that never published."""
    from orchestration.jobs import SCHEDULED_NIGHT_TAG
    from orchestration.operations.releases import RELEASE_DATE_TAG
    from orchestration.resources import warehouse_resource

    night = f"lmis night of {tags[RELEASE_DATE_TAG]}" if RELEASE_DATE_TAG in tags else "lmis run"
    night_id = tags.get(SCHEDULED_NIGHT_TAG) or f"{night} at {datetime.now(UTC).isoformat()}"
    with writer_lock(settings.WAREHOUSE_PATH), warehouse_resource().get_connection() as con:
        con.execute(PUBLISHED_INPUTS_DDL)
        for partition in removed:
            _mark_published_withdrawn(con, partition)
            remove_partition(
                con, partition.relation, partition.partition_key, night_id, partition.source_name
            )


def _set_aside_partitions(later: list[RemovedPartition], tags: dict[str, str]) -> None:
    """Delete the partitions after the night's day (module doc); their files stay, so the
    first night that reaches their day finds them not landed and lands them again. The
    published inputs still list them: until this night publishes, later nights see the change."""
    from orchestration.operations.releases import RELEASE_DATE_TAG
    from orchestration.resources import warehouse_resource

    night = f"night of {tags.get(RELEASE_DATE_TAG, 'an earlier day')}"
    with writer_lock(settings.WAREHOUSE_PATH), warehouse_resource().get_connection() as con:
        for partition in later:
            remove_partition(
                con,
                partition.relation,
                partition.partition_key,
                night,
                partition.source_name,
                withdrawn=False,
            )


def _mark_published_withdrawn(con: duckdb.DuckDBPyConnection, partition: RemovedPartition) -> None:
    [(publication,)] = con.execute("select any_value(run_id) from raw.published_inputs").fetchall()
    if publication is None:  # nothing published: the next night runs the whole job anyway
        return
    con.execute("begin transaction")
    con.execute(
        "delete from raw.published_inputs where relation = ? and partition_key = ?",
        [partition.relation, partition.partition_key],
    )
    con.execute(
        "insert into raw.published_inputs values (?, ?, ?, ?)",
        [partition.relation, partition.partition_key, WITHDRAWN, publication],
    )
    con.execute("commit")


def stand_in_missing_sources(
    relations: list[str],
    quarantined: list[QuarantinedFile] | None = None,
    tags: dict[str, str] | None = None,
    wait_seconds: float | None = None,
) -> dict[str, str]:
    """An empty `raw.<table>` (the source's columns, as text) for each never-landed whole source
    whose file is unreadable, unless the table exists: without it every model reading the source
    failed, and the night with it. It records no landing, so a readable file lands it again;
    it is recorded in `raw.stand_in_sources` (why: its file in `quarantined`; by the run `tags`
    describe), so that every night until then still names the source (`standing_stand_ins`),
    even once its file is removed. Returns the tag naming them for the run's release."""
    if not relations:
        return {}
    reasons = {
        f.relation: f"file unreadable, {f.describe()}"
        for f in quarantined or []
        if f.partition_key == WHOLE_TABLE
    }
    night = _night_name(tags) if tags is not None else "lmis run"
    from ingest.sources import REFERENCE_SOURCES, SAKERNAS_SOURCES, VACANCY_SOURCES
    from ingest.warehouse import relation_name
    from orchestration.resources import warehouse_resource

    specs = {f"raw.{s.table}": s for s in (*VACANCY_SOURCES, *SAKERNAS_SOURCES, *REFERENCE_SOURCES)}
    lock = writer_lock(settings.WAREHOUSE_PATH, wait_seconds=wait_seconds)
    with lock, warehouse_resource().get_connection() as con:
        con.execute("create schema if not exists raw")
        con.execute(STAND_IN_SOURCES_DDL)
        for relation in relations:
            spec = specs.get(relation)
            if spec is None or table_columns(con, relation) is not None:
                continue
            con.execute(
                "insert into raw.stand_in_sources values (?, ?, ?, ?)",
                [
                    relation,
                    night,
                    reasons.get(relation, "file unreadable"),
                    datetime.now(UTC),
                ],
            )
            names = dict.fromkeys(
                [*spec.required_columns, *spec.optional_columns, *spec.file_name_columns]
            )
            columns = [f'"{name}" varchar' for name in names]
            columns += ['"_source_file" varchar', '"_source_row" bigint', '"_run_id" varchar']
            con.execute(f"create table {relation_name(relation)} ({', '.join(columns)})")
            log.warning(
                "%s: never landed and its file unreadable; an empty table stands in", relation
            )
    return {MISSING_SOURCES_TAG: ",".join(sorted(relations))}


def record_publication_inputs(run_id: str) -> None:
    """After a successful `nightly` run: the landed fingerprints its publication was built from."""
    from orchestration.resources import warehouse_resource

    with writer_lock(settings.WAREHOUSE_PATH), warehouse_resource().get_connection() as con:
        con.execute("begin transaction")
        con.execute(PUBLISHED_INPUTS_DDL)
        con.execute("delete from raw.published_inputs")
        con.execute(
            "insert into raw.published_inputs "
            "select relation, partition_key, fingerprint, ? from raw.landed_inputs",
            [run_id],
        )
        con.execute("commit")


@dataclass
class NightResult:
    success: bool
    run_ids: list[str]
    nightly_run_id: str | None
    quarantined_files: list[QuarantinedFile] = field(default_factory=list)


def _night_name(tags: dict[str, str], job_name: str = "nightly") -> str:
    """What found a file unreadable or put a stand-in in, for records and alerts: the night of
    a day, `lmis run`, the landing sensor, or a landing job run for a day."""
    from orchestration.operations.releases import RELEASE_DATE_TAG

    day = tags.get(RELEASE_DATE_TAG)
    if tags.get("lmis/trigger"):
        return f"{tags['lmis/trigger']} on {day}" if day else tags["lmis/trigger"]
    if job_name != "nightly":
        return f"{job_name} for {day}" if day else job_name
    return f"night of {day}" if day else "lmis run"


def record_quarantined_files(
    files: list[QuarantinedFile],
    tags: dict[str, str],
    job_name: str = "nightly",
    run_id: str = "no-run",
    wait_seconds: float | None = None,
) -> None:
    """Record the unreadable files found tonight (those not recorded before) and alert on each:
    the night goes on without them, and `lmis` ends with EXIT_FILES_QUARANTINED. A warehouse
    still busy after `wait_seconds` leaves the recording to the next night (which screens the
    file again); the alert is written all the same."""
    if not files:
        return

    night = _night_name(tags, job_name)
    new = [f for f in files if not f.known]
    # One withdrawal per partition a backfill had set aside (module doc of set_aside).
    withdrawn = {(f.relation, f.partition_key): f for f in files if f.set_aside_rows}
    try:
        if new or withdrawn:
            _record_quarantined(new, withdrawn, night, wait_seconds)
    except WarehouseLockedError as exc:
        if wait_seconds is None:
            raise
        log.warning("unreadable files not recorded now (the next night records them): %s", exc)
    _alert_quarantined(files, night, job_name, run_id)


def _record_quarantined(
    new: list[QuarantinedFile],
    withdrawn: dict[tuple[str, str], QuarantinedFile],
    night: str,
    wait_seconds: float | None,
) -> None:
    from ingest.warehouse import ensure_landing_tables
    from orchestration.resources import warehouse_resource

    now = datetime.now(UTC)
    lock = writer_lock(settings.WAREHOUSE_PATH, wait_seconds=wait_seconds)
    with lock, warehouse_resource().get_connection() as con:
        con.execute("create schema if not exists raw")
        con.execute(QUARANTINED_FILES_DDL)
        if new:
            con.executemany(
                "insert into raw.quarantined_files values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [f.path, f.sha256, f.reason_code, f.detail, f.relation, f.partition_key]
                    + [night, now]
                    for f in new
                ],
            )
        if withdrawn:
            ensure_landing_tables(con)
            con.executemany(
                "insert into raw.removed_partitions values (?, ?, ?, ?, ?, ?)",
                [
                    [relation, key, *f.set_aside_rows, f"{night}: file unreadable", now]
                    for (relation, key), f in sorted(withdrawn.items())
                ],
            )


def _alert_quarantined(
    files: list[QuarantinedFile], night: str, job_name: str, run_id: str
) -> None:
    from orchestration.operations.alerts import write_alert

    for file in files:
        after_backfill = (
            f"; its partition had been set aside by a backfill ({file.set_aside_rows[0]} rows, "
            f"{file.set_aside_rows[1]} quarantined rows landed from an earlier version of the "
            "file) and is now withdrawn (raw.removed_partitions): those rows are in no release "
            "until a readable file lands"
            if file.set_aside_rows
            else ""
        )
        write_alert(
            "file_quarantined",
            job_name,
            run_id,
            f"{night}: {file.describe()} cannot be read; {file.relation} "
            f"{file.partition_key} was not landed from it (the rest of the run went on)"
            f"{after_backfill}. "
            "Replace the file with a readable one (or remove it): the next night lands it",
            group=f"file-{file.sha256[:16]}",
            file=file.path,
            reason_code=file.reason_code,
            relation=file.relation,
            partition_key=file.partition_key,
            first_seen="earlier night" if file.known else night,
        )


def run_night(plan: NightPlan, tags: dict[str, str] | None = None) -> NightResult:
    """Run the plan: partition landings first, then the `nightly` run; stop at a failure."""
    from orchestration.operations.releases import STARTED_AT_TAG
    from orchestration.runner import run_nightly_job

    tags = dict(tags or {})
    # The release is dated (and judged interim) by when the night started, not when it ends.
    tags.setdefault(STARTED_AT_TAG, datetime.now(UTC).isoformat())
    log.info("tonight: %s (%s)", plan.describe(), "; ".join(plan.reasons))
    record_quarantined_files(plan.quarantined_files, tags)
    if plan.removed_partitions:
        _remove_partitions(plan.removed_partitions, tags)
    if plan.set_aside:
        _set_aside_partitions(plan.set_aside, tags)
    tags.update(stand_in_missing_sources(plan.missing_sources, plan.quarantined_files, tags))
    run_ids = []
    for partition_run in plan.partition_runs:
        success, run_id = _run_partition(partition_run, tags)
        run_ids.append(run_id)
        if not success:
            return NightResult(False, run_ids, None, plan.quarantined_files)
    if not plan.run_nightly:
        return NightResult(True, run_ids, None, plan.quarantined_files)
    selection = (
        None
        if plan.nightly_selection is None
        else [key.to_user_string() for key in plan.nightly_selection]
    )
    result = run_nightly_job(selection=selection, tags=tags)
    run_ids.append(result.run_id)
    if result.success:
        record_publication_inputs(result.run_id)
    return NightResult(result.success, run_ids, result.run_id, plan.quarantined_files)


def whole_warehouse_run(tags: dict[str, str] | None = None) -> NightResult:
    """`lmis run`: land every partition on disk and run the whole `nightly` job."""
    return run_night(plan_night(full=True), tags)


__all__ = [
    "WHOLE_TABLE",
    "NightPlan",
    "PartitionRun",
    "RemovedPartition",
    "plan_night",
    "run_night",
]
