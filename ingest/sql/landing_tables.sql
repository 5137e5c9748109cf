-- Bookkeeping tables of the raw landing zone. Created once; rows are replaced per source and run.
create schema if not exists raw;

create table if not exists raw.quarantine (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    source_row bigint,
    field varchar,
    reason_code varchar not null,
    reason varchar not null,
    raw_record varchar,
    quarantined_at timestamp with time zone not null
);

create table if not exists raw.load_audit (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    loaded_at timestamp with time zone not null
);

-- The partition a quarantined row or an audited file belongs to (null: a whole-table source).
-- Added after the tables first shipped, hence `alter` rather than the create statements.
alter table raw.quarantine add column if not exists partition_key varchar;
alter table raw.load_audit add column if not exists partition_key varchar;

-- When the partition a load belongs to was withdrawn (its files removed from the landing
-- folder); null while its rows are in the warehouse. The row stays as history.
alter table raw.load_audit add column if not exists withdrawn_at timestamp with time zone;

-- What each landed table or partition was built from: the fingerprint of its input files and of
-- the code, written in the landing's own transaction, so it is true exactly when the rows are.
-- The incremental night compares it with the files on disk to decide what to land again.
create table if not exists raw.landed_inputs (
    relation varchar not null,
    partition_key varchar not null,
    fingerprint varchar not null,
    run_id varchar not null,
    landed_at timestamp with time zone not null
);

-- Partitions deleted because every file they were landed from was removed from the landing
-- folder (orchestration/operations/incremental.py): what went, how many rows, and when.
create table if not exists raw.removed_partitions (
    relation varchar not null,
    partition_key varchar not null,
    rows_removed bigint not null,
    quarantined_rows_removed bigint not null,
    night_id varchar not null,
    removed_at timestamp with time zone not null
);
